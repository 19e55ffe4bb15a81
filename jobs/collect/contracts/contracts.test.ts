import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { payloadSchemas, SCOPE_TYPES, SERVICES, type ServiceName } from "./index";

/**
 * Property tests of the nine upstream contracts: whatever a well-behaved service may send parses,
 * and a payload with one thing wrong (a wrong type, a value out of range, a missing field) does not.
 */

const MS_2020 = Date.UTC(2020, 0, 1);
const MS_2030 = Date.UTC(2030, 0, 1);

const uuid = fc.uuid();
const instant = fc.integer({ min: MS_2020, max: MS_2030 }).map((ms) => new Date(ms).toISOString());
const ordered = fc
  .tuple(fc.integer({ min: MS_2020, max: MS_2030 }), fc.integer({ min: 1, max: 400 * 86_400_000 }))
  .map(([start, span]) => ({ from: new Date(start).toISOString(), to: new Date(start + span).toISOString() }));
const day = instant.map((iso) => iso.slice(0, 10));
const count = fc.nat({ max: 100_000 });
const positive = fc.integer({ min: 1, max: 1000 });
const share = fc.double({ min: 0, max: 1, noNaN: true });
const label = fc.string({ minLength: 1, maxLength: 30 });
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/), fc.constantFrom("acme.test", "example.com"))
  .map(([local, domain]) => `${local}@${domain}`);
const orNull = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const list = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { maxLength: 3 });
/** Two whole numbers, the first not above the second. */
const partOf = (max: number) => fc.tuple(fc.nat({ max }), fc.nat({ max })).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
const level = fc.integer({ min: 0, max: 5 });
/** A record whose `optional` fields (contract version 2 additions) may each be absent, as from a v1 service. */
const withOptional = <R extends object, O extends object>(required: fc.Arbitrary<R>, optional: { [K in keyof O]: fc.Arbitrary<O[K]> }) =>
  fc.tuple(required, fc.record(optional, { requiredKeys: [] })).map(([r, o]) => ({ ...r, ...o }));
/** Outcomes of an earlier offering: the three outcome counts never add up to more than the learners. */
const offering = fc
  .tuple(label, fc.nat({ max: 500 }), fc.nat({ max: 500 }), fc.nat({ max: 500 }), fc.nat({ max: 500 }))
  .map(([name, a, b, c, slack]) => ({ offering: name, learners: a + b + c + slack, completed: a, failed: b, withdrawn: c }));

const directoryData = fc.record({
  organization: fc.record({ id: uuid, name: label }),
  departments: list(fc.record({ id: uuid, name: label, headId: orNull(uuid), memberCount: count })),
  people: list(
    fc.record({
      id: uuid,
      organizationId: uuid,
      email,
      name: label,
      role: fc.constantFrom("learner", "trainer", "org_admin"),
      departmentId: orNull(uuid),
      jobTitle: orNull(label),
      managerId: orNull(uuid),
      hiredAt: day,
      active: fc.boolean(),
    }),
  ),
});

const courseBuilderData = fc.record({
  courses: list(
    withOptional(
      fc.record({
        id: uuid,
        organizationId: uuid,
        code: fc.string({ minLength: 1, maxLength: 12 }),
        title: label,
        trainerIds: list(uuid),
        modules: list(
          fc.record({
            id: uuid,
            position: positive,
            title: label,
            units: list(
              fc.record({
                id: uuid,
                position: positive,
                title: label,
                kind: fc.constantFrom("video", "reading", "interactive", "lab"),
                estimatedMinutes: count,
              }),
            ),
          }),
        ),
      }),
      { history: list(offering) },
    ),
  ),
  enrolments: list(
    withOptional(
      fc.record({
        learnerId: uuid,
        courseId: uuid,
        enrolledAt: instant,
        startedAt: orNull(instant),
        completedAt: orNull(instant),
        withdrawnAt: orNull(instant),
        dueAt: orNull(instant),
        status: fc.constantFrom("not_started", "in_progress", "completed", "withdrawn"),
        progress: partOf(60),
        lastActivityAt: orNull(instant),
        modules: list(
          fc
            .record({ moduleId: uuid, progress: partOf(10), completedAt: orNull(instant) })
            .map(({ progress: [done, total], ...m }) => ({ ...m, unitsCompleted: done, unitsTotal: total })),
        ),
        unitCompletions: list(fc.record({ unitId: uuid, moduleId: uuid, completedAt: instant })),
      }),
      { previousAttempts: fc.nat({ max: 5 }) },
    ).map(({ progress: [done, total], ...e }) => ({ ...e, unitsCompleted: done, unitsTotal: total })),
  ),
});

