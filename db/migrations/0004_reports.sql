CREATE TYPE "public"."report_format" AS ENUM('pdf', 'csv', 'json');--> statement-breakpoint
CREATE TYPE "public"."report_status" AS ENUM('queued', 'rendering', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "public"."report_type" AS ENUM('learner-progress', 'course-performance', 'organization-summary', 'at-risk');--> statement-breakpoint
CREATE TABLE "reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"type" "report_type" NOT NULL,
	"format" "report_format" NOT NULL,
	"scope_type" text NOT NULL,
	"scope_id" uuid NOT NULL,
	"time_range" text NOT NULL,
	"request_key" text NOT NULL,
	"status" "report_status" DEFAULT 'queued' NOT NULL,
	"error" text,
	"content" "bytea",
	"content_type" text,
	"file_name" text,
	"size" integer,
	"sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reports_one_pending_per_request" ON "reports" USING btree ("request_key") WHERE status in ('queued', 'rendering');--> statement-breakpoint
CREATE INDEX "reports_organization_created_idx" ON "reports" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "reports_requested_by_created_idx" ON "reports" USING btree ("requested_by","created_at");--> statement-breakpoint
CREATE INDEX "reports_expires_idx" ON "reports" USING btree ("expires_at");