import { roster } from "../demo/roster";
import { startOfDay } from "./calendar";
import { countOutcomes, designedOutcomes } from "./outcomes";

/**
 * Prints the designed outcomes of the demo organisation Acme for the term ending today (or on the
 * UTC day given as `YYYY-MM-DD`): `npx tsx dev/simulator/print-outcomes.ts [day]`.
 */

const day = process.argv[2];
const today = startOfDay(day ? Date.parse(day) : Date.now());
if (Number.isNaN(today)) throw new Error(`not a day: ${day}`);
const acme = roster.organizations.find((o) => o.slug === "acme");
if (!acme) throw new Error("the demo roster has no Acme");
const counts = countOutcomes(designedOutcomes(acme.id, today));
const share = (part: number, whole: number) => `${part} of ${whole} (${Math.round((100 * part) / whole)} %)`;
console.log(`Acme, term ending ${new Date(today).toISOString().slice(0, 10)}`);
console.log(`learners designed to be at risk: ${share(counts.learnersAtRisk, counts.learners)}`);
console.log(`  of whom drifting away: ${counts.learnersDrifting}`);
console.log(`in-progress enrolments designed to be at risk: ${share(counts.inProgressAtRisk, counts.inProgress)}`);
console.log(`not-started enrolments: ${counts.notStarted}`);
console.log("enrolments by designed outcome:");
for (const [outcome, n] of Object.entries(counts.enrolments)) console.log(`  ${outcome}: ${n}`);
