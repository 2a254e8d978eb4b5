import { localTime } from '../model.js';
import { fitLogistic, sigmoid, type LogisticOptions, type SparseRow } from './logistic.js';
import { logLoss, rocAuc } from './metrics.js';

/** What the model knows about a conversation when it arrives (nothing from after that moment). */
export interface ConversionFeatures {
  tag: string;
  channel: string;
  intent: string;
  /** Marketing source ('' when unknown). */
  source: string;
  /** Arrival, epoch ms; the model uses its hour of day in `timeZone`. */
  at: number;
  /** The customer's conversations before this one. */
  priorConversations: number;
  /** The customer's won deals before this conversation started. */
  priorDeals: number;
}

export interface LabelledConversation extends ConversionFeatures {
  /** 1: a deal was won within the conversation or within the deal window after it started. */
  converted: 0 | 1;
}

const CATEGORICAL = ['tag', 'channel', 'intent', 'source'] as const;
/** Past behaviour is bucketed so every feature stays one-hot (and the fit exact and interpretable). */
const priorConvBucket = (n: number) => (n <= 0 ? '0' : n === 1 ? '1' : n <= 3 ? '2-3' : '4+');
const priorDealBucket = (n: number) => (n <= 0 ? '0' : n === 1 ? '1' : '2+');

export const MODEL_TIME_ZONE = 'Asia/Shanghai';

/** The one-hot tokens of a conversation, e.g. `tag=VIP`, `hour=14`, `prior_deals=1`. */
export function featureTokens(f: ConversionFeatures, timeZone = MODEL_TIME_ZONE): string[] {
  const hour = Math.floor(localTime(f.at, timeZone).minute / 60);
  return [
    ...CATEGORICAL.map((k) => `${k}=${f[k] || '(none)'}`),
    `hour=${hour}`,
    `prior_conversations=${priorConvBucket(f.priorConversations)}`,
    `prior_deals=${priorDealBucket(f.priorDeals)}`,
  ];
}

/** A trained model: plain data (JSON-serialisable), so it can be stored and shipped to workers. */
export interface ConversionModel {
  /** Token → weight; a token never seen in training adds nothing (the base rate speaks for it). */
  weights: Record<string, number>;
  intercept: number;
  baseRate: number;
  trainedOn: number;
  timeZone: string;
  converged: boolean;
}

export interface TrainOptions extends Partial<LogisticOptions> {
  timeZone?: string;
}

/** Trains on labelled conversations. Tokens are numbered in sorted order, so row order does not matter. */
export function trainConversionModel(data: readonly LabelledConversation[], options: TrainOptions = {}): ConversionModel {
  const timeZone = options.timeZone ?? MODEL_TIME_ZONE;
  const tokens = data.map((d) => featureTokens(d, timeZone));
  const vocab = [...new Set(tokens.flat())].sort();
  const index = new Map(vocab.map((t, i) => [t, i]));
  const rows: SparseRow[] = data.map((d, i) => ({ on: tokens[i].map((t) => index.get(t)!), y: d.converted }));
  const fit = fitLogistic(rows, vocab.length, options);
  const positives = data.reduce((s, d) => s + d.converted, 0);
  return {
    weights: Object.fromEntries(vocab.map((t, i) => [t, fit.weights[i]])),
    intercept: fit.intercept,
    baseRate: data.length ? positives / data.length : 0,
    trainedOn: data.length,
    timeZone,
    converged: fit.converged,
  };
}

/** P(conversion) for a conversation. */
export function predictConversion(model: ConversionModel, f: ConversionFeatures): number {
  let z = model.intercept;
  for (const t of featureTokens(f, model.timeZone)) z += model.weights[t] ?? 0;
  return sigmoid(z);
}

export interface Evaluation {
  auc: number;
  logLoss: number;
  /** Log-loss of always predicting the training base rate: the bar to beat. */
  baseLogLoss: number;
  n: number;
  positives: number;
}

/** Held-out evaluation against the base-rate forecast. */
export function evaluateModel(model: ConversionModel, test: readonly LabelledConversation[]): Evaluation {
  const labels = test.map((t) => t.converted);
  const probs = test.map((t) => predictConversion(model, t));
  return {
    auc: rocAuc(probs, labels),
    logLoss: logLoss(probs, labels),
    baseLogLoss: logLoss(
      test.map(() => model.baseRate),
      labels,
    ),
    n: test.length,
    positives: labels.reduce<number>((s, y) => s + y, 0),
  };
}

/** Deterministic split by a seeded shuffle: `fraction` of the rows are held out. */
export function holdOut<T>(rows: readonly T[], fraction: number, rng: () => number): { train: T[]; test: T[] } {
  const order = rows
    .map((r) => ({ r, k: rng() }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.r);
  const cut = Math.round(order.length * fraction);
  return { test: order.slice(0, cut), train: order.slice(cut) };
}
