/** L2-regularised logistic regression by Newton's method (IRLS), small dense problems only. */

export interface LogisticFit {
  coefficients: number[];
  intercept: number;
  iterations: number;
}

export interface FitLogisticOptions {
  /** Penalty λ on Σ βⱼ² (the intercept is not penalised), in units of the log-likelihood sum. Default 1. */
  l2?: number;
  /** Newton steps at most. Default 50. */
  maxIterations?: number;
  /** Stop when no parameter moves by more than this. Default 1e-8. */
  tolerance?: number;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const logit = (p: number) => Math.log(p / (1 - p));

/** Solves A x = b for a symmetric positive-definite A (Cholesky); A and b are not modified. */
function solveSpd(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j]![j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/**
 * Maximises Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] − (λ/2) Σ βⱼ² with pᵢ = σ(β₀ + β·xᵢ), by Newton
 * steps β ← β + H⁻¹ g. The log-likelihood is concave, so Newton converges in a handful of steps
 * from zero; the penalty keeps H positive definite even for separable or collinear features.
 */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly (boolean | number)[],
  options: FitLogisticOptions = {},
): LogisticFit {
  const { l2 = 1, maxIterations = 50, tolerance = 1e-8 } = options;
  const d = (rows[0]?.length ?? 0) + 1;
  const beta = new Float64Array(d);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const gradient = new Float64Array(d);
    const hessian = Array.from({ length: d }, () => new Float64Array(d));
    const x = new Float64Array(d);
    x[0] = 1;
    rows.forEach((row, i) => {
      let z = beta[0]!;
      for (let j = 1; j < d; j++) z += beta[j]! * (x[j] = row[j - 1]!);
      const p = sigmoid(z);
      const residual = Number(labels[i]) - p;
      const w = Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j < d; j++) {
        gradient[j]! += residual * x[j]!;
        const wx = w * x[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += wx * x[k]!;
      }
    });
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
      if (j > 0) {
        gradient[j]! -= l2 * beta[j]!;
        hessian[j]![j]! += l2;
      }
    }
    const step = solveSpd(hessian, gradient);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      beta[j]! += step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < tolerance) break;
  }
  return { intercept: beta[0]!, coefficients: Array.from(beta.subarray(1)), iterations };
}
