CREATE TYPE "public"."doc_version_kind" AS ENUM('named', 'daily');--> statement-breakpoint
CREATE TABLE "doc_activity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"user_id" uuid,
	"day" date NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"changes" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "doc_version" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"kind" "doc_version_kind" NOT NULL,
	"name" text,
	"day" date,
	"state" "bytea" NOT NULL,
	"seq" bigint NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doc_version_kind_fields" CHECK (("doc_version"."kind" = 'named' and "doc_version"."name" is not null and "doc_version"."day" is null) or ("doc_version"."kind" = 'daily' and "doc_version"."day" is not null and "doc_version"."name" is null))
);
--> statement-breakpoint
ALTER TABLE "doc_activity" ADD CONSTRAINT "doc_activity_document_id_plan_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."plan_document"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_activity" ADD CONSTRAINT "doc_activity_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_version" ADD CONSTRAINT "doc_version_document_id_plan_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."plan_document"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_version" ADD CONSTRAINT "doc_version_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "doc_activity_document_day_idx" ON "doc_activity" USING btree ("document_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "doc_version_document_day_idx" ON "doc_version" USING btree ("document_id","day");--> statement-breakpoint
CREATE INDEX "doc_version_document_created_idx" ON "doc_version" USING btree ("document_id","created_at");