CREATE TYPE "public"."report_audience" AS ENUM('board', 'families', 'staff');--> statement-breakpoint
CREATE TYPE "public"."report_state" AS ENUM('draft', 'in_review', 'published', 'retracted');--> statement-breakpoint
ALTER TYPE "public"."document_kind" ADD VALUE 'report';--> statement-breakpoint
CREATE TABLE "district_profile" (
	"district_id" uuid PRIMARY KEY NOT NULL,
	"sel_statement" text DEFAULT '' NOT NULL,
	"history" text DEFAULT '' NOT NULL,
	"milestones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "published_report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"version_number" integer NOT NULL,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"language" text NOT NULL,
	"audience" "report_audience" NOT NULL,
	"html" text NOT NULL,
	"content" jsonb NOT NULL,
	"etag" text NOT NULL,
	"pdf" "bytea",
	"published_by" uuid,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"superseded_at" timestamp with time zone,
	"retracted_at" timestamp with time zone,
	"retracted_by" uuid,
	"retract_reason" text,
	CONSTRAINT "published_report_retraction" CHECK (("published_report"."retracted_at" is null) = ("published_report"."retract_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "report_comment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"quote" text DEFAULT '' NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_reviewer" (
	"report_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_reviewer_report_id_user_id_pk" PRIMARY KEY("report_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"school_id" uuid,
	"document_id" uuid NOT NULL,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"audience" "report_audience" NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"translation_group_id" uuid NOT NULL,
	"state" "report_state" DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_document_id_unique" UNIQUE("document_id"),
	CONSTRAINT "report_slug_format" CHECK ("report"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
--> statement-breakpoint
ALTER TABLE "district_profile" ADD CONSTRAINT "district_profile_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "district_profile" ADD CONSTRAINT "district_profile_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_report" ADD CONSTRAINT "published_report_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_report" ADD CONSTRAINT "published_report_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_report" ADD CONSTRAINT "published_report_published_by_app_user_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_report" ADD CONSTRAINT "published_report_retracted_by_app_user_id_fk" FOREIGN KEY ("retracted_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_comment" ADD CONSTRAINT "report_comment_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_comment" ADD CONSTRAINT "report_comment_author_id_app_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_comment" ADD CONSTRAINT "report_comment_resolved_by_app_user_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_reviewer" ADD CONSTRAINT "report_reviewer_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_reviewer" ADD CONSTRAINT "report_reviewer_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_reviewer" ADD CONSTRAINT "report_reviewer_added_by_app_user_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_district_id_district_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."district"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_cycle_id_cycle_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycle"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_school_id_school_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."school"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_document_id_plan_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."plan_document"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "published_report_version_idx" ON "published_report" USING btree ("report_id","version_number");--> statement-breakpoint
CREATE INDEX "published_report_district_idx" ON "published_report" USING btree ("district_id","published_at");--> statement-breakpoint
CREATE INDEX "report_comment_report_idx" ON "report_comment" USING btree ("report_id","created_at");--> statement-breakpoint
CREATE INDEX "report_reviewer_user_idx" ON "report_reviewer" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_district_slug_idx" ON "report" USING btree ("district_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "report_group_language_idx" ON "report" USING btree ("translation_group_id","language");--> statement-breakpoint
CREATE INDEX "report_cycle_idx" ON "report" USING btree ("cycle_id");