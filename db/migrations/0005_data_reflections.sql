CREATE TYPE "public"."measure_category" AS ENUM('sel_competency', 'connectedness', 'attendance', 'course_failure', 'custom');--> statement-breakpoint
CREATE TYPE "public"."benchmark_kind" AS ENUM('benchmark', 'target');--> statement-breakpoint
CREATE TYPE "public"."data_import_status" AS ENUM('committed', 'undone');--> statement-breakpoint
CREATE TYPE "public"."data_term" AS ENUM('fall', 'winter', 'spring', 'year');--> statement-breakpoint
CREATE TYPE "public"."student_group_category" AS ENUM('all', 'gender', 'race_ethnicity', 'english_learner', 'disability', 'economic', 'custom');--> statement-breakpoint
CREATE TYPE "public"."finding_kind" AS ENUM('success', 'challenge');--> statement-breakpoint
CREATE TYPE "public"."stakeholder_group" AS ENUM('students', 'families', 'staff', 'community_partners', 'board');--> statement-breakpoint
CREATE TYPE "public"."document_kind" AS ENUM('action_plan', 'meeting_notes');--> statement-breakpoint
CREATE TABLE "benchmark" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"measure_id" uuid NOT NULL,
	"kind" "benchmark_kind" NOT NULL,
	"grade_band" text NOT NULL,
	"value" numeric NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"version" smallint DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_import" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"row_count" integer NOT NULL,
	"slices" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "data_import_status" DEFAULT 'committed' NOT NULL,
	"imported_by" uuid,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_by" uuid,
	"undone_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "observation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"replaced_by_import_id" uuid,
	"school_id" uuid,
	"start_year" integer NOT NULL,
	"term" "data_term" NOT NULL,
	"grade" text NOT NULL,
	"student_group_id" uuid NOT NULL,
	"measure_id" uuid NOT NULL,
	"n" integer NOT NULL,
	"value" numeric NOT NULL,
	CONSTRAINT "observation_n_nonnegative" CHECK ("observation"."n" >= 0)
);
--> statement-breakpoint
CREATE TABLE "student_group" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"category" "student_group_category" NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "finding" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"kind" "finding_kind" NOT NULL,
	"summary" text NOT NULL,
	"goal_id" uuid,
	"rubric_item_id" uuid,
	"evidence_view_path" text,
	"evidence_label" text DEFAULT '' NOT NULL,
	"evidence_score_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reflection_answer" (
	"meeting_id" uuid NOT NULL,
	"question_id" text NOT NULL,
	"answer" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflection_answer_meeting_id_question_id_pk" PRIMARY KEY("meeting_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "reflection_meeting" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"protocol_id" uuid,
	"title" text NOT NULL,
	"checkpoint" "checkpoint" NOT NULL,
	"held_on" date NOT NULL,
	"questions" jsonb NOT NULL,
	"data_views" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stakeholder_groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stakeholder_note" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reflection_participant" (
	"meeting_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "reflection_participant_meeting_id_user_id_pk" PRIMARY KEY("meeting_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "reflection_protocol" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"purpose" text DEFAULT '' NOT NULL,
	"questions" jsonb NOT NULL,
	"data_views" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"archived_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "goal" ALTER COLUMN "decision" SET DATA TYPE text;--> statement-breakpoint
UPDATE "goal" SET "decision" = CASE "decision" WHEN 'continue' THEN 'sustain' WHEN 'adjust' THEN 'revise' WHEN 'retire' THEN 'change_focus' ELSE "decision" END;--> statement-breakpoint
DROP TYPE "public"."goal_decision";--> statement-breakpoint
CREATE TYPE "public"."goal_decision" AS ENUM('sustain', 'new_strategies', 'change_focus', 'revise');--> statement-breakpoint
ALTER TABLE "goal" ALTER COLUMN "decision" SET DATA TYPE "public"."goal_decision" USING "decision"::"public"."goal_decision";--> statement-breakpoint
DROP INDEX "plan_document_cycle_idx";--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "decision_meeting_id" uuid;--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "needs_revision" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "category" "measure_category" DEFAULT 'custom' NOT NULL;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "competency" text;--> statement-breakpoint
ALTER TABLE "plan_document" ADD COLUMN "kind" "document_kind" DEFAULT 'action_plan' NOT NULL;--> statement-breakpoint
ALTER TABLE "plan_document" ADD COLUMN "meeting_id" uuid;--> statement-breakpoint
ALTER TABLE "benchmark" ADD CONSTRAINT "benchmark_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark" ADD CONSTRAINT "benchmark_measure_id_measure_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measure"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark" ADD CONSTRAINT "benchmark_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_import" ADD CONSTRAINT "data_import_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_import" ADD CONSTRAINT "data_import_imported_by_app_user_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_import" ADD CONSTRAINT "data_import_undone_by_app_user_id_fk" FOREIGN KEY ("undone_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation" ADD CONSTRAINT "observation_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation" ADD CONSTRAINT "observation_import_id_data_import_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_import"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation" ADD CONSTRAINT "observation_replaced_by_import_id_data_import_id_fk" FOREIGN KEY ("replaced_by_import_id") REFERENCES "public"."data_import"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation" ADD CONSTRAINT "observation_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation" ADD CONSTRAINT "observation_student_group_id_student_group_id_fk" FOREIGN KEY ("student_group_id") REFERENCES "public"."student_group"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation" ADD CONSTRAINT "observation_measure_id_measure_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measure"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_group" ADD CONSTRAINT "student_group_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_meeting_id_reflection_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."reflection_meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_goal_id_goal_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goal"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_rubric_item_id_rubric_item_id_fk" FOREIGN KEY ("rubric_item_id") REFERENCES "public"."rubric_item"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_evidence_score_id_rubric_score_id_fk" FOREIGN KEY ("evidence_score_id") REFERENCES "public"."rubric_score"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_answer" ADD CONSTRAINT "reflection_answer_meeting_id_reflection_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."reflection_meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_answer" ADD CONSTRAINT "reflection_answer_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_meeting" ADD CONSTRAINT "reflection_meeting_cycle_id_cycle_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_meeting" ADD CONSTRAINT "reflection_meeting_protocol_id_reflection_protocol_id_fk" FOREIGN KEY ("protocol_id") REFERENCES "public"."reflection_protocol"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_meeting" ADD CONSTRAINT "reflection_meeting_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_participant" ADD CONSTRAINT "reflection_participant_meeting_id_reflection_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."reflection_meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_participant" ADD CONSTRAINT "reflection_participant_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_protocol" ADD CONSTRAINT "reflection_protocol_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "benchmark_measure_band_kind_uq" ON "benchmark" USING btree ("district_id","measure_id","kind","grade_band");--> statement-breakpoint
CREATE INDEX "data_import_district_idx" ON "data_import" USING btree ("district_id","imported_at");--> statement-breakpoint
CREATE UNIQUE INDEX "observation_current_uq" ON "observation" USING btree (coalesce("school_id"::text, ''),"district_id","start_year","term","grade","student_group_id","measure_id") WHERE "observation"."replaced_by_import_id" is null;--> statement-breakpoint
CREATE INDEX "observation_slice_idx" ON "observation" USING btree ("district_id","measure_id","start_year","term");--> statement-breakpoint
CREATE INDEX "observation_import_idx" ON "observation" USING btree ("import_id");--> statement-breakpoint
CREATE INDEX "observation_replaced_idx" ON "observation" USING btree ("replaced_by_import_id");--> statement-breakpoint
CREATE UNIQUE INDEX "student_group_scope_slug_uq" ON "student_group" USING btree (coalesce("district_id"::text, ''),"slug");--> statement-breakpoint
CREATE INDEX "finding_meeting_idx" ON "finding" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "reflection_meeting_cycle_idx" ON "reflection_meeting" USING btree ("cycle_id","held_on");--> statement-breakpoint
CREATE INDEX "reflection_protocol_district_idx" ON "reflection_protocol" USING btree ("district_id");--> statement-breakpoint
ALTER TABLE "goal" ADD CONSTRAINT "goal_decided_by_app_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_document" ADD CONSTRAINT "plan_document_meeting_id_reflection_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."reflection_meeting"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_document_meeting_idx" ON "plan_document" USING btree ("meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "plan_document_cycle_idx" ON "plan_document" USING btree ("cycle_id") WHERE "plan_document"."kind" = 'action_plan';--> statement-breakpoint
ALTER TABLE "plan_document" ADD CONSTRAINT "plan_document_kind_owner" CHECK (("plan_document"."kind" = 'meeting_notes') = ("plan_document"."meeting_id" is not null));