/**
 * Text handling for the built-in intent classifier: normalisation, language detection by script share, and the
 * token stream (Han characters and stemmed English words) with negation scopes. Pure functions, no I/O.
 */
import type { IntentLanguage } from './intent-port.js';
import { T2S } from './traditional-to-simplified.js';

/** Full-width and CJK punctuation that NFKC leaves alone → ASCII. */
const PUNCT: Record<string, string> = {
  '。': '.',
  '、': ',',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '【': '[',
  '】': ']',
  '《': '"',
  '》': '"',
  '〈': '"',
  '〉': '"',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '—': '-',
  '～': '~',
  '·': ' ',
};

/**
 * NFKC (which also folds full-width ASCII and half-width katakana), CJK punctuation → ASCII, lower case,
 * a small traditional → simplified map, whitespace collapsed. Lone surrogates are replaced, never thrown on.
 */
export function normalise(text: string): string {
  const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  let out = '';
  for (const ch of wellFormed.normalize('NFKC').toLowerCase()) out += PUNCT[ch] ?? T2S[ch] ?? ch;
  return out.replace(/\s+/g, ' ').trim();
}

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

/**
 * Language by script share: Han characters against Latin letters (a Han character counts as two letters, about
 * one English word per 1.5–2 Han characters). ≥ 80% Han → zh, ≤ 20% → en, in between → mixed; no Han or Latin
 * letters (emoji, digits, other scripts dominating) → unknown.
 */
export function detectLanguage(text: string): IntentLanguage {
  let han = 0;
  let latin = 0;
  let other = 0;
  for (const ch of text) {
    if (HAN.test(ch)) han += 1;
    else if (LATIN.test(ch)) latin += 1;
    else if (LETTER.test(ch)) other += 1;
  }
  const zh = han * 2;
  if (zh + latin === 0 || other > zh + latin) return 'unknown';
  const share = zh / (zh + latin);
  return share >= 0.8 ? 'zh' : share <= 0.2 ? 'en' : 'mixed';
}

/** English contractions and variants folded before stemming; "n't" forms become the negator `not`. */
const EN_FOLD: Record<string, string> = {
  "can't": 'cannot',
  cant: 'cannot',
  "couldn't": 'cannot',
  couldnt: 'cannot',
  unable: 'cannot',
  "won't": 'not',
  wont: 'not',
  "don't": 'not',
  dont: 'not',
  "doesn't": 'not',
  doesnt: 'not',
  "didn't": 'not',
  didnt: 'not',
  "isn't": 'not',
  isnt: 'not',
  "wasn't": 'not',
  "aren't": 'not',
  "haven't": 'not',
  havent: 'not',
  "hasn't": 'not',
  hasnt: 'not',
  "weren't": 'not',
  never: 'not',
  "i'm": 'i',
  "it's": 'it',
  "i've": 'i',
  login: 'log',
  logon: 'log',
  signin: 'log',
  'e-mail': 'email',
  pls: 'please',
  plz: 'please',
  u: 'you',
};

/** A few function words carry no intent signal. */
const EN_STOP = new Set(
  'a an the i me my we our you your he she it its they them is am are was were be been do does did have has had to of in on at for and or but so this that these those with as by from just please hi hello thanks thank'.split(
    ' ',
  ),
);

/** Very small suffix stripper (Porter-flavoured): crashes/crashed/crashing → crash, shipping → ship, pricing/price → pric. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (/(ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ly') && w.length > 4) w = w.slice(0, -2);
  if (/([b-df-hj-km-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** One unit of the token stream: a Han character or a stemmed English word; `neg` when inside a negation scope. */
export interface Unit {
  kind: 'han' | 'word';
  text: string;
  neg: boolean;
  /** Index of the run of consecutive Han characters / words this unit belongs to (bigrams never cross runs). */
  run: number;
}

/** Chinese negators that open a scope; `有没有` / `是不是` (yes-no questions) are excluded in {@link tokenise}. */
const ZH_NEGATORS = ['不是', '没有', '并非', '不想', '不要', '不用', '无需', '没'];
const ZH_SCOPE = 4;
const EN_NEGATORS = new Set(['not', 'no', 'without']);
const EN_SCOPE = 3;

/**
 * Splits normalised text into units. Han characters are units; Latin/digit words are folded, stemmed and kept
 * unless stop words. A negator (不是/没有/没/不想/不要/… ; not/no/never/n't) marks the next few units as negated,
 * up to punctuation. Yes-no question forms (有没有, 是不是) do not negate.
 */
export function tokenise(norm: string): Unit[] {
  const units: Unit[] = [];
  const re = /(\p{Script=Han}+)|([a-z0-9]+(?:['-][a-z]+)?)|([.,!?;:~"()[\]]+)|(\s+)|([^])/gu;
  let run = 0;
  let scope = 0;
  let lastKind: 'han' | 'word' | 'sep' = 'sep';
  for (const m of norm.matchAll(re)) {
    if (m[1]) {
      if (lastKind !== 'han') run += 1;
      const chars = [...m[1]];
      for (let i = 0; i < chars.length; i++) {
        const neg = ZH_NEGATORS.find((n) => chars.slice(i, i + n.length).join('') === n);
        const question = neg !== undefined && ((i > 0 && chars[i - 1] === '有' && neg.startsWith('没')) || (i > 0 && chars[i - 1] === '是' && neg === '不是'));
        if (neg && !question) {
          for (const c of neg) units.push({ kind: 'han', text: c, neg: false, run });
          i += neg.length - 1;
          scope = ZH_SCOPE;
          continue;
        }
        units.push({ kind: 'han', text: chars[i], neg: scope > 0, run });
        if (scope > 0) scope -= 1;
      }
      lastKind = 'han';
    } else if (m[2]) {
      if (lastKind !== 'word') run += 1;
      lastKind = 'word';
      const folded = EN_FOLD[m[2]] ?? m[2];
      if (EN_NEGATORS.has(folded)) {
        units.push({ kind: 'word', text: folded, neg: false, run });
        scope = EN_SCOPE;
        continue;
      }
      if (EN_STOP.has(folded)) continue;
      units.push({ kind: 'word', text: stem(folded), neg: scope > 0, run });
      if (scope > 0) scope -= 1;
    } else if (m[3] || m[5]) {
      scope = 0;
      lastKind = 'sep';
    }
  }
  return units;
}
