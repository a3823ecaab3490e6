ALTER TABLE "measure" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "student_group" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;