/**
 * The built-in bilingual intent classifier: the shipped softmax model (trained by `omnilane intent train`,
 * stream/intent/model/intent-model.json) over the features of features.ts, with a calibrated confidence.
 * Pure and deterministic after construction; the model file is read once per process.
 */
import { featuresOf } from './features.js';
import type { IntentClassifier, IntentContext, IntentResult } from './intent-port.js';
import { loadShippedModel } from './model-files.js';
import { modelFromDoc, probabilitiesOf, type IntentModel, type IntentModelDoc } from './softmax-model.js';
import { detectLanguage, normalise } from './text.js';

export interface BuiltinIntentOptions {
  /** A model (or its JSON document) instead of the shipped one, e.g. one just trained. */
  model?: IntentModel | IntentModelDoc;
  /** Texts longer than this many UTF-16 units are cut before classification (default 2000). */
  maxChars?: number;
  /** How many top features to return as signals (default 3). */
  signals?: number;
}

const isDoc = (m: IntentModel | IntentModelDoc): m is IntentModelDoc => (m as IntentModelDoc).format !== undefined;

export class BuiltinIntentClassifier implements IntentClassifier {
  readonly model: IntentModel;
  private readonly maxChars: number;
  private readonly topSignals: number;

  constructor(options: BuiltinIntentOptions = {}) {
    this.model = options.model ? (isDoc(options.model) ? modelFromDoc(options.model) : options.model) : loadShippedModel();
    this.maxChars = options.maxChars ?? 2000;
    this.topSignals = options.signals ?? 3;
  }

  /** The synchronous core of {@link classify}; the port is async so that model-backed adapters fit. */
  classifySync(text: string, _context?: IntentContext): IntentResult {
    const cut = text.length > this.maxChars ? text.slice(0, this.maxChars) : text;
    const language = detectLanguage(normalise(cut));
    const features = featuresOf(cut, this.maxChars);
    const { probs } = probabilitiesOf(this.model, features);
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    const confidence = Number.isFinite(probs[best]) ? Math.min(1, Math.max(0, probs[best])) : 0;
    return { intent: this.model.labels[best], confidence, language, signals: this.signalsFor(features, best) };
  }

  async classify(text: string, context?: IntentContext): Promise<IntentResult> {
    return this.classifySync(text, context);
  }

  /** The features that pushed hardest towards the chosen label, e.g. `feat:b:退款`, `feat:k:after_sale`. */
  private signalsFor(features: readonly string[], label: number): string[] {
    const scored: [string, number][] = [];
    for (const f of features) {
      if (f.startsWith('len:')) continue;
      const w = this.model.weights.get(f)?.[label] ?? 0;
      if (w > 0) scored.push([f, w]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return scored.slice(0, this.topSignals).map(([f]) => `feat:${f}`);
  }
}
