CREATE TABLE "person" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_id_email_uq" UNIQUE("id","email")
);
--> statement-breakpoint
DROP INDEX "app_user_email_uq";--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "person_id" uuid;--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "joined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "last_entered_at" timestamp with time zone;--> statement-breakpoint
-- Hand-written backfill (ADR 0035): every existing user becomes a person with the same id, email and password.
INSERT INTO "person" ("id", "email", "password_hash", "created_at", "updated_at") SELECT "id", "email", "password_hash", "created_at", "updated_at" FROM "app_user";--> statement-breakpoint
UPDATE "app_user" SET "person_id" = "id", "joined_at" = CASE WHEN "password_hash" IS NOT NULL THEN "created_at" END;--> statement-breakpoint
ALTER TABLE "app_user" ALTER COLUMN "person_id" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "person_email_uq" ON "person" USING btree (lower("email"));--> statement-breakpoint
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_person_fk" FOREIGN KEY ("person_id","email") REFERENCES "public"."person"("id","email") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE UNIQUE INDEX "app_user_person_district_uq" ON "app_user" USING btree ("person_id","district_id");--> statement-breakpoint
ALTER TABLE "app_user" DROP COLUMN "password_hash";