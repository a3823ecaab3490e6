CREATE TYPE "public"."intervention_outcome" AS ENUM('goal_met', 'progress', 'no_progress', 'discontinued');--> statement-breakpoint
CREATE TYPE "public"."student_access_kind" AS ENUM('view', 'list', 'export', 'import', 'delete', 'retention');--> statement-breakpoint
CREATE TABLE "check_in" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"intervention_id" uuid NOT NULL,
	"week_of" date NOT NULL,
	"rating" smallint NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "check_in_rating" CHECK ("check_in"."rating" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "district_student_settings" (
	"district_id" uuid PRIMARY KEY NOT NULL,
	"absence_percent" numeric DEFAULT 10 NOT NULL,
	"failing_courses" smallint DEFAULT 1 NOT NULL,
	"behaviour_incidents" smallint DEFAULT 2 NOT NULL,
	"sel_benchmark" numeric DEFAULT 3 NOT NULL,
	"retention_months" smallint DEFAULT 12 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator_week" (
	"student_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"start_year" integer NOT NULL,
	"week_of" date NOT NULL,
	"days_enrolled" smallint NOT NULL,
	"days_absent" smallint NOT NULL,
	"courses_failing" smallint DEFAULT 0 NOT NULL,
	"behaviour_incidents" smallint DEFAULT 0 NOT NULL,
	"sel_score" numeric,
	"trusted_adult" boolean,
	CONSTRAINT "indicator_week_student_id_week_of_pk" PRIMARY KEY("student_id","week_of"),
	CONSTRAINT "indicator_week_days" CHECK ("indicator_week"."days_absent" >= 0 and "indicator_week"."days_enrolled" >= "indicator_week"."days_absent")
);
--> statement-breakpoint
CREATE TABLE "intervention_catalog" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"owner_id" uuid,
	"start_date" date NOT NULL,
	"goal" text NOT NULL,
	"end_date" date,
	"outcome" "intervention_outcome",
	"outcome_note" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relationship" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "student_access_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"school_id" uuid,
	"actor_id" uuid,
	"student_id" uuid,
	"kind" "student_access_kind" NOT NULL,
	"context" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_data_revision" (
	"school_id" uuid PRIMARY KEY NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_note" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"local_id" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"grade" text NOT NULL,
	"groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_start_year" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "check_in" ADD CONSTRAINT "check_in_intervention_id_intervention_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."intervention"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_in" ADD CONSTRAINT "check_in_recorded_by_app_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "district_student_settings" ADD CONSTRAINT "district_student_settings_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "district_student_settings" ADD CONSTRAINT "district_student_settings_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_week" ADD CONSTRAINT "indicator_week_student_id_student_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."student"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_week" ADD CONSTRAINT "indicator_week_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_week" ADD CONSTRAINT "indicator_week_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_catalog" ADD CONSTRAINT "intervention_catalog_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention" ADD CONSTRAINT "intervention_student_id_student_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."student"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention" ADD CONSTRAINT "intervention_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention" ADD CONSTRAINT "intervention_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention" ADD CONSTRAINT "intervention_catalog_id_intervention_catalog_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."intervention_catalog"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention" ADD CONSTRAINT "intervention_owner_id_app_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention" ADD CONSTRAINT "intervention_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship" ADD CONSTRAINT "relationship_student_id_student_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."student"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship" ADD CONSTRAINT "relationship_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship" ADD CONSTRAINT "relationship_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship" ADD CONSTRAINT "relationship_staff_id_app_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_access_log" ADD CONSTRAINT "student_access_log_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_access_log" ADD CONSTRAINT "student_access_log_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_access_log" ADD CONSTRAINT "student_access_log_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_data_revision" ADD CONSTRAINT "student_data_revision_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_note" ADD CONSTRAINT "student_note_student_id_student_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."student"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_note" ADD CONSTRAINT "student_note_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_note" ADD CONSTRAINT "student_note_author_id_app_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student" ADD CONSTRAINT "student_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student" ADD CONSTRAINT "student_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "check_in_week_uq" ON "check_in" USING btree ("intervention_id","week_of");--> statement-breakpoint
CREATE INDEX "indicator_week_school_idx" ON "indicator_week" USING btree ("school_id","week_of");--> statement-breakpoint
CREATE INDEX "indicator_week_survey_idx" ON "indicator_week" USING btree ("school_id","week_of") WHERE "indicator_week"."sel_score" is not null or "indicator_week"."trusted_adult" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_catalog_slug_uq" ON "intervention_catalog" USING btree ("district_id","slug");--> statement-breakpoint
CREATE INDEX "intervention_student_idx" ON "intervention" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "intervention_school_open_idx" ON "intervention" USING btree ("school_id") WHERE "intervention"."end_date" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "relationship_current_uq" ON "relationship" USING btree ("staff_id","student_id") WHERE "relationship"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "relationship_school_idx" ON "relationship" USING btree ("school_id");--> statement-breakpoint
CREATE INDEX "student_access_log_district_at_idx" ON "student_access_log" USING btree ("district_id","at");--> statement-breakpoint
CREATE INDEX "student_access_log_student_idx" ON "student_access_log" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "student_note_student_idx" ON "student_note" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "student_district_local_uq" ON "student" USING btree ("district_id","local_id");--> statement-breakpoint
CREATE INDEX "student_school_idx" ON "student" USING btree ("school_id","family_name","given_name");