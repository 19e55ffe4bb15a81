CREATE TABLE "course_cohort_context" (
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"assessment_means" jsonb NOT NULL,
	"course_fail_rate" double precision,
	"learners" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_cohort_context_organization_id_course_id_pk" PRIMARY KEY("organization_id","course_id")
);
--> statement-breakpoint
ALTER TABLE "course_cohort_context" ADD CONSTRAINT "course_cohort_context_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;