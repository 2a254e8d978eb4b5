/**
 * The built-in bilingual intent classifier: keyword cues plus a multinomial Naive Bayes trained at construction
 * from the in-repo seed set. Pure and deterministic; no I/O after the module is loaded.
 */
import { compileCues, type CompiledCue } from './cues.js';
import { INTENTS, type Intent, type IntentClassifier, type IntentContext, type IntentResult } from './intent-port.js';
import { NaiveBayes } from './naive-bayes.js';
import { SEED_EXAMPLES, type LabelledExample } from './seed-examples.js';
import { detectLanguage, normalise, tokenise, type Unit } from './text.js';

export interface BuiltinIntentOptions {
  /** Training messages; defaults to {@link SEED_EXAMPLES}. */
  examples?: readonly LabelledExample[];
  /** Below this confidence a specific intent falls back to `other` (default 0.4). */
  threshold?: number;
  /** Weight of one cue point against the Naive Bayes log-odds (default 1.5). */
  cueWeight?: number;
  /** Texts longer than this many code points are cut before classification (default 4000). */
  maxChars?: number;
}

/** Features of a unit stream: Han unigrams and bigrams (within a run of Han characters), word stems; `!` = negated. */
export function featuresOf(units: Unit[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    const p = u.neg ? '!' : '';
    if (u.kind === 'word') {
      out.push(`${p}w:${u.text}`);
      continue;
    }
    out.push(`${p}c:${u.text}`);
    const next = units[i + 1];
    if (next && next.kind === 'han' && next.run === u.run) out.push(`${p}b:${u.text}${next.text}`);
  }
  return out;
}

interface CueHit {
  cue: CompiledCue;
  negated: boolean;
}

function matchCues(units: Unit[], cues: CompiledCue[]): CueHit[] {
  const hits: CueHit[] = [];
  for (const cue of cues) {
    for (let i = 0; i + cue.units.length <= units.length; i++) {
      let ok = true;
      for (let k = 0; k < cue.units.length && ok; k++) {
        const u = units[i + k];
        ok = u.text === cue.units[k] && (k === 0 || u.run === units[i].run);
      }
      if (ok) {
        hits.push({ cue, negated: cue.negatable && units[i].neg });
        break;
      }
    }
  }
  return hits;
}

const SPECIFIC = INTENTS.filter((i) => i !== 'other');

export class BuiltinIntentClassifier implements IntentClassifier {
  private readonly nb: NaiveBayes<Intent>;
  private readonly cues = compileCues();
  private readonly threshold: number;
  private readonly cueWeight: number;
  private readonly maxChars: number;

  constructor(options: BuiltinIntentOptions = {}) {
    const examples = options.examples ?? SEED_EXAMPLES;
    this.threshold = options.threshold ?? 0.4;
    this.cueWeight = options.cueWeight ?? 1.5;
    this.maxChars = options.maxChars ?? 4000;
    this.nb = new NaiveBayes<Intent>(INTENTS, examples.map((e) => ({ cls: e.intent, features: featuresOf(tokenise(normalise(e.text))) })));
  }

  /** The synchronous core of {@link classify}; the port is async so that model-backed adapters fit. */
  classifySync(text: string, _context?: IntentContext): IntentResult {
    const cut = text.length > this.maxChars * 2 ? [...text].slice(0, this.maxChars).join('') : text;
    const norm = normalise(cut);
    const language = detectLanguage(norm);
    const units = tokenise(norm);
    const hits = matchCues(units, this.cues);
    const signals = hits.map((h) => `${h.negated ? 'neg' : 'cue'}:${h.cue.intent}:${h.cue.label}`);
    const features = featuresOf(units);
    const { scores, known } = this.nb.score(features);
    if (known === 0 && hits.length === 0) return { intent: 'other', confidence: 1, language, signals };

    // NB log-odds grow with message length and make overconfident posteriors: temper by sqrt(known features).
    const temper = Math.sqrt(Math.max(1, known));
    const cue = new Map<Intent, number>(INTENTS.map((i) => [i, 0]));
    for (const h of hits) if (!h.negated) cue.set(h.cue.intent, cue.get(h.cue.intent)! + h.cue.weight);
    const logits = INTENTS.map((i) => scores.get(i)! / temper + this.cueWeight * cue.get(i)!);
    const max = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const probs = exp.map((e) => e / sum);
    let best = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
    const intent = INTENTS[best];
    if (intent !== 'other' && probs[best] < this.threshold) {
      const topSpecific = Math.max(...SPECIFIC.map((i) => probs[INTENTS.indexOf(i)]));
      return { intent: 'other', confidence: clamp01(1 - topSpecific), language, signals };
    }
    return { intent, confidence: clamp01(probs[best]), language, signals };
  }

  async classify(text: string, context?: IntentContext): Promise<IntentResult> {
    return this.classifySync(text, context);
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
