import { BKT_BOUNDS, type BktParams, DEFAULT_BKT_PARAMS } from "./bkt";
import { seededRandom } from "./random";

export interface FitBktOptions {
  /** Fit pForget (BKT with forgetting); false keeps pForget = 0 (standard BKT). Default true. */
  forgetting?: boolean;
  /** EM runs from different starting points; the first from `DEFAULT_BKT_PARAMS` (pForget 0.05 when fitted). Default 4. */
  restarts?: number;
  /** EM iterations per restart at most. Default 100. */
  maxIterations?: number;
  /** Stop when the log-likelihood per response improves by less than this. Default 1e-6. */
  tolerance?: number;
  /** Seed of the random starting points. Default 1. */
  seed?: number;
}

export interface BktFit {
  params: BktParams;
  /** Log-likelihood of the training responses under `params`. */
  logLikelihood: number;
  responses: number;
  iterations: number;
}

/**
 * What the nightly fit runs per skill: fewer restarts and iterations than the defaults keep a
 * skill's fit within milliseconds (ASSISTments, 123 skills: median 2–6 ms, 90th percentile 10–23 ms,
 * largest skill, 49,555 responses, 67–140 ms, on a shared 2-core machine; `npm run eval` prints them).
 */
export const NIGHTLY_FIT_OPTIONS: Readonly<FitBktOptions> = Object.freeze({ restarts: 2, maxIterations: 60 });

const clamp = (value: number, [low, high]: readonly [number, number]) => Math.min(high, Math.max(low, value));

/**
 * One learner's answers to one skill in answer order, or `weight` learners who answered alike: as
 * EM's statistics are sums over sequences, identical sequences contribute identically, so a
 * sequence with weight n counts as n copies of it (the distinct answer patterns and their counts
 * are the sufficient statistics of the fit).
 */
export type BktSequence = readonly boolean[] | { answers: readonly boolean[]; weight: number };

/** Sequences flattened into one byte array, so EM touches contiguous memory only. */
interface Flat {
  obs: Uint8Array;
  starts: Int32Array;
  weights: Float64Array;
  longest: number;
  /** Σ weight · length: the responses the fit stands for. */
  responses: number;
}

function flatten(sequences: readonly BktSequence[]): Flat {
  const nonEmpty = sequences
    .map((s) => ("answers" in s ? s : { answers: s, weight: 1 }))
    .filter((s) => s.answers.length > 0 && s.weight > 0);
  const starts = new Int32Array(nonEmpty.length + 1);
  const weights = new Float64Array(nonEmpty.length);
  let total = 0;
  let longest = 0;
  let responses = 0;
  nonEmpty.forEach((s, i) => {
    starts[i] = total;
    weights[i] = s.weight;
    total += s.answers.length;
    responses += s.weight * s.answers.length;
    longest = Math.max(longest, s.answers.length);
  });
  starts[nonEmpty.length] = total;
  const obs = new Uint8Array(total);
  nonEmpty.forEach((s, i) => s.answers.forEach((correct, t) => (obs[starts[i]! + t] = correct ? 1 : 0)));
  return { obs, starts, weights, longest, responses };
}

/**
 * One Baum–Welch iteration: scaled forward–backward over every sequence, then the closed-form
 * M-step. Returns the new parameters and the log-likelihood of the old ones.
 */
