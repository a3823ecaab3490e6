CREATE TABLE "import_check_part" (
	"check_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"seq" integer NOT NULL,
	"count" integer NOT NULL,
	"payload" text NOT NULL,
	CONSTRAINT "import_check_part_check_id_kind_seq_pk" PRIMARY KEY("check_id","kind","seq")
);
--> statement-breakpoint
CREATE TABLE "import_check" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"mapping" text NOT NULL,
	"status" text DEFAULT 'checking' NOT NULL,
	"chars_done" integer DEFAULT 0 NOT NULL,
	"chars_total" integer DEFAULT 0 NOT NULL,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"summary" jsonb,
	"error" text,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_upload" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "import_check_part" ADD CONSTRAINT "import_check_part_check_id_import_check_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."import_check"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_check" ADD CONSTRAINT "import_check_token_hash_import_upload_token_hash_fk" FOREIGN KEY ("token_hash") REFERENCES "public"."import_upload"("token_hash") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "import_check_upload_mapping_uq" ON "import_check" USING btree ("token_hash","mapping");