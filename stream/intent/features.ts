/**
 * Features of a message for the built-in intent model. Pure and deterministic (no I/O; `Intl.Segmenter` comes
 * with Node's full ICU).
 *
 * - `c:` / `b:` / `t:` Han character 1-, 2- and 3-grams inside one run of Han characters (Chinese has no spaces,
 *   and character n-grams survive typos and unseen words);
 * - `z:` Chinese words of two or more characters from `Intl.Segmenter('zh', { granularity: 'word' })`;
 * - `w:` stemmed Latin words (text.ts folds contractions and drops stop words) and `v:` pairs of adjacent stems;
 * - a leading `!` on `w:` when the word is inside a negation scope ("not interested", "no refund");
 * - `k:<intent>` when a keyword cue of that intent matches (cues.ts; `!k:` when negated), the same for every
 *   product and phrasing, so it carries what the training set cannot;
 * - `e:` emoji, and `len:` a coarse length bucket (short messages are mostly greetings and thanks).
 *
 * Every feature counts once per message (binary bag of features); the model scales them to unit length.
 */
import { indexCues, matchCues } from './cues.js';
import { normalise, tokenise } from './text.js';

const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;
const EMOJI = /\p{Extended_Pictographic}/gu;
const CUE_INDEX = indexCues();

/** Length buckets by number of units (Han characters + Latin words): 0, 1, 2, 3–5, 6–12, more. */
function lengthBucket(n: number): string {
  return n === 0 ? '0' : n === 1 ? '1' : n === 2 ? '2' : n <= 5 ? '3-5' : n <= 12 ? '6-12' : '13+';
}

/** Features of one message, deduplicated, in a deterministic order. `maxChars` caps the work on huge inputs. */
export function featuresOf(text: string, maxChars = 2000): string[] {
  const cut = text.length > maxChars ? text.slice(0, maxChars) : text;
  const norm = normalise(cut);
  const units = tokenise(norm);
  const out = new Set<string>();
  let prevWord: { text: string; run: number } | null = null;
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (u.kind === 'word') {
      out.add(`${u.neg ? '!' : ''}w:${u.text}`);
      if (prevWord && prevWord.run === u.run) out.add(`v:${prevWord.text}_${u.text}`);
      prevWord = u;
      continue;
    }
    prevWord = null;
    out.add(`c:${u.text}`);
    const b = units[i + 1];
    if (b && b.kind === 'han' && b.run === u.run) {
      out.add(`b:${u.text}${b.text}`);
      const t = units[i + 2];
      if (t && t.kind === 'han' && t.run === u.run) out.add(`t:${u.text}${b.text}${t.text}`);
    }
  }
  if (HAN.test(norm)) {
    for (const s of SEGMENTER.segment(norm)) {
      if (s.isWordLike && HAN.test(s.segment) && [...s.segment].length >= 2) out.add(`z:${s.segment}`);
    }
  }
  const raw = new Set(norm.match(/[a-z0-9']+/g) ?? []);
  for (const h of matchCues(units, raw, CUE_INDEX)) out.add(`${h.negated ? '!' : ''}k:${h.intent}`);
  for (const m of norm.matchAll(EMOJI)) out.add(`e:${m[0]}`);
  out.add(`len:${lengthBucket(units.length)}`);
  return [...out];
}

/** Cue features weigh more than one n-gram among dozens: they stand for a whole family of phrasings. */
export const CUE_SCALE = 2;

/** The value multiplier of a feature (before the 1/√n length scaling). */
export function featureScale(f: string): number {
  return f.charCodeAt(0) === 107 /* k */ || f.startsWith('!k:') ? CUE_SCALE : 1;
}
