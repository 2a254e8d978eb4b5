/**
 * The built-in intent model: multinomial logistic regression (softmax) over the sparse binary features of
 * features.ts, scaled to unit length, with a temperature for calibrated probabilities. Pure; the JSON document
 * ({@link IntentModelDoc}) is what `omnilane intent train` writes and the classifier loads.
 */
import { featureScale } from './features.js';
import { INTENTS, type Intent } from './intent-port.js';

/** The serialised model (stream/intent/model/intent-model.json). No timestamps, so a retrain on the same data is byte-identical. */
export interface IntentModelDoc {
  format: 'omnilane-intent-softmax/1';
  /** Class order of `bias` and of every weight row; the {@link INTENTS} at training time. */
  labels: Intent[];
  /** Softmax temperature fitted on out-of-fold logits (> 1 softens, < 1 sharpens). */
  temperature: number;
  bias: number[];
  /** Feature → one weight per label (features with all weights ~0 are pruned). */
  weights: Record<string, number[]>;
  /** How it was trained: counts, seed, hyper-parameters and the cross-validated figures at training time. */
  meta: Record<string, unknown>;
}

/** A loaded model, ready to score. */
export interface IntentModel {
  labels: readonly Intent[];
  temperature: number;
  bias: Float64Array;
  weights: Map<string, Float64Array>;
}

/** Validates a parsed JSON document and builds the in-memory model; a clear Error for a wrong file. */
export function modelFromDoc(doc: unknown): IntentModel {
  const d = doc as Partial<IntentModelDoc> | null;
  if (!d || d.format !== 'omnilane-intent-softmax/1') throw new Error('not an omnilane intent model (format omnilane-intent-softmax/1)');
  const labels = d.labels ?? [];
  if (!Array.isArray(labels) || labels.length < 2 || labels.some((l) => !(INTENTS as readonly string[]).includes(l)))
    throw new Error(`intent model labels must be among ${INTENTS.join(', ')}`);
  const k = labels.length;
  if (!Array.isArray(d.bias) || d.bias.length !== k) throw new Error('intent model bias must have one value per label');
  if (typeof d.temperature !== 'number' || !(d.temperature > 0)) throw new Error('intent model temperature must be a positive number');
  const weights = new Map<string, Float64Array>();
  for (const [f, row] of Object.entries(d.weights ?? {})) {
    if (!Array.isArray(row) || row.length !== k) throw new Error(`intent model weights for "${f}" must have one value per label`);
    weights.set(f, Float64Array.from(row));
  }
  return { labels, temperature: d.temperature, bias: Float64Array.from(d.bias), weights };
}

/** Raw (untempered) logits for a feature list: bias + Σ w·x with x = 1/√(number of features). */
export function logitsOf(model: IntentModel, features: readonly string[]): { logits: Float64Array; known: number } {
  const k = model.labels.length;
  const z = Float64Array.from(model.bias);
  const x = features.length > 0 ? 1 / Math.sqrt(features.length) : 0;
  let known = 0;
  for (const f of features) {
    const row = model.weights.get(f);
    if (!row) continue;
    known += 1;
    const v = x * featureScale(f);
    for (let c = 0; c < k; c++) z[c] += row[c] * v;
  }
  return { logits: z, known };
}

/** Softmax of `logits / temperature`, numerically stable. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i] / temperature);
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[i] = Math.exp(logits[i] / temperature - max);
  for (let i = 0; i < n; i++) p[i] /= sum;
  return p;
}

/** Calibrated class probabilities for a feature list. */
export function probabilitiesOf(model: IntentModel, features: readonly string[]): { probs: Float64Array; known: number } {
  const { logits, known } = logitsOf(model, features);
  return { probs: softmax(logits, model.temperature), known };
}