const points = fc.tuple(share, fc.double({ min: 0.5, max: 100, noNaN: true })).map(([part, max]) => ({ score: part * max, maxScore: max }));
const assessmentData = fc.record({
  assessments: list(
    withOptional(
      fc.record({
        id: uuid,
        courseId: uuid,
        moduleId: orNull(uuid),
        kind: fc.constantFrom("practice", "quiz", "exam"),
        title: label,
        maxScore: fc.double({ min: 0.5, max: 100, noNaN: true }),
        passMark: orNull(fc.double({ min: 0, max: 100, noNaN: true })),
        itemCount: count,
      }),
      { dueAt: orNull(instant), weight: fc.double({ min: 0, max: 100, noNaN: true }) },
    ),
  ),
  attempts: list(
    fc
      .record({
        id: uuid,
        assessmentId: uuid,
        courseId: uuid,
        learnerId: uuid,
        attempt: positive,
        span: ordered,
        points,
        passed: orNull(fc.boolean()),
        items: list(
          fc
            .record({ itemId: uuid, skillId: uuid, correct: fc.boolean(), points, answeredAt: instant })
            .map(({ points: p, ...i }) => ({ ...i, ...p })),
        ),
      })
      .map(({ span, points: p, ...a }) => ({ ...a, ...p, startedAt: span.from, submittedAt: span.to })),
  ),
});

const skillsEngineData = fc.record({
  skills: list(fc.record({ id: uuid, name: label, category: label })),
  courses: list(fc.record({ courseId: uuid, skills: list(fc.record({ skillId: uuid, weight: share })) })),
  learners: list(
    fc.record({
      learnerId: uuid,
      targets: list(
        fc.record({
          skillId: uuid,
          targetLevel: level,
          currentLevel: level,
          importance: share,
          source: fc.constantFrom("role", "manager", "self", "compliance"),
          updatedAt: instant,
        }),
      ),
    }),
  ),
});

const learnerAIData = fc.record({
  modelVersion: label,
  learners: list(
    fc.record({
      learnerId: uuid,
      predictedWeeklyMinutes: fc.double({ min: 0, max: 5000, noNaN: true }),
      predictedWeeklyUnits: fc.double({ min: 0, max: 50, noNaN: true }),
      confidence: share,
      paths: list(
        fc
          .record({ courseId: uuid, progress: partOf(60), currentModuleId: orNull(uuid), nextUnitId: orNull(uuid) })
          .map(({ progress: [position, length], ...p }) => ({ ...p, position, length })),
      ),
      recommendations: list(
        fc.record({
          rank: positive,
          kind: fc.constantFrom("unit", "assessment", "exercise", "content"),
          itemId: uuid,
          courseId: uuid,
          skillId: orNull(uuid),
          reason: fc.constantFrom("next_in_path", "skill_gap", "retake"),
          score: share,
        }),
      ),
    }),
  ),
});

const contentKind = fc.constantFrom("video", "article", "interactive", "slides", "podcast");
const contentStudioData = fc.record({
  contents: list(
    fc.record({ id: uuid, courseId: uuid, unitId: orNull(uuid), kind: contentKind, title: label, durationSeconds: orNull(count) }),
  ),
  events: list(
    fc.record({
      learnerId: uuid,
      contentId: uuid,
      courseId: uuid,
      kind: contentKind,
      startedAt: instant,
      seconds: count,
      completed: fc.boolean(),
    }),
  ),
});

