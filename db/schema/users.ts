import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const userRole = pgEnum("user_role", ["learner", "trainer", "org_admin"]);

/** A person who signs in to the dashboards. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Stored lower-cased; unique across organisations so login needs only the address. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: userRole("role").notNull(),
    department: text("department"),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null for accounts that sign in elsewhere. */
    passwordHash: text("password_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("users_email_key").on(table.email),
    index("users_organization_department_idx").on(table.organizationId, table.department),
    // An organisation's learners in id order: the plan step fixes a run's batches from this.
    index("users_organization_role_id_idx").on(table.organizationId, table.role, table.id),
    check("users_email_lower_case", sql`${table.email} = lower(${table.email})`),
  ],
);
