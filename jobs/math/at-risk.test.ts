import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AtRiskModel, type AtRiskStage, fitAtRisk, predictAtRisk } from "./at-risk";
import { AT_RISK_FEATURE_NAMES, type AtRiskFeatures, atRiskFeatures } from "./at-risk-features";
import { DEFAULT_AT_RISK_MODEL } from "./at-risk-model";
import { expectedCalibrationError, rocAuc } from "./metrics";
import { seededRandom } from "./random";

const blank = (values: Partial<AtRiskFeatures>): AtRiskFeatures => ({
  ...(Object.fromEntries(AT_RISK_FEATURE_NAMES.map((n) => [n, null])) as AtRiskFeatures),
  ...values,
});

const stage = (overrides: Partial<AtRiskStage>): AtRiskStage => ({
  elapsed: 0.5,
  features: ["missedShare", "weightedScore"],
  means: [0.25, 0.5],
  scales: [0.125, 0.25],
  coefficients: [1, -2],
  intercept: -1,
  calibration: { slope: 1, intercept: 0 },
  ...overrides,
});

describe("predictAtRisk", () => {
  it("standardises, combines and calibrates (hand-checked)", () => {
    // z = ((0.5 − 0.25)/0.125, (0.25 − 0.5)/0.25) = (2, −1); logit = −1 + 1·2 + (−2)(−1) = 3 → σ(3) = 0.952574.
    const p = predictAtRisk({ stages: [stage({})] }, blank({ missedShare: 0.5, weightedScore: 0.25 }));
    expect(p.probability).toBeCloseTo(0.952574, 6);
    expect(p.factors).toEqual([
      { feature: "missedShare", value: 0.5, contribution: 2 },
      { feature: "weightedScore", value: 0.25, contribution: 2 },
    ]);
    // Platt: 0.5 · 3 + 0.1 = 1.6 → σ(1.6) = 0.832018.
    const calibrated = predictAtRisk(
      { stages: [stage({ calibration: { slope: 0.5, intercept: 0.1 } })] },
      blank({ missedShare: 0.5, weightedScore: 0.25 }),
    );
    expect(calibrated.probability).toBeCloseTo(0.832018, 6);
  });

  it("treats an unknown feature as the training mean", () => {
    // Only missedShare: logit = −1 + 2 = 1 → σ(1) = 0.731059.
    expect(predictAtRisk({ stages: [stage({})] }, blank({ missedShare: 0.5 })).probability).toBeCloseTo(0.731059, 6);
  });

  it("interpolates between the stages around the elapsed share", () => {
    const model: AtRiskModel = {
      stages: [
        stage({ elapsed: 0.2, features: [], means: [], scales: [], coefficients: [], intercept: -1 }),
        stage({ elapsed: 0.6, features: [], means: [], scales: [], coefficients: [], intercept: 1 }),
      ],
    };
    // elapsed 0.3 is a quarter of the way: 0.75·(−1) + 0.25·1 = −0.5 → σ(−0.5) = 0.377541.
    expect(predictAtRisk(model, blank({ elapsed: 0.3 })).probability).toBeCloseTo(0.377541, 6);
    expect(predictAtRisk(model, blank({ elapsed: 0.1 })).probability).toBeCloseTo(0.268941, 6);
    expect(predictAtRisk(model, blank({ elapsed: 0.9 })).probability).toBeCloseTo(0.731059, 6);
  });

  it("keeps the top three risk-raising factors", () => {
    const model: AtRiskModel = {
      stages: [
        stage({
          features: ["missedShare", "lateShare", "noScore", "priorAttempts"],
          means: [0, 0, 0, 0],
          scales: [1, 1, 1, 1],
          coefficients: [1, 2, 3, -4],
          intercept: 0,
        }),
      ],
    };
    const p = predictAtRisk(model, blank({ missedShare: 1, lateShare: 1, noScore: 1, priorAttempts: 1 }));
    expect(p.factors.map((f) => f.feature)).toEqual(["noScore", "lateShare", "missedShare"]);
  });

  it("lists only the factors that raise the risk", () => {
    // z = (2, 1): missedShare adds 2, weightedScore −2 (a good score lowers the risk): only missedShare.
    const p = predictAtRisk({ stages: [stage({})] }, blank({ missedShare: 0.5, weightedScore: 0.75 }));
    expect(p.factors).toEqual([{ feature: "missedShare", value: 0.5, contribution: 2 }]);
  });

  it("clips standardised values at ±3 so that an outlier cannot dominate", () => {
    // missedShare 10 is z = 78, clipped to 3: logit = −1 + 3 = 2 → σ(2) = 0.880797.
    const p = predictAtRisk({ stages: [stage({})] }, blank({ missedShare: 10 }));
    expect(p.probability).toBeCloseTo(0.880797, 6);
    expect(p.factors).toEqual([{ feature: "missedShare", value: 10, contribution: 3 }]);
  });
});