const devLabData = fc.record({
  exercises: list(
    fc.record({
      id: uuid,
      courseId: uuid,
      unitId: orNull(uuid),
      skillId: uuid,
      title: label,
      difficulty: fc.constantFrom("easy", "medium", "hard"),
    }),
  ),
  submissions: list(
    fc
      .record({
        learnerId: uuid,
        exerciseId: uuid,
        courseId: uuid,
        skillId: uuid,
        submittedAt: instant,
        passed: fc.boolean(),
        attempts: positive,
        runtimeMs: count,
        tests: fc.tuple(fc.nat({ max: 50 }), fc.integer({ min: 1, max: 50 })).map(([a, b]): [number, number] => [Math.min(a, b), b]),
      })
      .map(({ tests: [passed, total], ...s }) => ({ ...s, testsPassed: passed, testsTotal: total })),
  ),
});

const ragAssistantData = fc.record({
  sessions: list(
    fc
      .record({
        id: uuid,
        learnerId: uuid,
        courseId: orNull(uuid),
        startedAt: instant,
        durationSeconds: count,
        votes: fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 20 }), fc.nat({ max: 20 })),
        skillIds: list(uuid),
        topics: list(fc.string({ minLength: 1, maxLength: 20 })),
      })
      .map(({ votes: [helpful, unhelpful, unvoted], ...s }) => ({
        ...s,
        questions: helpful + unhelpful + unvoted,
        helpfulVotes: helpful,
        unhelpfulVotes: unhelpful,
      })),
  ),
});

const authData = fc.record({
  users: list(
    fc.record({
      userId: uuid,
      lastSignInAt: orNull(instant),
      days: list(fc.record({ day, sessions: positive, activeMinutes: fc.integer({ min: 0, max: 1440 }) })),
    }),
  ),
});

const DATA: Record<ServiceName, fc.Arbitrary<unknown>> = {
  directory: directoryData,
  courseBuilder: courseBuilderData,
  assessment: assessmentData,
  skillsEngine: skillsEngineData,
  learnerAI: learnerAIData,
  contentStudio: contentStudioData,
  devLab: devLabData,
  ragAssistant: ragAssistantData,
  auth: authData,
};

function payload(service: ServiceName) {
  return fc.record({
    service: fc.constant(service),
    scope: fc.record({ type: fc.constantFrom(...SCOPE_TYPES), id: uuid }),
    generatedAt: instant,
    window: ordered,
    data: DATA[service],
  });
}

type Path = (string | number)[];
type JsonObject = Record<string | number, unknown>;

/** One way of breaking a payload: put `value` at `path`, or remove what is there. */
interface Mutation {
  what: string;
  path: Path;
  value?: unknown;
  remove?: true;
}

const INTEGER_KEYS = new Set([
  "memberCount",
  "position",
  "estimatedMinutes",
  "unitsCompleted",
  "unitsTotal",
  "itemCount",
  "attempt",
  "targetLevel",
  "currentLevel",
  "length",
  "durationSeconds",
  "seconds",
  "attempts",
  "runtimeMs",
  "testsPassed",
  "testsTotal",
  "questions",
  "helpfulVotes",
  "unhelpfulVotes",
  "sessions",
  "activeMinutes",
  "rank",
  "previousAttempts",
  "learners",
  "completed",
  "failed",
  "withdrawn",
]);
const AT_LEAST_ONE_KEYS = new Set(["attempt", "attempts", "testsTotal", "sessions", "rank"]);
const SHARE_KEYS = new Set(["importance", "weight", "confidence"]);
const ENUM_KEYS = new Set(["role", "kind", "status", "source", "reason", "difficulty", "type"]);
const LABEL_KEYS = new Set(["name", "title", "code", "jobTitle", "category", "modelVersion", "service", "offering"]);
/** Fields a service may leave out (the contract version 2 additions), by service. */
const OPTIONAL_KEYS: Partial<Record<ServiceName, Set<string>>> = {
  assessment: new Set(["dueAt", "weight"]),
  courseBuilder: new Set(["history", "previousAttempts"]),
};
const DAY_KEYS = new Set(["day", "hiredAt"]);

