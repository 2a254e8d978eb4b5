/**
 * L2-regularised logistic regression on sparse one-hot rows, fitted by damped
 * Newton steps (IRLS). No randomness and no dependency: the same rows give the
 * same weights, bit for bit, so a model trained in a test or in `omnilane
 * replay` is reproducible. Sizes here are small (tens of features, thousands of
 * rows), so a dense d×d Hessian and a Cholesky solve are exact and fast.
 */

/** One training row: indices of the features that are 1 (one-hot), and the label. */
export interface SparseRow {
  on: readonly number[];
  y: 0 | 1;
}

export interface LogisticOptions {
  /** L2 penalty on every weight except the intercept (the loss is summed, not averaged). */
  l2: number;
  maxIterations: number;
  /** Stop when no weight moves more than this in a step, or the gradient is below this per row. */
  tolerance: number;
}

export const DEFAULT_LOGISTIC: LogisticOptions = { l2: 1, maxIterations: 50, tolerance: 1e-9 };

export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
  converged: boolean;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The linear score of a row. */
export function scoreRow(fit: Pick<LogisticFit, 'intercept' | 'weights'>, on: readonly number[]): number {
  let z = fit.intercept;
  for (const j of on) z += fit.weights[j] ?? 0;
  return z;
}

/** log(1 + e^z) without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** Penalised negative log-likelihood; parameter 0 is the intercept, 1.. the weights. */
function objective(rows: readonly SparseRow[], theta: readonly number[], l2: number): number {
  let loss = 0;
  for (const r of rows) {
    let z = theta[0];
    for (const j of r.on) z += theta[j + 1];
    loss += softplus(z) - r.y * z;
  }
  for (let j = 1; j < theta.length; j++) loss += 0.5 * l2 * theta[j] * theta[j];
  return loss;
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky); null when A is not positive definite. */
export function solveSpd(a: readonly number[][], b: readonly number[]): number[] | null {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/**
 * Fits `dims` one-hot weights and an intercept. The intercept starts at the
 * log-odds of the base rate; each Newton step is halved until the penalised
 * loss does not grow, so the fit never diverges on separable data (the L2
 * term keeps the optimum finite).
 */
export function fitLogistic(rows: readonly SparseRow[], dims: number, options: Partial<LogisticOptions> = {}): LogisticFit {
  const o = { ...DEFAULT_LOGISTIC, ...options };
  if (!(o.l2 > 0)) throw new RangeError('l2 must be > 0 (it keeps the one-hot fit identifiable)');
  const p = dims + 1;
  const positives = rows.reduce((s, r) => s + r.y, 0);
  const rate = (positives + 0.5) / (rows.length + 1);
  let theta = new Array<number>(p).fill(0);
  theta[0] = Math.log(rate / (1 - rate));
  let loss = objective(rows, theta, o.l2);
  let iterations = 0;
  let converged = false;
  while (iterations < o.maxIterations) {
    iterations++;
    const grad = new Array<number>(p).fill(0);
    const hess = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (const r of rows) {
      let z = theta[0];
      for (const j of r.on) z += theta[j + 1];
      const mu = sigmoid(z);
      const g = mu - r.y;
      const w = Math.max(mu * (1 - mu), 1e-12);
      const idx = [0, ...r.on.map((j) => j + 1)];
      for (const a of idx) {
        grad[a] += g;
        for (const b of idx) hess[a][b] += w;
      }
    }
    for (let j = 1; j < p; j++) {
      grad[j] += o.l2 * theta[j];
      hess[j][j] += o.l2;
    }
    hess[0][0] += 1e-9;
    // At the optimum the gradient vanishes; a flat direction (weak penalty) may still let the weights drift slowly.
    if (Math.max(...grad.map(Math.abs)) < o.tolerance * Math.max(1, rows.length)) {
      converged = true;
      break;
    }
    const step = solveSpd(hess, grad);
    if (!step) break;
    let t = 1;
    let next = theta;
    let nextLoss = loss;
    for (let halvings = 0; halvings < 30; halvings++, t /= 2) {
      next = theta.map((v, j) => v - t * step[j]);
      nextLoss = objective(rows, next, o.l2);
      if (nextLoss <= loss + 1e-12) break;
    }
    const moved = Math.max(...next.map((v, j) => Math.abs(v - theta[j])));
    theta = next;
    loss = nextLoss;
    if (moved < o.tolerance) {
      converged = true;
      break;
    }
  }
  return { intercept: theta[0], weights: theta.slice(1), iterations, converged };
}
