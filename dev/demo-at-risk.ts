import { startTestApi } from "../test/harness";
import { database, runNightly } from "../test/pipeline";
import { roster } from "./demo/roster";
import { startOfDay } from "./simulator/calendar";
import { type DesignedEnrolment, designedOutcomes, isAtRisk } from "./simulator/outcomes";

/**
 * `npm run demo:at-risk`: runs the nightly pipeline on the demo and compares what the at-risk
 * model flags in Acme with what the simulator is designed to do (dev/simulator/outcomes.ts):
 * how many learners and in-progress enrolments each says are at risk, and how far they agree.
 * The check the README's at-risk share is stated against; it prints, it does not assert.
 */

interface StoredCourse {
  courseId: string;
  atRisk?: { status?: string; probability?: number | null };
}

const say = (line: string) => console.log(line);
const pct = (part: number, whole: number) => (whole === 0 ? "–" : `${part} of ${whole} (${Math.round((100 * part) / whole)} %)`);

const acme = roster.organizations.find((o) => o.slug === "acme");
if (!acme) throw new Error("the demo roster has no Acme");
// The stack and the Worker exactly as the tests start them, and the nightly run as they run it.
const api = await startTestApi();
const { client } = await database(api);
try {
  const today = startOfDay(Date.now());
  const run = await runNightly(api, { client });
  say(`nightly run ${run.status}${run.error ? `: ${run.error}` : ""}`);
  const rows = (
    await client.query(
      `select distinct on (user_id) user_id, metrics from learner_analytics where organization_id = $1 order by user_id, computed_at desc`,
      [acme.id],
    )
  ).rows as { user_id: string; metrics: { courses: StoredCourse[] } }[];
  const flagged = new Set<string>();
  for (const row of rows) {
    for (const course of row.metrics.courses) {
      const key = `${row.user_id}/${course.courseId}`;
      if (course.atRisk?.status === "at_risk") flagged.add(key);
    }
  }
  const designed: DesignedEnrolment[] = designedOutcomes(acme.id, today);
  const open = designed.filter((e) => e.status === "in_progress" || e.status === "not_started");
  const designedRisk = new Set(open.filter((e) => isAtRisk(e.outcome)).map((e) => `${e.learnerId}/${e.courseId}`));
  const agree = [...flagged].filter((key) => designedRisk.has(key)).length;
  const flaggedClosed = designed.filter(
    (e) => (e.status === "withdrawn" || e.status === "completed") && flagged.has(`${e.learnerId}/${e.courseId}`),
  );
  const learners = new Set(designed.map((e) => e.learnerId));
  const learnersFlagged = new Set([...flagged].map((key) => key.split("/")[0]));
  const learnersDesigned = new Set([...designedRisk].map((key) => key.split("/")[0]));
  const drifting = open.filter((e) => e.outcome === "at risk (drifting/quitting)");

  say(
    `Acme, term ending ${new Date(today).toISOString().slice(0, 10)}: ${learners.size} learners, ${designed.length} enrolments, ${open.length} open`,
  );
  say(`learners   designed at risk ${pct(learnersDesigned.size, learners.size)}   flagged ${pct(learnersFlagged.size, learners.size)}`);
  say(`open enrolments   designed at risk ${pct(designedRisk.size, open.length)}   flagged ${pct(flagged.size, open.length)}`);
  say(`flags that the design agrees with (precision): ${pct(agree, flagged.size)}`);
  say(`designed at-risk enrolments flagged (recall): ${pct(agree, designedRisk.size)}`);
  say(`  drifting/quitting flagged: ${pct(drifting.filter((e) => flagged.has(`${e.learnerId}/${e.courseId}`)).length, drifting.length)}`);
  say(`withdrawn or completed enrolments flagged: ${flaggedClosed.length}`);
} finally {
  await client.end();
  await api.stop();
}
