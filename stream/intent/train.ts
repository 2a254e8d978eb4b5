/**
 * Training of the built-in intent model (`omnilane intent train`): softmax regression with L2 regularisation,
 * full-batch Adam, then temperature scaling fitted on out-of-fold logits from a seeded, stratified k-fold
 * cross-fit (every training message is a calibration message exactly once, scored by a model that never saw it).
 * Deterministic: the same examples, options and seed give the same document, byte for byte.
 */
import { seededRng } from '../../shared/random.js';
import type { LabelledExample } from './dataset.js';
import { featureScale, featuresOf } from './features.js';
import { INTENTS, type Intent } from './intent-port.js';
import { evaluate, type EvalReport, type Prediction } from './metrics.js';
import { logitsOf, softmax, type IntentModel, type IntentModelDoc } from './softmax-model.js';

export interface TrainOptions {
  /** Seed of the fold assignment (default 15). */
  seed?: number;
  /** Cross-fit folds for calibration (default 5). */
  folds?: number;
  /** L2 penalty on weights (default 1e-5, chosen by cross-validation). */
  l2?: number;
  /** Full-batch Adam steps (default 300). */
  iterations?: number;
  /** Adam step size (default 0.1). */
  learningRate?: number;
}

interface Encoded {
  idx: Int32Array;
  /** Value of each feature in `idx`. */
  val: Float64Array;
  y: number;
}

/** Fits softmax regression on featurised examples; returns a model with temperature 1. */
export function fitSoftmax(data: readonly { features: string[]; intent: Intent }[], o: TrainOptions = {}): IntentModel {
  const labels = INTENTS;
  const k = labels.length;
  const vocab = [...new Set(data.flatMap((d) => d.features))].sort();
  const index = new Map(vocab.map((f, i) => [f, i]));
  const enc: Encoded[] = data.map((d) => {
    const x = d.features.length ? 1 / Math.sqrt(d.features.length) : 0;
    return {
      idx: Int32Array.from(d.features.map((f) => index.get(f)!)),
      val: Float64Array.from(d.features.map((f) => x * featureScale(f))),
      y: labels.indexOf(d.intent),
    };
  });
  const n = enc.length;
  const v = vocab.length;
  const l2 = o.l2 ?? 1e-5;
  const lr = o.learningRate ?? 0.1;
  const steps = o.iterations ?? 300;
  const W = new Float64Array(v * k);
  const b = new Float64Array(k);
  const gW = new Float64Array(v * k);
  const gb = new Float64Array(k);
  const mW = new Float64Array(v * k),
    sW = new Float64Array(v * k),
    mb = new Float64Array(k),
    sb = new Float64Array(k);
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  const z = new Float64Array(k);
  for (let t = 1; t <= steps; t++) {
    gW.fill(0);
    gb.fill(0);
    for (const e of enc) {
      z.set(b);
      for (let q = 0; q < e.idx.length; q++) {
        const j = e.idx[q],
          xv = e.val[q];
        for (let c = 0; c < k; c++) z[c] += W[j * k + c] * xv;
      }
      const p = softmax(z);
      p[e.y] -= 1;
      for (let c = 0; c < k; c++) gb[c] += p[c] / n;
      for (let q = 0; q < e.idx.length; q++) {
        const j = e.idx[q],
          xv = e.val[q] / n;
        for (let c = 0; c < k; c++) gW[j * k + c] += p[c] * xv;
      }
    }
    for (let i = 0; i < W.length; i++) gW[i] += l2 * W[i];
    const c1 = 1 - b1 ** t,
      c2 = 1 - b2 ** t;
    for (let i = 0; i < W.length; i++) {
      mW[i] = b1 * mW[i] + (1 - b1) * gW[i];
      sW[i] = b2 * sW[i] + (1 - b2) * gW[i] * gW[i];
      W[i] -= (lr * (mW[i] / c1)) / (Math.sqrt(sW[i] / c2) + eps);
    }
    for (let c = 0; c < k; c++) {
      mb[c] = b1 * mb[c] + (1 - b1) * gb[c];
      sb[c] = b2 * sb[c] + (1 - b2) * gb[c] * gb[c];
      b[c] -= (lr * (mb[c] / c1)) / (Math.sqrt(sb[c] / c2) + eps);
    }
  }
  const weights = new Map<string, Float64Array>();
  vocab.forEach((f, j) => weights.set(f, W.slice(j * k, j * k + k)));
  return { labels, temperature: 1, bias: b, weights };
}

