import { channelLabel } from '../board/channels.js';
import type { Translate } from '../i18n/index.js';

/** A touchpoint's name: channels translated, `<channel>_chat` as "<channel> chat", `phone_follow_up` named. */
export function touchLabel(touch: string, t: Translate): string {
  if (touch === 'phone_follow_up') return t('touch.phone_follow_up');
  const chat = /^([a-z][a-z0-9_]*)_chat$/.exec(touch);
  if (chat) return t('touch.chat', { channel: channelLabel(chat[1], t) });
  return channelLabel(touch, t);
}

/** A Markov state's name: (start), (conversion), (null) translated; channel tuples joined with ›. */
export function stateLabel(state: string, t: Translate): string {
  if (state === '(start)') return t('attr.state.start');
  if (state === '(conversion)') return t('attr.state.conversion');
  if (state === '(null)') return t('attr.state.null');
  return state
    .split(',')
    .map((s) => touchLabel(s, t))
    .join(' › ');
}
