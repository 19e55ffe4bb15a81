import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "../db/schema";
import { hashPassword } from "../functions/auth/password";
import { DEMO_PASSWORD, type DemoCourse, type DemoEnrolment, type DemoOrganization, type DemoUser, roster } from "./demo/roster";

export interface SeedCounts {
  organizations: number;
  users: number;
  courses: number;
  courseTrainers: number;
  enrolments: number;
}

/** What a seed writes: the demo roster, or a synthetic organisation of the same shape. */
export interface SeedRoster {
  organizations: DemoOrganization[];
  users: DemoUser[];
  courses: DemoCourse[];
  enrolments: DemoEnrolment[];
}

/** Rows per insert: well under Postgres's 65,535 parameters for the widest table (users, 7 columns). */
const CHUNK = 2000;

/**
 * Writes the demo roster. Rows that already exist are left exactly as they are, so seeding twice
 * changes nothing (and never resets a password someone changed).
 */
export function seedDemo(databaseUrl: string): Promise<SeedCounts> {
  return seedRoster(databaseUrl, roster);
}

/** Writes a synthetic organisation (dev/demo/synthetic.ts) the same way: its people share the demo password. */
export function seedSynthetic(databaseUrl: string, synthetic: SeedRoster): Promise<SeedCounts> {
  return seedRoster(databaseUrl, synthetic);
}

async function seedRoster(databaseUrl: string, data: SeedRoster): Promise<SeedCounts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const db = drizzle({ client, schema });
    // One hash for every demo account: they share the demo password, and 230 separate
    // 100k-iteration hashes would make each start of the dev stack take many seconds.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    return await db.transaction(async (tx) => {
      /** Inserts in chunks, skipping rows already there, and counts the rows written. */
      const inserted = async <T>(rows: T[], insert: (chunk: T[]) => Promise<unknown[]>) => {
        let count = 0;
        for (let i = 0; i < rows.length; i += CHUNK) count += (await insert(rows.slice(i, i + CHUNK))).length;
        return count;
      };
      return {
        organizations: await inserted(data.organizations, (chunk) =>
          tx.insert(schema.organizations).values(chunk).onConflictDoNothing().returning({ id: schema.organizations.id }),
        ),
        users: await inserted(data.users, (chunk) =>
          tx
            .insert(schema.users)
            .values(chunk.map((u) => ({ ...u, passwordHash })))
            .onConflictDoNothing()
            .returning({ id: schema.users.id }),
        ),
        courses: await inserted(data.courses, (chunk) =>
          tx
            .insert(schema.courses)
            .values(chunk.map(({ id, organizationId, code, title }) => ({ id, organizationId, code, title })))
            .onConflictDoNothing()
            .returning({ id: schema.courses.id }),
        ),
        courseTrainers: await inserted(
          data.courses.flatMap((c) => c.trainerIds.map((trainerId) => ({ courseId: c.id, trainerId }))),
          (chunk) =>
            tx.insert(schema.courseTrainers).values(chunk).onConflictDoNothing().returning({ courseId: schema.courseTrainers.courseId }),
        ),
        enrolments: await inserted(data.enrolments, (chunk) =>
          tx
            .insert(schema.enrolments)
            .values(chunk.map((e) => ({ ...e, enrolledAt: new Date(e.enrolledAt) })))
            .onConflictDoNothing()
            .returning({ userId: schema.enrolments.userId }),
        ),
      };
    });
  } finally {
    await client.end();
  }
}
