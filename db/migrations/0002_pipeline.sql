CREATE TYPE "public"."step_status" AS ENUM('running', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "pipeline_steps" (
	"run_id" uuid NOT NULL,
	"step" text NOT NULL,
	"batch" integer NOT NULL,
	"status" "step_status" NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	"detail" jsonb,
	CONSTRAINT "pipeline_steps_run_id_step_batch_pk" PRIMARY KEY("run_id","step","batch")
);
--> statement-breakpoint
CREATE TABLE "skill_models" (
	"organization_id" uuid NOT NULL,
	"skill_id" text NOT NULL,
	"params" jsonb NOT NULL,
	"responses" integer NOT NULL,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skill_models_organization_id_skill_id_pk" PRIMARY KEY("organization_id","skill_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"service" text NOT NULL,
	"delivery_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_service_delivery_id_pk" PRIMARY KEY("service","delivery_id")
);
--> statement-breakpoint
ALTER TABLE "learner_analytics" ADD COLUMN "metrics_hash" text NOT NULL;--> statement-breakpoint
ALTER TABLE "pipeline_steps" ADD CONSTRAINT "pipeline_steps_run_id_pipeline_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."pipeline_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skill_models" ADD CONSTRAINT "skill_models_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_idx" ON "webhook_deliveries" USING btree ("received_at");--> statement-breakpoint
ALTER TABLE "pipeline_runs" DROP COLUMN "stages";--> statement-breakpoint
ALTER TABLE "pipeline_runs" DROP COLUMN "source_coverage";--> statement-breakpoint
ALTER TABLE "pipeline_runs" DROP COLUMN "attempts";