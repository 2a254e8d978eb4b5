/**
 * Keyword cues per intent, in Chinese and English: domain knowledge the small training set cannot cover (other
 * products, other phrasings). Each matched cue adds the feature `k:<intent>` (or `!k:<intent>` inside a negation
 * scope for negatable intents); the model learns how much a cue is worth, so a cue is evidence, not a rule.
 * Cues match the token stream (Han characters, stemmed English words), so "refunds", "refunded" match `refund`.
 * For service issues a negation usually IS the problem ("还没有发货", "no refund yet"), so those cues stay.
 */
import type { Intent } from './intent-port.js';
import { CONVERSATION_CUES } from './cues-conversation.js';
import { SALES_CUES } from './cues-sales.js';
import { SERVICE_CUES } from './cues-service.js';
import { normalise, tokenise, type Unit } from './text.js';

/** One intent's cues: words and phrases per language, and whether a negation scope flips them (`!k:<intent>`). */
export interface IntentCues {
  negatable: boolean;
  zh: string[];
  en: string[];
}

export const CUES: Record<Intent, IntentCues> = { ...SALES_CUES, ...SERVICE_CUES, ...CONVERSATION_CUES };

export interface CompiledCue {
  intent: Intent;
  label: string;
  units: string[];
  negatable: boolean;
}

/** Cues compiled to unit sequences with the same normalisation and tokenisation as messages. */
export function compileCues(cues = CUES): CompiledCue[] {
  const out: CompiledCue[] = [];
  for (const [intent, def] of Object.entries(cues) as [Intent, (typeof cues)['other']][]) {
    for (const label of [...def.zh, ...def.en]) {
      // Stop words ("hi", "thanks", "please") are dropped by tokenise; keep them as raw words for the `other` cues.
      const units = tokenise(normalise(label)).map((u) => u.text);
      const raw = normalise(label).split(' ');
      out.push({ intent, label, units: units.length > 0 ? units : raw, negatable: def.negatable });
    }
  }
  return out;
}

/** The intents whose cues match a unit stream (`!`-prefixed when negated), and the matched cue labels. */
export function matchCues(units: readonly Unit[], rawWords: ReadonlySet<string>, index: CueIndex): CueHit[] {
  const hits: CueHit[] = [];
  const seen = new Set<CompiledCue>();
  for (let i = 0; i < units.length; i++) {
    for (const cue of index.get(units[i].text) ?? []) {
      if (seen.has(cue) || i + cue.units.length > units.length) continue;
      let ok = true;
      for (let k = 1; k < cue.units.length && ok; k++) ok = units[i + k].text === cue.units[k] && units[i + k].run === units[i].run;
      if (ok) {
        seen.add(cue);
        hits.push({ intent: cue.intent, label: cue.label, negated: cue.negatable && units[i].neg });
      }
    }
  }
  // Stop words ("hi", "thanks") never reach the unit stream: match one-word cues on the raw words too.
  for (const w of rawWords) {
    for (const cue of index.get(w) ?? []) {
      if (!seen.has(cue) && cue.units.length === 1) {
        seen.add(cue);
        hits.push({ intent: cue.intent, label: cue.label, negated: false });
      }
    }
  }
  return hits;
}

export interface CueHit {
  intent: Intent;
  label: string;
  negated: boolean;
}

/** Compiled cues by their first unit, so matching costs one map lookup per unit. */
export type CueIndex = Map<string, CompiledCue[]>;

export function indexCues(cues: readonly CompiledCue[] = compileCues()): CueIndex {
  const index: CueIndex = new Map();
  for (const c of cues) {
    if (c.units.length === 0) continue;
    const list = index.get(c.units[0]) ?? [];
    list.push(c);
    index.set(c.units[0], list);
  }
  return index;
}
