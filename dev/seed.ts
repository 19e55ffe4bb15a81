import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "../db/schema";
import { hashPassword } from "../functions/auth/password";
import { DEMO_PASSWORD, roster } from "./demo/roster";

export interface SeedCounts {
  organizations: number;
  users: number;
  courses: number;
  courseTrainers: number;
  enrolments: number;
}

/**
 * Writes the demo roster. Rows that already exist are left exactly as they are, so seeding twice
 * changes nothing (and never resets a password someone changed).
 */
export async function seedDemo(databaseUrl: string): Promise<SeedCounts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const db = drizzle({ client, schema });
    // One hash for every demo account: they share the demo password, and 230 separate
    // 100k-iteration hashes would make each start of the dev stack take many seconds.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    return await db.transaction(async (tx) => {
      const inserted = async <T extends { length: number }>(rows: Promise<T>) => (await rows).length;
      return {
        organizations: await inserted(
          tx.insert(schema.organizations).values(roster.organizations).onConflictDoNothing().returning({ id: schema.organizations.id }),
        ),
        users: await inserted(
          tx
            .insert(schema.users)
            .values(roster.users.map((u) => ({ ...u, passwordHash })))
            .onConflictDoNothing()
            .returning({ id: schema.users.id }),
        ),
        courses: await inserted(
          tx
            .insert(schema.courses)
            .values(roster.courses.map(({ trainerIds: _, ...c }) => c))
            .onConflictDoNothing()
            .returning({ id: schema.courses.id }),
        ),
        courseTrainers: await inserted(
          tx
            .insert(schema.courseTrainers)
            .values(roster.courses.flatMap((c) => c.trainerIds.map((trainerId) => ({ courseId: c.id, trainerId }))))
            .onConflictDoNothing()
            .returning({ courseId: schema.courseTrainers.courseId }),
        ),
        enrolments: await inserted(
          tx
            .insert(schema.enrolments)
            .values(roster.enrolments.map((e) => ({ ...e, enrolledAt: new Date(e.enrolledAt) })))
            .onConflictDoNothing()
            .returning({ userId: schema.enrolments.userId }),
        ),
      };
    });
  } finally {
    await client.end();
  }
}
