import type { MessageKey, Translate } from '../i18n/index.js';

/** Known channels in display order; anything else sorts after them alphabetically. */
export const KNOWN_CHANNELS = ['web', 'app', 'sms', 'email', 'whatsapp', 'wechat', 'voice', 'social', 'ad', 'others'] as const;

// Tableau 10: distinct, colour-blind aware, and the same channel keeps its colour across charts and reloads.
const KNOWN_COLORS: Record<string, string> = {
  web: '#4e79a7',
  app: '#b07aa1',
  sms: '#f28e2b',
  email: '#9c755f',
  whatsapp: '#76b7b2',
  wechat: '#59a14f',
  voice: '#e15759',
  social: '#ff9da7',
  ad: '#edc948',
  others: '#bab0ac',
};

const EXTRA_COLORS = ['#86bcb6', '#d4a6c8', '#8cd17d', '#a0cbe8', '#ffbe7d', '#f1ce63', '#d37295', '#79706e'];

/** A stable colour for a channel: fixed for known channels, a hash of the name for the rest. */
export function channelColor(channel: string): string {
  const known = KNOWN_COLORS[channel];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < channel.length; i++) h = (h * 31 + channel.charCodeAt(i)) >>> 0;
  return EXTRA_COLORS[h % EXTRA_COLORS.length];
}

/** The channel's display name in the current locale; unknown channels show as sent. */
export function channelLabel(channel: string, t: Translate): string {
  return (KNOWN_CHANNELS as readonly string[]).includes(channel) ? t(`channel.${channel}` as MessageKey) : channel;
}

/** Sorts channel names into display order (known first, in their fixed order). */
export function sortChannels(channels: Iterable<string>): string[] {
  const rank = (c: string) => {
    const i = (KNOWN_CHANNELS as readonly string[]).indexOf(c);
    return i === -1 ? KNOWN_CHANNELS.length : i;
  };
  return [...new Set(channels)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