/** Every single-point breakage of a valid payload that its contract must refuse. */
function mutations(service: ServiceName, root: unknown): Mutation[] {
  const found: Mutation[] = [];
  const visit = (value: unknown, path: Path, key: string | number | undefined, parentKey: string | undefined) => {
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const childKey = Array.isArray(value) ? Number(k) : k;
        if (!Array.isArray(value) && !OPTIONAL_KEYS[service]?.has(k))
          found.push({ what: `missing ${[...path, k].join(".")}`, path: [...path, k], remove: true });
        visit(v, [...path, childKey], childKey, typeof key === "string" ? key : parentKey);
      }
      if (path.length > 0) found.push({ what: `string instead of ${path.join(".")}`, path, value: "[object]" });
      return;
    }
    const name = typeof key === "string" ? key : (parentKey ?? "");
    const at = (what: string, replacement: unknown) => found.push({ what: `${path.join(".")}: ${what}`, path, value: replacement });
    if (value === null) return at("object instead of null", {});
    if (typeof value === "boolean") return at("string instead of boolean", String(value));
    if (typeof value === "number") {
      at("string instead of number", String(value));
      at("negative", -1);
      at("not finite", Number.POSITIVE_INFINITY);
      if (INTEGER_KEYS.has(name)) at("fractional", value + 0.5);
      if (AT_LEAST_ONE_KEYS.has(name) || (name === "position" && service === "courseBuilder")) at("zero", 0);
      if (name === "weight" && service === "assessment") at("above 100 %", 100.5);
      else if (SHARE_KEYS.has(name) || (name === "score" && service === "learnerAI")) at("above 1", 1.5);
      if (name === "targetLevel" || name === "currentLevel") at("above the scale", 6);
      if (name === "activeMinutes") at("more than a day", 1441);
      return;
    }
    if (typeof value === "string") {
      at("number instead of string", 42);
      if (name === "id" || name.endsWith("Id") || name.endsWith("Ids")) at("not a uuid", "not-a-uuid");
      else if (DAY_KEYS.has(name)) at("not a date", "2026-13-45");
      else if (name.endsWith("At") || name === "from" || name === "to") at("not a datetime", "last tuesday");
      else if (ENUM_KEYS.has(name)) at("unknown enum value", "bogus");
      else if (name === "email") at("not an email", "nobody");
      if (LABEL_KEYS.has(name) || name === "topics") at("empty", "");
    }
  };
  visit(root, [], undefined, undefined);
  return found;
}

function apply(root: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(root) as JsonObject;
  const parent = mutation.path.slice(0, -1).reduce<JsonObject>((node, step) => node[step] as JsonObject, copy);
  const last = mutation.path[mutation.path.length - 1]!;
  if (mutation.remove) delete parent[last];
  else parent[last] = mutation.value;
  return copy;
}

