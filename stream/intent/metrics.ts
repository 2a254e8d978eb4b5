/** Evaluation figures for the intent model: accuracy, per-label and macro F1, confusion matrix, ECE. Pure. */
import type { Intent } from './intent-port.js';

export interface Prediction {
  truth: Intent;
  predicted: Intent;
  /** Confidence of `predicted`, in [0, 1]. */
  confidence: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Expected calibration error over 10 equal-width confidence bins (0 = perfectly calibrated). */
  ece: number;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[truth][predicted] = count. */
  confusion: Record<string, Record<string, number>>;
}

/** Expected calibration error: Σ over bins of (bin share) × |accuracy − mean confidence|. */
export function expectedCalibrationError(preds: readonly Prediction[], bins = 10): number {
  if (preds.length === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  for (const p of preds) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p.confidence * bins)));
    count[b] += 1;
    conf[b] += p.confidence;
    hits[b] += p.truth === p.predicted ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) ece += (count[b] / preds.length) * Math.abs(hits[b] / count[b] - conf[b] / count[b]);
  return ece;
}

/** The full report over `labels` (rows and columns of the confusion matrix, in that order). */
export function evaluate(preds: readonly Prediction[], labels: readonly Intent[]): EvalReport {
  const confusion: Record<string, Record<string, number>> = {};
  for (const t of labels) confusion[t] = Object.fromEntries(labels.map((p) => [p, 0]));
  let correct = 0;
  for (const p of preds) {
    confusion[p.truth] ??= Object.fromEntries(labels.map((l) => [l, 0]));
    confusion[p.truth][p.predicted] = (confusion[p.truth][p.predicted] ?? 0) + 1;
    if (p.truth === p.predicted) correct += 1;
  }
  const perLabel: EvalReport['perLabel'] = {};
  const f1s: number[] = [];
  for (const l of labels) {
    const tp = confusion[l][l];
    const support = Object.values(confusion[l]).reduce((a, b) => a + b, 0);
    const predicted = labels.reduce((a, t) => a + (confusion[t][l] ?? 0), 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[l] = { precision, recall, f1, support };
    if (support > 0) f1s.push(f1);
  }
  return {
    n: preds.length,
    accuracy: preds.length ? correct / preds.length : 0,
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    ece: expectedCalibrationError(preds),
    perLabel,
    confusion,
  };
}

/** The confusion matrix as aligned text (rows = truth, columns = predicted), for the CLI and the bench. */
export function formatConfusion(report: EvalReport, labels: readonly Intent[]): string {
  const short = (l: string) => l.slice(0, 8);
  const w = Math.max(...labels.map((l) => l.length)) + 1;
  const lines = [`${'truth \\ predicted'.padEnd(w)}${labels.map((l) => short(l).padStart(9)).join('')}`];
  for (const t of labels) lines.push(`${t.padEnd(w)}${labels.map((p) => String(report.confusion[t]?.[p] ?? 0).padStart(9)).join('')}`);
  return lines.join('\n');
}
