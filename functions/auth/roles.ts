export const ROLES = ["learner", "trainer", "org_admin"] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** What each role may do; carried in access tokens so dashboards can shape their UI. */
export const PERMISSIONS: Record<Role, readonly string[]> = {
  learner: ["analytics:read:self", "reports:generate:self", "pipeline:refresh:self"],
  trainer: ["analytics:read:self", "analytics:read:course-learners", "reports:generate:course", "pipeline:refresh:course"],
  org_admin: [
    "analytics:read:self",
    "analytics:read:organization",
    "analytics:read:course-learners",
    "reports:generate:organization",
    "pipeline:refresh:organization",
    "users:read:organization",
  ],
};