describe("fitAtRisk", () => {
  /** Learners whose failure follows a known logistic law of two features. */
  function synthetic(n: number, seed: number, elapsed: number) {
    const random = seededRandom(seed);
    const rows = Array.from({ length: n }, () => blank({ elapsed, missedShare: random(), weightedScore: random(), lateShare: random() }));
    const labels = rows.map((r) => random() < 1 / (1 + Math.exp(-(-1 + 4 * r.missedShare! - 3 * r.weightedScore!))));
    return { rows, labels };
  }

  it("learns the direction of each effect and calibrated probabilities", () => {
    const train = synthetic(3000, 1, 0.3);
    const model = fitAtRisk(train.rows, train.labels, { trainedOn: "synthetic" });
    const [s] = model.stages;
    expect(model.trainedOn).toBe("synthetic");
    expect(s!.features).toEqual(["missedShare", "lateShare", "weightedScore"]);
    expect(s!.coefficients[0]).toBeGreaterThan(0.5);
    expect(Math.abs(s!.coefficients[1]!)).toBeLessThan(0.2);
    expect(s!.coefficients[2]).toBeLessThan(-0.5);
    const test = synthetic(3000, 2, 0.3);
    const p = test.rows.map((r) => predictAtRisk(model, r).probability);
    expect(rocAuc(test.labels, p)).toBeGreaterThan(0.7);
    expect(expectedCalibrationError(p, test.labels)).toBeLessThan(0.05);
  });

  it("leaves out a feature that hardly varies", () => {
    const train = synthetic(3000, 5, 0.3);
    // priorAttempts is 1 for 20 learners of 3000 (0.7 % < 1 %), lateShare varies: only the former is left out.
    const rows = train.rows.map((row, i) => ({ ...row, priorAttempts: i < 20 ? 1 : 0 }));
    const [s] = fitAtRisk(rows, train.labels, { signConsistent: false }).stages;
    expect(s!.features).toEqual(["missedShare", "lateShare", "weightedScore"]);
    const [kept] = fitAtRisk(
      rows.map((row, i) => ({ ...row, priorAttempts: i < 40 ? 1 : 0 })),
      train.labels,
      { signConsistent: false },
    ).stages;
    expect(kept!.features).toContain("priorAttempts");
  });

  it("leaves out a feature whose effect contradicts its stated direction", () => {
    // Learners with more earlier attempts fail less here, against AT_RISK_DIRECTION (+1).
    const random = seededRandom(6);
    const rows = Array.from({ length: 3000 }, () =>
      blank({ elapsed: 0.3, missedShare: random(), priorAttempts: Math.floor(random() * 3) }),
    );
    const labels = rows.map((r) => random() < 1 / (1 + Math.exp(-(-1 + 4 * r.missedShare! - r.priorAttempts!))));
    expect(fitAtRisk(rows, labels).stages[0]!.features).toEqual(["missedShare"]);
    const free = fitAtRisk(rows, labels, { signConsistent: false }).stages[0]!;
    expect(free.features).toEqual(["missedShare", "priorAttempts"]);
    expect(free.coefficients[1]).toBeLessThan(0);
  });

  it("fits one stage per key, ordered by elapsed share", () => {
    const late = synthetic(300, 3, 0.6);
    const early = synthetic(300, 4, 0.2);
    const model = fitAtRisk([...late.rows, ...early.rows], [...late.labels, ...early.labels], {
      stageKeys: [...late.rows.map(() => 120), ...early.rows.map(() => 40)],
    });
    expect(model.stages.map((s) => s.elapsed)).toEqual([expect.closeTo(0.2, 12), expect.closeTo(0.6, 12)]);
  });
});

describe("DEFAULT_AT_RISK_MODEL", () => {
  it("is a well-formed staged model", () => {
    const { stages } = DEFAULT_AT_RISK_MODEL;
    expect(stages.length).toBeGreaterThan(1);
    stages.forEach((s, i) => {
      if (i > 0) expect(s.elapsed).toBeGreaterThan(stages[i - 1]!.elapsed);
      for (const name of s.features) expect(AT_RISK_FEATURE_NAMES).toContain(name);
      for (const list of [s.means, s.scales, s.coefficients]) expect(list).toHaveLength(s.features.length);
      for (const scale of s.scales) expect(scale).toBeGreaterThan(0);
    });
  });

  it("rates a learner who stopped submitting above one who keeps passing", () => {
    const course = { asOfDay: 120, courseLengthDays: 260 };
    const due = [20, 50, 80, 110];
    const steady = atRiskFeatures({ ...course, assessments: due.map((d) => ({ dueDay: d, weight: 25, submittedDay: d - 2, score: 0.8 })) });
    const stopped = atRiskFeatures({
      ...course,
      assessments: due.map((d, i) => ({ dueDay: d, weight: 25, submittedDay: i < 1 ? d : null, score: i < 1 ? 0.5 : null })),
    });
    const risk = predictAtRisk(DEFAULT_AT_RISK_MODEL, stopped);
    expect(risk.probability).toBeGreaterThan(predictAtRisk(DEFAULT_AT_RISK_MODEL, steady).probability + 0.3);
    expect(risk.factors.length).toBeGreaterThan(0);
    for (const factor of risk.factors) expect(factor.contribution).toBeGreaterThan(0);
  });

  it("gives a probability for any features", () => {
    const value = fc.option(fc.double({ min: -2, max: 5, noNaN: true }), { nil: null });
    fc.assert(
      fc.property(fc.tuple(...AT_RISK_FEATURE_NAMES.map(() => value)), (values) => {
        const features = Object.fromEntries(AT_RISK_FEATURE_NAMES.map((n, i) => [n, values[i]!])) as AtRiskFeatures;
        const p = predictAtRisk(DEFAULT_AT_RISK_MODEL, features).probability;
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }),
    );
  });
});
