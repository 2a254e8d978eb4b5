/**
 * Channel priority rules for routing: a conversation's priority is the
 * highest weight of the channels it used, raised when the customer wrote an
 * urgent keyword (or filed a complaint) and for VIP / high-value customers.
 * Pure; the weights come from CHANNEL_PRIORITY and URGENT_KEYWORDS.
 */
export interface PriorityRules {
  /** Weight per channel; higher is served first. */
  channels: Record<string, number>;
  /** Weight of a channel the rules do not name. */
  defaultChannel: number;
  /** Lower-cased substrings (zh and en) that mark a message urgent. */
  urgentKeywords: string[];
  /** Added when the conversation is urgent. */
  urgentBoost: number;
}

export const DEFAULT_CHANNEL_PRIORITY = 'voice:100,whatsapp:80,wechat:80,sms:60,web:50,app:50,email:20';
export const DEFAULT_URGENT_KEYWORDS = '投诉,紧急,退款,urgent,complaint,refund';
export const DEFAULT_URGENT_BOOST = 50;
const DEFAULT_CHANNEL_WEIGHT = 10;
const TAG_BOOST: Record<string, number> = { vip: 30, high_value: 15 };

/** Parses `channel:weight,…`; returns an error message instead of throwing (config names the variable). */
export function parseChannelPriority(spec: string): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z][a-z0-9_]{0,31}):(\d{1,4})$/.exec(part);
    if (!m) return `"${part}" is not channel:weight (weight 0-9999)`;
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Parses a comma-separated keyword list, lower-cased. */
export function parseKeywords(spec: string): string[] {
  return [
    ...new Set(
      spec
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export function defaultPriorityRules(): PriorityRules {
  return {
    channels: parseChannelPriority(DEFAULT_CHANNEL_PRIORITY) as Record<string, number>,
    defaultChannel: DEFAULT_CHANNEL_WEIGHT,
    urgentKeywords: parseKeywords(DEFAULT_URGENT_KEYWORDS),
    urgentBoost: DEFAULT_URGENT_BOOST,
  };
}

/** True when the text holds an urgent keyword (case-insensitive substring: 退款 in 我要退款, Urgent in URGENT!). */
export function isUrgent(text: string, keywords: readonly string[]): boolean {
  const t = text.toLowerCase();
  return keywords.some((k) => t.includes(k));
}

export interface PriorityInput {
  channels: readonly string[];
  urgent: boolean;
  tags: readonly string[];
}

/** The routing priority of a conversation: max channel weight + urgent boost + the best tag boost. */
export function conversationPriority(c: PriorityInput, rules: PriorityRules): number {
  const channel = c.channels.length === 0 ? rules.defaultChannel : Math.max(...c.channels.map((ch) => rules.channels[ch] ?? rules.defaultChannel));
  const tag = Math.max(0, ...c.tags.map((t) => TAG_BOOST[t.toLowerCase()] ?? 0));
  return channel + (c.urgent ? rules.urgentBoost : 0) + tag;
}
