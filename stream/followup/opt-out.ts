/**
 * Opt-out and opt-in words a customer may send on any channel (pure). The
 * whole message (or, for e-mail, its first line above any quoted reply) must
 * be the word, give or take case, spaces and punctuation, so "don't stop
 * sending me offers" or "如何退订" in a question is not an opt-out.
 * STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT are the US carriers' (CTIA)
 * opt-out words Twilio honours on SMS, START/UNSTOP/YES opt back in;
 * 退订 / TD / 取消订阅 are the Chinese carriers' and WeChat's usual ones.
 */
const OPT_OUT = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'optout',
  'opt-out',
  'opt out',
  '退订',
  'td',
  't',
  '取消订阅',
  '退订短信',
  '取消',
  '不要再发了',
]);
const OPT_IN = new Set(['start', 'unstop', 'subscribe', '订阅', '恢复订阅']);

/** The first line that is not empty and not a quoted reply (e-mail). */
function firstLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (l && !l.startsWith('>')) return l;
  }
  return '';
}

/** `opt_out`, `opt_in`, or null when the message is anything else. */
export function consentWord(text: unknown): 'opt_out' | 'opt_in' | null {
  if (typeof text !== 'string' || text.length > 2000) return null;
  const w = firstLine(text)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+$/gu, '')
    .replace(/^[\s\p{P}\p{S}]+/gu, '')
    .replace(/\s+/g, ' ');
  if (!w) return null;
  if (OPT_OUT.has(w)) return 'opt_out';
  if (OPT_IN.has(w)) return 'opt_in';
  return null;
}
