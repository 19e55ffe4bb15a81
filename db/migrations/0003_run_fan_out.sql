ALTER TABLE "pipeline_runs" ADD COLUMN "parent_run_id" uuid;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD COLUMN "fit_models" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD COLUMN "batch_count" integer;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_parent_run_id_pipeline_runs_id_fk" FOREIGN KEY ("parent_run_id") REFERENCES "public"."pipeline_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pipeline_runs_one_queued_per_scope" ON "pipeline_runs" USING btree ("scope","scope_id") WHERE status = 'queued' and scope <> 'nightly';