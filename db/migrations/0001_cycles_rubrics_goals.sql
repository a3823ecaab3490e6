CREATE TYPE "public"."checkpoint" AS ENUM('baseline', 'midyear', 'endyear');--> statement-breakpoint
CREATE TYPE "public"."cycle_phase" AS ENUM('organize', 'implement', 'improve');--> statement-breakpoint
CREATE TYPE "public"."cycle_status" AS ENUM('planning', 'active', 'closed');--> statement-breakpoint
CREATE TYPE "public"."goal_kind" AS ENUM('implementation', 'outcome');--> statement-breakpoint
CREATE TYPE "public"."measure_direction" AS ENUM('higher_is_better', 'lower_is_better');--> statement-breakpoint
CREATE TYPE "public"."mirror_scope" AS ENUM('none', 'all_schools', 'chosen_schools');--> statement-breakpoint
CREATE TYPE "public"."strategy_status" AS ENUM('planned', 'in_progress', 'done', 'blocked');--> statement-breakpoint
CREATE TABLE "cycle" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"school_id" uuid,
	"district_cycle_id" uuid,
	"start_year" integer NOT NULL,
	"status" "cycle_status" DEFAULT 'planning' NOT NULL,
	"phase" "cycle_phase" DEFAULT 'organize' NOT NULL,
	"baseline_date" date NOT NULL,
	"midyear_date" date NOT NULL,
	"endyear_date" date NOT NULL,
	"rubric_version_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cycle_school_has_parent" CHECK (("cycle"."school_id" is null) = ("cycle"."district_cycle_id" is null))
);
--> statement-breakpoint
CREATE TABLE "focus_area" (
	"id" text PRIMARY KEY NOT NULL,
	"position" smallint NOT NULL,
	"name" text NOT NULL,
	"summary" text NOT NULL,
	"phase" "cycle_phase" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "goal_adoption" (
	"goal_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"local_target" text DEFAULT '' NOT NULL,
	"seen_goal_version" integer DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goal_adoption_goal_id_cycle_id_pk" PRIMARY KEY("goal_id","cycle_id")
);
--> statement-breakpoint
CREATE TABLE "goal_revision" (
	"goal_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goal_revision_goal_id_version_pk" PRIMARY KEY("goal_id","version")
);
--> statement-breakpoint
CREATE TABLE "goal_school" (
	"goal_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	CONSTRAINT "goal_school_goal_id_school_id_pk" PRIMARY KEY("goal_id","school_id")
);
--> statement-breakpoint
CREATE TABLE "goal" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"kind" "goal_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"relevance" text DEFAULT '' NOT NULL,
	"population" text DEFAULT '' NOT NULL,
	"inclusive_note" text DEFAULT '' NOT NULL,
	"equity_note" text DEFAULT '' NOT NULL,
	"rubric_item_id" uuid,
	"target_level" smallint,
	"target_checkpoint" "checkpoint",
	"measure_id" uuid,
	"baseline_value" numeric,
	"target_value" numeric,
	"due_date" date,
	"mirror_scope" "mirror_scope" DEFAULT 'none' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goal_target_level_range" CHECK ("goal"."target_level" is null or "goal"."target_level" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "key_activity" (
	"id" text PRIMARY KEY NOT NULL,
	"focus_area_id" text NOT NULL,
	"position" smallint NOT NULL,
	"name" text NOT NULL,
	"summary" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measure" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"unit" text NOT NULL,
	"direction" "measure_direction" NOT NULL,
	"scale_min" numeric NOT NULL,
	"scale_max" numeric NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rubric_item" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rubric_version_id" uuid NOT NULL,
	"focus_area_id" text NOT NULL,
	"key_activity_id" text,
	"position" smallint NOT NULL,
	"title" text NOT NULL,
	"level_1" text NOT NULL,
	"level_2" text NOT NULL,
	"level_3" text NOT NULL,
	"level_4" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rubric_score" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"rubric_item_id" uuid NOT NULL,
	"checkpoint" "checkpoint" NOT NULL,
	"level" smallint NOT NULL,
	"evidence" text DEFAULT '' NOT NULL,
	"evidence_links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"scored_by" uuid,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "rubric_score_level_range" CHECK ("rubric_score"."level" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "rubric_version" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"goal_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"title" text NOT NULL,
	"owner_name" text DEFAULT '' NOT NULL,
	"owner_id" uuid,
	"due_date" date,
	"status" "strategy_status" DEFAULT 'planned' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cycle" ADD CONSTRAINT "cycle_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle" ADD CONSTRAINT "cycle_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle" ADD CONSTRAINT "cycle_district_cycle_id_cycle_id_fk" FOREIGN KEY ("district_cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle" ADD CONSTRAINT "cycle_rubric_version_id_rubric_version_id_fk" FOREIGN KEY ("rubric_version_id") REFERENCES "public"."rubric_version"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_adoption" ADD CONSTRAINT "goal_adoption_goal_id_goal_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goal"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_adoption" ADD CONSTRAINT "goal_adoption_cycle_id_cycle_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_revision" ADD CONSTRAINT "goal_revision_goal_id_goal_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goal"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_revision" ADD CONSTRAINT "goal_revision_changed_by_app_user_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_school" ADD CONSTRAINT "goal_school_goal_id_goal_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goal"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_school" ADD CONSTRAINT "goal_school_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal" ADD CONSTRAINT "goal_cycle_id_cycle_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal" ADD CONSTRAINT "goal_rubric_item_id_rubric_item_id_fk" FOREIGN KEY ("rubric_item_id") REFERENCES "public"."rubric_item"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal" ADD CONSTRAINT "goal_measure_id_measure_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measure"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal" ADD CONSTRAINT "goal_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_activity" ADD CONSTRAINT "key_activity_focus_area_id_focus_area_id_fk" FOREIGN KEY ("focus_area_id") REFERENCES "public"."focus_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measure" ADD CONSTRAINT "measure_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_item" ADD CONSTRAINT "rubric_item_rubric_version_id_rubric_version_id_fk" FOREIGN KEY ("rubric_version_id") REFERENCES "public"."rubric_version"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_item" ADD CONSTRAINT "rubric_item_focus_area_id_focus_area_id_fk" FOREIGN KEY ("focus_area_id") REFERENCES "public"."focus_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_item" ADD CONSTRAINT "rubric_item_key_activity_id_key_activity_id_fk" FOREIGN KEY ("key_activity_id") REFERENCES "public"."key_activity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_score" ADD CONSTRAINT "rubric_score_cycle_id_cycle_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_score" ADD CONSTRAINT "rubric_score_rubric_item_id_rubric_item_id_fk" FOREIGN KEY ("rubric_item_id") REFERENCES "public"."rubric_item"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_score" ADD CONSTRAINT "rubric_score_scored_by_app_user_id_fk" FOREIGN KEY ("scored_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_version" ADD CONSTRAINT "rubric_version_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_version" ADD CONSTRAINT "rubric_version_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy" ADD CONSTRAINT "strategy_goal_id_goal_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goal"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy" ADD CONSTRAINT "strategy_cycle_id_cycle_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy" ADD CONSTRAINT "strategy_owner_id_app_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_district_year_uq" ON "cycle" USING btree ("district_id","start_year") WHERE "cycle"."school_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_school_year_uq" ON "cycle" USING btree ("school_id","start_year") WHERE "cycle"."school_id" is not null;--> statement-breakpoint
CREATE INDEX "cycle_district_cycle_idx" ON "cycle" USING btree ("district_cycle_id");--> statement-breakpoint
CREATE INDEX "goal_cycle_idx" ON "goal" USING btree ("cycle_id");--> statement-breakpoint
CREATE UNIQUE INDEX "measure_scope_slug_uq" ON "measure" USING btree (coalesce("district_id"::text, ''),"slug");--> statement-breakpoint
CREATE INDEX "rubric_item_version_idx" ON "rubric_item" USING btree ("rubric_version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rubric_score_cycle_item_checkpoint_uq" ON "rubric_score" USING btree ("cycle_id","rubric_item_id","checkpoint");--> statement-breakpoint
CREATE UNIQUE INDEX "rubric_version_district_number_uq" ON "rubric_version" USING btree ("district_id","number");--> statement-breakpoint
CREATE INDEX "strategy_goal_idx" ON "strategy" USING btree ("goal_id");--> statement-breakpoint
CREATE INDEX "strategy_cycle_idx" ON "strategy" USING btree ("cycle_id");