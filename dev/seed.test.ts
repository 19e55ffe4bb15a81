import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../db/migrate";
import { verifyPassword } from "../functions/auth/password";
import { startTestPostgres } from "../test/postgres";
import { DEMO_PASSWORD, roster } from "./demo/roster";
import type { PostgresHandle } from "./postgres";
import { seedDemo } from "./seed";

let postgres: PostgresHandle;
let client: pg.Client;

beforeAll(async () => {
  postgres = await startTestPostgres();
  await applyMigrations(postgres.url);
  client = new pg.Client(postgres.url);
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await postgres?.stop();
});

const count = async (table: string) => (await client.query(`select count(*)::int as n from ${table}`)).rows[0].n as number;
const coursesOf = async (email: string) =>
  (
    await client.query(
      `select t.email as trainer from users u join enrolments e on e.user_id = u.id
       join course_trainers ct on ct.course_id = e.course_id join users t on t.id = ct.trainer_id where u.email = $1`,
      [email],
    )
  ).rows.map((row) => row.trainer);

describe("seedDemo", () => {
  it("writes the demo roster, and seeding again inserts nothing", async () => {
    await client.query("truncate organizations cascade"); // an empty database, whichever test seeded before
    const first = await seedDemo(postgres.url);
    expect(first).toEqual({
      organizations: 2,
      users: roster.users.length,
      courses: roster.courses.length,
      courseTrainers: 4,
      enrolments: roster.enrolments.length,
    });
    const hashBefore = (await client.query("select password_hash from users where email = 'learner@acme.test'")).rows[0].password_hash;

    expect(await seedDemo(postgres.url)).toEqual({ organizations: 0, users: 0, courses: 0, courseTrainers: 0, enrolments: 0 });
    expect(await count("users")).toBe(roster.users.length);
    expect((await client.query("select password_hash from users where email = 'learner@acme.test'")).rows[0].password_hash).toBe(
      hashBefore,
    );
  });

  it("gives every demo account the demo password", async () => {
    await seedDemo(postgres.url); // the roster, whichever test runs first (seeding again inserts nothing)
    const { rows } = await client.query("select distinct password_hash from users");
    for (const row of rows) expect(await verifyPassword(DEMO_PASSWORD, row.password_hash)).toBe(true);
  });

  it("has the people and enrolments the demo scenarios rely on", async () => {
    await seedDemo(postgres.url); // the roster, whichever test runs first (seeding again inserts nothing)
    const roles = await client.query(
      "select o.slug, u.role, count(*)::int as n from users u join organizations o on o.id = u.organization_id group by 1, 2",
    );
    const of = (slug: string, role: string) => roles.rows.find((r) => r.slug === slug && r.role === role)?.n ?? 0;
    expect(of("acme", "org_admin")).toBe(1);
    expect(of("acme", "trainer")).toBe(2);
    expect(of("acme", "learner")).toBeGreaterThanOrEqual(202);
    expect(of("globex", "org_admin")).toBe(1);
    expect(of("globex", "learner")).toBe(1);
    expect(await coursesOf("learner@acme.test")).toEqual(["trainer@acme.test"]);
    expect(await coursesOf("learner2@acme.test")).toEqual(["trainer2@acme.test"]);
    const departments = await client.query(
      "select count(distinct department)::int as n from users where role = 'learner' and email like 'learner0%'",
    );
    expect(departments.rows[0].n).toBeGreaterThanOrEqual(3);
  });
});
