CREATE TYPE "public"."goal_decision" AS ENUM('continue', 'adjust', 'retire');--> statement-breakpoint
ALTER TABLE "cycle" ADD COLUMN "score_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "decision" "goal_decision";--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "decision_note" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "goal" ADD COLUMN "carried_from_id" uuid;--> statement-breakpoint
ALTER TABLE "rubric_item" ADD COLUMN "lineage_id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "rubric_item" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "rubric_version" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rubric_version" ADD COLUMN "published_by" uuid;--> statement-breakpoint
-- Every version that existed before adaptation was in use, so it counts as published.
UPDATE "rubric_version" SET "published_at" = "created_at", "published_by" = "created_by";--> statement-breakpoint
ALTER TABLE "goal" ADD CONSTRAINT "goal_carried_from_id_goal_id_fk" FOREIGN KEY ("carried_from_id") REFERENCES "public"."goal"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubric_version" ADD CONSTRAINT "rubric_version_published_by_app_user_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rubric_item_version_lineage_uq" ON "rubric_item" USING btree ("rubric_version_id","lineage_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rubric_version_one_draft_uq" ON "rubric_version" USING btree ("district_id") WHERE "rubric_version"."published_at" is null;