function emStep(data: Flat, p: BktParams, forgetting: boolean, alpha: Float64Array, scale: Float64Array) {
  const { obs, starts, weights } = data;
  const a01 = p.pLearn;
  const a10 = p.pForget;
  const e0 = [1 - p.pGuess, p.pGuess];
  const e1 = [p.pSlip, 1 - p.pSlip];
  let ll = 0;
  let init1 = 0;
  let xi01 = 0;
  let xi10 = 0;
  let from0 = 0;
  let from1 = 0;
  let guessNum = 0;
  let den0 = 0;
  let slipNum = 0;
  let den1 = 0;
  let sequences = 0;
  for (let s = 0; s < starts.length - 1; s++) {
    // How many learners answered exactly like this.
    const n = weights[s]!;
    sequences += n;
    const offset = starts[s]!;
    const length = starts[s + 1]! - offset;
    let f0 = (1 - p.pInit) * e0[obs[offset]!]!;
    let f1 = p.pInit * e1[obs[offset]!]!;
    for (let t = 0; ; ) {
      const c = f0 + f1;
      scale[t] = c;
      ll += n * Math.log(c);
      f0 /= c;
      f1 /= c;
      alpha[2 * t] = f0;
      alpha[2 * t + 1] = f1;
      if (++t === length) break;
      const o = obs[offset + t]!;
      const n0 = (f0 * (1 - a01) + f1 * a10) * e0[o]!;
      f1 = (f0 * a01 + f1 * (1 - a10)) * e1[o]!;
      f0 = n0;
    }
    let b0 = 1;
    let b1 = 1;
    for (let t = length - 1; t >= 0; t--) {
      const g0 = alpha[2 * t]! * b0;
      const g1 = alpha[2 * t + 1]! * b1;
      const o = obs[offset + t]!;
      den0 += n * g0;
      den1 += n * g1;
      guessNum += n * g0 * o;
      slipNum += n * g1 * (1 - o);
      if (t === 0) {
        init1 += n * g1;
        break;
      }
      // ξ and β for the step (t−1 → t), reusing the emission-weighted β of step t.
      const w0 = (e0[o]! * b0) / scale[t]!;
      const w1 = (e1[o]! * b1) / scale[t]!;
      const p0 = alpha[2 * (t - 1)]!;
      const p1 = alpha[2 * (t - 1) + 1]!;
      xi01 += n * p0 * a01 * w1;
      xi10 += n * p1 * a10 * w0;
      from0 += n * p0 * ((1 - a01) * w0 + a01 * w1);
      from1 += n * p1 * (a10 * w0 + (1 - a10) * w1);
      b0 = (1 - a01) * w0 + a01 * w1;
      b1 = a10 * w0 + (1 - a10) * w1;
    }
  }
  const next: BktParams = {
    pInit: init1 / sequences,
    pLearn: from0 > 0 ? xi01 / from0 : p.pLearn,
    pForget: forgetting && from1 > 0 ? xi10 / from1 : 0,
    pGuess: den0 > 0 ? guessNum / den0 : p.pGuess,
    pSlip: den1 > 0 ? slipNum / den1 : p.pSlip,
  };
  return { next, ll };
}

/** EM projected onto `BKT_BOUNDS` (pForget fixed at 0 for standard BKT). */
function constrain(p: BktParams, forgetting: boolean): BktParams {
  return {
    pInit: clamp(p.pInit, BKT_BOUNDS.pInit),
    pLearn: clamp(p.pLearn, BKT_BOUNDS.pLearn),
    pForget: forgetting ? clamp(p.pForget, BKT_BOUNDS.pForget) : 0,
    pGuess: clamp(p.pGuess, BKT_BOUNDS.pGuess),
    pSlip: clamp(p.pSlip, BKT_BOUNDS.pSlip),
  };
}

/**
 * Maximum-likelihood BKT parameters of one skill by EM (Baum–Welch) over the learners' response
 * sequences (each in answer order), every parameter kept within `BKT_BOUNDS` (identifiability:
 * see there). Runs `restarts` EMs (the first from the defaults, the
 * others from seeded random points) and keeps the most likely; deterministic for a given seed.
 * Without any response it returns the defaults. Weighted sequences give what the same sequences
 * repeated would give (to rounding), in time and memory proportional to the distinct ones.
 */
export function fitBkt(sequences: readonly BktSequence[], options: FitBktOptions = {}): BktFit {
  const { forgetting = true, restarts = 4, maxIterations = 100, tolerance = 1e-6, seed = 1 } = options;
  const data = flatten(sequences);
  const { responses } = data;
  const base = constrain({ ...DEFAULT_BKT_PARAMS, pForget: forgetting ? 0.05 : 0 }, forgetting);
  if (responses === 0) return { params: { ...DEFAULT_BKT_PARAMS }, logLikelihood: 0, responses, iterations: 0 };

  const alpha = new Float64Array(2 * data.longest);
  const scale = new Float64Array(data.longest);
  const random = seededRandom(seed);
  // Replaced by the first restart: any finite log-likelihood beats −∞.
  let best: BktFit = { params: base, logLikelihood: -Infinity, responses, iterations: 0 };
  for (let r = 0; r < Math.max(1, restarts); r++) {
    let params =
      r === 0
        ? base
        : constrain(
            {
              pInit: 0.05 + 0.9 * random(),
              pLearn: 0.01 + 0.4 * random(),
              pGuess: 0.05 + 0.4 * random(),
              pSlip: 0.05 + 0.4 * random(),
              pForget: 0.2 * random(),
            },
            forgetting,
          );
    let fitted = params;
    let ll = -Infinity;
    let iterations = 0;
    while (iterations < maxIterations) {
      const step = emStep(data, params, forgetting, alpha, scale);
      iterations++;
      // Clamping can cost likelihood, so keep the best point seen rather than the last one.
      const gain = step.ll - ll;
      if (gain > 0) {
        ll = step.ll;
        fitted = params;
      }
      if (!(gain >= tolerance * responses)) break;
      params = constrain(step.next, forgetting);
    }
    if (ll > best.logLikelihood) best = { params: fitted, logLikelihood: ll, responses, iterations };
  }
  return best;
}
