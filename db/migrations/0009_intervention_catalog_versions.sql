ALTER TABLE "intervention_catalog" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "intervention_catalog" ADD COLUMN "updated_by" uuid;--> statement-breakpoint
ALTER TABLE "intervention_catalog" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "intervention_catalog" ADD CONSTRAINT "intervention_catalog_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;