describe.each(SERVICES)("%s contract", (service) => {
  const schema = payloadSchemas[service];

  it("accepts every well-formed payload", () => {
    fc.assert(
      fc.property(payload(service), (valid) => {
        const result = schema.safeParse(valid);
        expect(result.error?.issues ?? []).toEqual([]);
      }),
    );
  });

  it("rejects a payload with one field broken", () => {
    fc.assert(
      fc.property(payload(service), fc.nat(), (valid, pick) => {
        const candidates = mutations(service, valid);
        const mutation = candidates[pick % candidates.length]!;
        expect(schema.safeParse(apply(valid, mutation)).success, mutation.what).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("ignores fields it does not know, so services can add some", () => {
    fc.assert(
      fc.property(payload(service), fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue(), (valid, key, extra) => {
        const extended = { ...valid, data: { ...(valid.data as object), [`x_${key}`]: extra }, [`x_${key}`]: extra };
        const parsed = schema.parse(extended) as Record<string, unknown>;
        expect(parsed).not.toHaveProperty([`x_${key}`]);
        expect(parsed.data).not.toHaveProperty([`x_${key}`]);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses another service's name", () => {
    fc.assert(
      fc.property(payload(service), fc.constantFrom(...SERVICES.filter((s) => s !== service)), (valid, other) => {
        expect(schema.safeParse({ ...valid, service: other }).success).toBe(false);
      }),
      { numRuns: 20 },
    );
  });
});

describe("cross-field rules", () => {
  const base = {
    service: "assessment",
    scope: { type: "user", id: "6f1c0a3e-1b2c-4d3e-9f40-123456789abc" },
    generatedAt: "2026-11-24T00:00:00Z",
  };
  const attempt = {
    id: "0b7d2a31-5c1e-4f6a-8b9c-0d1e2f3a4b5c",
    assessmentId: "1b7d2a31-5c1e-4f6a-8b9c-0d1e2f3a4b5c",
    courseId: "2b7d2a31-5c1e-4f6a-8b9c-0d1e2f3a4b5c",
    learnerId: "6f1c0a3e-1b2c-4d3e-9f40-123456789abc",
    attempt: 1,
    startedAt: "2026-11-20T10:00:00Z",
    submittedAt: "2026-11-20T10:05:00Z",
    score: 3,
    maxScore: 5,
    passed: true,
    items: [],
  };
  const item = { itemId: attempt.id, skillId: attempt.id, correct: true, score: 1, maxScore: 1, answeredAt: attempt.startedAt };
  const envelope = (window: object, attempts: object[]) => ({ ...base, window, data: { assessments: [], attempts } });
  const window = { from: "2026-08-26T00:00:00Z", to: "2026-11-24T00:00:00Z" };

  it("accepts the reference example", () => {
    expect(payloadSchemas.assessment.safeParse(envelope(window, [{ ...attempt, items: [item] }])).success).toBe(true);
  });

  it.each([
    ["a window that ends before it starts", envelope({ from: window.to, to: window.from }, [attempt])],
    ["an empty window", envelope({ from: window.from, to: window.from }, [attempt])],
    ["a score above the maximum", envelope(window, [{ ...attempt, score: 6 }])],
    ["an attempt submitted before it started", envelope(window, [{ ...attempt, submittedAt: "2026-11-20T09:00:00Z" }])],
    ["an item scored above its maximum", envelope(window, [{ ...attempt, items: [{ ...item, score: 2 }] }])],
    ["a datetime without a zone", envelope(window, [{ ...attempt, startedAt: "2026-11-20T10:00:00" }])],
  ])("rejects %s", (_, candidate) => {
    expect(payloadSchemas.assessment.safeParse(candidate).success).toBe(false);
  });

  it("accepts datetimes with an offset", () => {
    expect(payloadSchemas.assessment.safeParse(envelope(window, [{ ...attempt, startedAt: "2026-11-20T11:00:00+02:00" }])).success).toBe(
      true,
    );
  });
});

describe("contract version 2", () => {
  const envelope = (service: "assessment" | "courseBuilder", data: object) => ({
    service,
    scope: { type: "organization", id: "6f1c0a3e-1b2c-4d3e-9f40-123456789abc" },
    generatedAt: "2026-11-24T00:00:00Z",
    window: { from: "2026-08-26T00:00:00Z", to: "2026-11-24T00:00:00Z" },
    data,
  });
  const ids = { course: "2b7d2a31-5c1e-4f6a-8b9c-0d1e2f3a4b5c", module: "3b7d2a31-5c1e-4f6a-8b9c-0d1e2f3a4b5c" };
  const quizV1 = {
    id: "1b7d2a31-5c1e-4f6a-8b9c-0d1e2f3a4b5c",
    courseId: ids.course,
    moduleId: ids.module,
    kind: "quiz",
    title: "Quiz: Narrowing",
    maxScore: 5,
    passMark: 3,
    itemCount: 5,
  };
  const quiz = { ...quizV1, dueAt: "2026-09-28T00:00:00Z", weight: 12.5 };
  const practice = { ...quizV1, kind: "practice", passMark: null, dueAt: null, weight: 0 };
  const assessments = (...list: object[]) => envelope("assessment", { assessments: list, attempts: [] });

  const courseV1 = {
    id: ids.course,
    organizationId: ids.module,
    code: "TS-101",
    title: "TypeScript Foundations",
    trainerIds: [],
    modules: [],
  };
  const earlier = { offering: "2025 autumn", learners: 60, completed: 41, failed: 11, withdrawn: 8 };
  const enrolmentV1 = {
    learnerId: "6f1c0a3e-1b2c-4d3e-9f40-123456789abc",
    courseId: ids.course,
    enrolledAt: "2026-01-05T09:00:00Z",
    startedAt: null,
    completedAt: null,
    withdrawnAt: null,
    dueAt: null,
    status: "not_started",
    unitsTotal: 21,
    unitsCompleted: 0,
    lastActivityAt: null,
    modules: [],
    unitCompletions: [],
  };
  const builder = (course: object, enrolment: object) => envelope("courseBuilder", { courses: [course], enrolments: [enrolment] });

  it("accepts a v2 payload and keeps its new fields", () => {
    const parsedAssessments = payloadSchemas.assessment.parse(assessments(quiz, practice));
    expect(parsedAssessments.data.assessments.map((a) => [a.dueAt, a.weight])).toEqual([
      ["2026-09-28T00:00:00Z", 12.5],
      [null, 0],
    ]);
    const parsed = payloadSchemas.courseBuilder.parse(
      builder(
        { ...courseV1, history: [earlier, { ...earlier, offering: "2026 spring", withdrawn: 0 }] },
        { ...enrolmentV1, previousAttempts: 2 },
      ),
    );
    expect(parsed.data.courses[0]?.history).toEqual([earlier, { ...earlier, offering: "2026 spring", withdrawn: 0 }]);
    expect(parsed.data.enrolments[0]?.previousAttempts).toBe(2);
  });

  it("accepts a v1 payload, which knows none of them", () => {
    const parsedAssessments = payloadSchemas.assessment.parse(assessments(quizV1));
    expect(parsedAssessments.data.assessments[0]).not.toHaveProperty("dueAt");
    expect(parsedAssessments.data.assessments[0]).not.toHaveProperty("weight");
    const parsed = payloadSchemas.courseBuilder.parse(builder(courseV1, enrolmentV1));
    expect(parsed.data.courses[0]).not.toHaveProperty("history");
    expect(parsed.data.enrolments[0]).not.toHaveProperty("previousAttempts");
  });

  it("accepts the edges: weight 0 and 100, outcomes that add up to exactly the learners or fall short", () => {
    expect(payloadSchemas.assessment.safeParse(assessments({ ...quiz, weight: 0 }, { ...quiz, weight: 100 })).success).toBe(true);
    expect(
      payloadSchemas.courseBuilder.safeParse(builder({ ...courseV1, history: [{ ...earlier, learners: 60 }] }, enrolmentV1)).success,
    ).toBe(true);
    expect(
      payloadSchemas.courseBuilder.safeParse(builder({ ...courseV1, history: [{ ...earlier, learners: 75 }] }, enrolmentV1)).success,
    ).toBe(true);
  });

  it.each([
    ["a negative weight", assessments({ ...quiz, weight: -1 })],
    ["a weight above 100", assessments({ ...quiz, weight: 100.5 })],
    ["a weight given as a string", assessments({ ...quiz, weight: "50" })],
    ["a deadline that is not a datetime", assessments({ ...quiz, dueAt: "end of module 2" })],
    ["a deadline without a zone", assessments({ ...quiz, dueAt: "2026-09-28T00:00:00" })],
  ])("rejects an assessment with %s", (_, candidate) => {
    expect(payloadSchemas.assessment.safeParse(candidate).success).toBe(false);
  });

  it.each([
    [
      "outcomes that add up to more than the learners (41 + 11 + 8 > 59)",
      builder({ ...courseV1, history: [{ ...earlier, learners: 59 }] }, enrolmentV1),
    ],
    ["a negative count", builder({ ...courseV1, history: [{ ...earlier, failed: -1 }] }, enrolmentV1)],
    ["a fractional count", builder({ ...courseV1, history: [{ ...earlier, learners: 60.5 }] }, enrolmentV1)],
    ["an offering without a label", builder({ ...courseV1, history: [{ ...earlier, offering: "" }] }, enrolmentV1)],
    ["history that is not a list", builder({ ...courseV1, history: earlier }, enrolmentV1)],
    ["negative previous attempts", builder(courseV1, { ...enrolmentV1, previousAttempts: -1 })],
    ["fractional previous attempts", builder(courseV1, { ...enrolmentV1, previousAttempts: 1.5 })],
  ])("rejects a course builder payload with %s", (_, candidate) => {
    expect(payloadSchemas.courseBuilder.safeParse(candidate).success).toBe(false);
  });
});
