ALTER TYPE "public"."run_status" ADD VALUE 'partial' BEFORE 'failed';--> statement-breakpoint
CREATE TABLE "run_learners" (
	"run_id" uuid NOT NULL,
	"batch" integer NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "run_learners_run_id_batch_user_id_pk" PRIMARY KEY("run_id","batch","user_id")
);
--> statement-breakpoint
CREATE TABLE "report_chunks" (
	"report_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "report_chunks_report_id_seq_pk" PRIMARY KEY("report_id","seq")
);
--> statement-breakpoint
ALTER TABLE "run_learners" ADD CONSTRAINT "run_learners_run_id_pipeline_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."pipeline_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_chunks" ADD CONSTRAINT "report_chunks_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_organization_role_id_idx" ON "users" USING btree ("organization_id","role","id");--> statement-breakpoint
CREATE INDEX "pipeline_runs_parent_idx" ON "pipeline_runs" USING btree ("parent_run_id");--> statement-breakpoint
CREATE INDEX "learner_analytics_organization_user_computed_idx" ON "learner_analytics" USING btree ("organization_id","user_id","computed_at");--> statement-breakpoint
CREATE INDEX "aggregate_metrics_run_idx" ON "aggregate_metrics" USING btree ("run_id");