import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyMigrations } from "../db/migrate";
import { startTestPostgres } from "../test/postgres";
import { syntheticOrganization } from "./demo/synthetic";
import type { PostgresHandle } from "./postgres";
import { seedSynthetic } from "./seed";

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

it("writes a synthetic organisation larger than one insert, and seeding again inserts nothing", async () => {
  // 2,500 learners, 63 trainers and an admin: more users than one chunk of 2,000 rows.
  const synthetic = syntheticOrganization(2500);
  const first = await seedSynthetic(postgres.url, synthetic);
  expect(first).toEqual({
    organizations: 1,
    users: 2564,
    courses: 12,
    courseTrainers: 63,
    enrolments: synthetic.enrolments.length,
  });
  const { rows } = await client.query(
    "select role, count(*)::int as n from users where organization_id = $1 group by role order by role::text",
    [synthetic.organization.id],
  );
  expect(rows).toEqual([
    { role: "learner", n: 2500 },
    { role: "org_admin", n: 1 },
    { role: "trainer", n: 63 },
  ]);
  expect(await seedSynthetic(postgres.url, synthetic)).toEqual({
    organizations: 0,
    users: 0,
    courses: 0,
    courseTrainers: 0,
    enrolments: 0,
  });
});
