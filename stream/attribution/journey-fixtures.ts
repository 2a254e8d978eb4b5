import { customerKey, type EventInput } from '../../shared/envelope.js';

const MIN = 60_000;
const DAY = 86_400_000;

/**
 * Test data with known answers under the default journey config, all within the 3 days before `endMs`:
 * - c0: ad, web chat, ad, web chat, web chat, ad → deal.won 100 (an opportunity after the first chat)
 * - c1: ad, web chat, web chat, ad, ad → deal.won 200 (an opportunity after the first chat)
 * - c2: ad, ad → deal.won 300 (no conversation)
 * - c3: a wechat conversation an hour before `endMs`, nothing else (journey still open)
 * - c4: a web conversation and an opportunity two hours before `endMs`, no deal (journey still open)
 * "web chat" is a `conversation.started` on web (touchpoint `web_chat`). Attribution therefore sees the issue's
 * paths A>B>A>B>B>A, A>B>B>A>A, A>A, all converting (A = ad, B = web_chat): Markov order 1 credits ad
 * 2 conversions / 400 value and web_chat 1 / 200; Shapley (count) the same; first and last touch give ad 3.
 * Funnel by channel (any window ≥ 1 h): web 3 inquiries → 3 opportunities → 2 deals (value 300);
 * wechat 1 → 0 → 0. By source: google (c0, c1) 2 → 2 → 2; baidu (c3, c4) 2 → 1 → 0.
 */
export function knownAnswerEvents(endMs: number, prefix = 'ka'): EventInput[] {
  const out: EventInput[] = [];
  let k = 0;
  const ev = (c: number, type: string, channel: string, at: number, properties: Record<string, unknown> = {}) =>
    out.push({
      id: `${prefix}-${++k}`,
      type,
      channel,
      occurred_at: at,
      customer: { external_id: `${prefix}-c${c}` },
      ...(type === 'conversation.started' ? { conversation_id: `${prefix}-conv-${k}` } : {}),
      properties: { source: c <= 1 ? 'google' : 'baidu', tag: c === 0 ? 'VIP' : 'normal', ...properties },
    });
  ['ABABBA', 'ABBAA', 'AA'].forEach((s, c) => {
    const t0 = endMs - (3 - c) * DAY;
    let opened = false;
    [...s].forEach((ch, j) => {
      const at = t0 + j * 10 * MIN;
      if (ch === 'A') ev(c, 'touchpoint', 'ad', at);
      else {
        ev(c, 'conversation.started', 'web', at);
        if (!opened) ev(c, 'opportunity.created', 'web', at + MIN, { value: 100 * (c + 1) });
        opened = true;
      }
    });
    ev(c, 'deal.won', 'web', t0 + 90 * MIN, { value: 100 * (c + 1) });
  });
  ev(3, 'conversation.started', 'wechat', endMs - 60 * MIN);
  ev(4, 'conversation.started', 'web', endMs - 120 * MIN);
  ev(4, 'opportunity.created', 'web', endMs - 110 * MIN, { value: 50 });
  return out;
}

/** The `events` rows the stream worker would write for these events (tests that skip the bus). */
export function toEventRows(events: EventInput[], receivedAt: number, producer = 'test') {
  return events.map((e) => ({
    producer,
    id: e.id,
    type: e.type,
    channel: e.channel,
    occurred_at: Number(e.occurred_at),
    received_at: receivedAt,
    customer_key: customerKey(e.customer)!,
    conversation_id: e.conversation_id ?? null,
    agent_id: e.agent_id ?? null,
    customer: JSON.stringify(e.customer),
    properties: JSON.stringify(e.properties ?? {}),
  }));
}