/** Mean negative log-likelihood of the true labels under softmax(logits / T). */
function nll(logits: readonly Float64Array[], ys: readonly number[], T: number): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) s -= Math.log(Math.max(1e-12, softmax(logits[i], T)[ys[i]]));
  return s / Math.max(1, logits.length);
}

/** The temperature minimising NLL (golden-section search on log T in [e^-3, e^3]); 1 without data. */
export function fitTemperature(logits: readonly Float64Array[], ys: readonly number[]): number {
  if (logits.length === 0) return 1;
  let lo = -3,
    hi = 3;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo),
    bb = lo + g * (hi - lo);
  let fa = nll(logits, ys, Math.exp(a)),
    fb = nll(logits, ys, Math.exp(bb));
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      hi = bb;
      bb = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(logits, ys, Math.exp(a));
    } else {
      lo = a;
      a = bb;
      fa = fb;
      bb = lo + g * (hi - lo);
      fb = nll(logits, ys, Math.exp(bb));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Stratified fold of each example: per label, a seeded shuffle dealt round-robin over the folds. */
export function assignFolds(intents: readonly Intent[], folds: number, seed: number): number[] {
  const rand = seededRng(seed);
  const out = new Array<number>(intents.length).fill(0);
  for (const label of INTENTS) {
    const ids = intents.flatMap((l, i) => (l === label ? [i] : []));
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    ids.forEach((id, r) => (out[id] = r % folds));
  }
  return out;
}

export interface TrainResult {
  doc: IntentModelDoc;
  /** Cross-validated figures of the out-of-fold predictions after temperature scaling. */
  cv: EvalReport;
  /** The ECE of the same predictions before scaling (temperature 1). */
  cvEceUncalibrated: number;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Trains the shipped model: k-fold cross-fit for the temperature and CV figures, then a final fit on all examples. */
export function trainIntentModel(examples: readonly LabelledExample[], o: TrainOptions = {}): TrainResult {
  const seed = o.seed ?? 15;
  const folds = Math.max(2, o.folds ?? 5);
  const data = examples.map((e) => ({ features: featuresOf(e.text), intent: e.intent }));
  const fold = assignFolds(
    data.map((d) => d.intent),
    folds,
    seed,
  );
  const oof = new Array<Float64Array>(data.length);
  for (let f = 0; f < folds; f++) {
    const model = fitSoftmax(
      data.filter((_, i) => fold[i] !== f),
      o,
    );
    data.forEach((d, i) => {
      if (fold[i] === f) oof[i] = logitsOf(model, d.features).logits;
    });
  }
  const ys = data.map((d) => INTENTS.indexOf(d.intent));
  const temperature = fitTemperature(oof, ys);
  const predsAt = (T: number): Prediction[] =>
    oof.map((z, i) => {
      const p = softmax(z, T);
      let best = 0;
      for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
      return { truth: data[i].intent, predicted: INTENTS[best], confidence: p[best] };
    });
  const cv = evaluate(predsAt(temperature), INTENTS);
  const cvEceUncalibrated = evaluate(predsAt(1), INTENTS).ece;

  const final = fitSoftmax(data, o);
  const weights: Record<string, number[]> = {};
  for (const [f, row] of final.weights) {
    const r = Array.from(row, round);
    if (r.some((w) => Math.abs(w) >= 1e-3)) weights[f] = r;
  }
  const perLabel: Record<string, number> = Object.fromEntries(INTENTS.map((l) => [l, 0]));
  for (const e of examples) perLabel[e.intent] += 1;
  const doc: IntentModelDoc = {
    format: 'omnilane-intent-softmax/1',
    labels: [...INTENTS],
    temperature: round(temperature),
    bias: Array.from(final.bias, round),
    weights,
    meta: {
      algorithm: 'softmax regression, L2, full-batch Adam; temperature scaling on out-of-fold logits',
      features: 'Han char 1-3-grams, Intl.Segmenter zh words, Latin stems and stem pairs, negation, emoji, length bucket',
      seed,
      folds,
      l2: o.l2 ?? 1e-5,
      iterations: o.iterations ?? 300,
      learningRate: o.learningRate ?? 0.1,
      examples: examples.length,
      perLabel,
      features_kept: Object.keys(weights).length,
      cv: { accuracy: round(cv.accuracy), macroF1: round(cv.macroF1), ece: round(cv.ece), eceUncalibrated: round(cvEceUncalibrated) },
    },
  };
  return { doc, cv, cvEceUncalibrated };
}
