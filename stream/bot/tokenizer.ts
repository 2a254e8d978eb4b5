/**
 * The bot's tokenizer, shared by indexing and querying: the intent normaliser first (NFKC, full-width → ASCII,
 * lower case, traditional → simplified), then Chinese runs become `Intl.Segmenter` words plus character
 * bigrams (words give precision where ICU's dictionary knows the term; bigrams keep recall where it splits
 * product words differently), and Latin runs become stemmed English words without stop words. Pure.
 */
import { normalise, stem } from '../intent/text.js';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Single-character Chinese words and English words that carry no topic. */
const ZH_STOP = new Set(
  [...'的了吗呢啊吧呀哦嘛么我你您他她它们是在有和与或就都也还又很要想能会可以这那个怎么什么哪为'].concat([
    '请问',
    '你们',
    '我们',
    '可以',
    '怎么',
    '什么',
    '一下',
    '如何',
    '是否',
    '这个',
    '那个',
    '为什么',
  ]),
);
const EN_STOP = new Set(
  'a an the i me my we our you your he she it its they them is am are was were be been being do does did have has had to of in on at for and or but so this that these those with as by from just please hi hello thanks thank can could would should will how what when where which who why there here any some if about get got'.split(
    ' ',
  ),
);

/** Tokens of `text` for BM25: Chinese words and bigrams, English stems. Repeated tokens are kept (term frequency). */
export function botTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of normalise(text).matchAll(/(\p{Script=Han}+)|([a-z0-9]+(?:[-'][a-z0-9]+)*)/gu)) {
    if (m[1]) {
      const run = m[1];
      for (const s of segmenter.segment(run)) {
        if (s.isWordLike && !ZH_STOP.has(s.segment)) out.push(s.segment);
      }
      const chars = [...run];
      for (let i = 0; i + 1 < chars.length; i++) {
        const bigram = chars[i] + chars[i + 1];
        if (!ZH_STOP.has(bigram)) out.push(bigram);
      }
    } else {
      for (const part of m[2].split(/[-']/)) {
        if (part && !EN_STOP.has(part)) out.push(stem(part));
      }
    }
  }
  return out;
}
