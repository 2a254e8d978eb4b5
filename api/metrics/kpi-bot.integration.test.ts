import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../shared/random.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { KpiService } from './kpi-service.js';

/**
 * The bot KPIs (kpi_bot.sql, both dialects) against an independent recount in TypeScript over the same seeded
 * random events: conversations with bot answers, handoffs, people's replies and CSAT answers, on two channels,
 * some started before the window (excluded even when the bot replied inside it), and rows written twice (each
 * (producer, id) counts once).
 */
const T0 = Date.UTC(2026, 10, 20, 8, 0);
const HOUR = 3_600_000;

interface Ev {
  producer: string;
  id: string;
  type: string;
  channel: string;
  occurred_at: number;
  conversation_id: string;
  props: Record<string, unknown>;
}

function world(seed: number): Ev[] {
  const rnd = seededRng(seed);
  const out: Ev[] = [];
  for (let c = 0; c < 160; c++) {
    const conv = `c${c}`;
    const channel = rnd() < 0.6 ? 'web' : 'whatsapp';
    const start = T0 - HOUR + Math.floor(rnd() * 5 * HOUR); // an hour before the window to four hours in
    let t = start;
    const ev = (producer: string, type: string, props: Record<string, unknown>) =>
      out.push({ producer, id: `${conv}-${out.length}`, type, channel, occurred_at: (t += 1000 + Math.floor(rnd() * 60_000)), conversation_id: conv, props });
    out.push({ producer: 'test', id: `${conv}-start`, type: 'conversation.started', channel, occurred_at: start, conversation_id: conv, props: {} });
    ev('test', 'message.received', { text: 'q' });
    const r = rnd();
    if (r < 0.35)
      ev('bot', 'message.sent', { bot: true, article_id: 'a' }); // answered
    else if (r < 0.55)
      ev('bot', 'message.sent', { bot: true, handoff: true, intent: 'complaint' }); // handed over
    else if (r < 0.65) ev('bot', 'message.sent', { bot: true, clarify: 'unclear' });
    if (r >= 0.35 && rnd() < 0.8) ev('agent', 'message.sent', { text: 'a person' });
    if (r < 0.35 && rnd() < 0.15) ev('agent', 'message.sent', { text: 'a person anyway', bot: false });
    if (rnd() < 0.6) ev('test', 'csat.submitted', { score: 1 + Math.floor(rnd() * 5) });
    if (rnd() < 0.1) ev('test', 'csat.submitted', { score: 1 + Math.floor(rnd() * 5) }); // a second answer: the latest counts
  }
  return out;
}

/** The recount: per conversation started in [from, to), by hour of start and channel. */
function recount(events: Ev[], from: number, to: number) {
  const uniq = new Map(events.map((e) => [`${e.producer}/${e.id}`, e]));
  const convs = new Map<string, Ev[]>();
  for (const e of uniq.values()) convs.set(e.conversation_id, [...(convs.get(e.conversation_id) ?? []), e]);
  const groups = new Map<string, { n: number; bot: number; resolved: number; handed: number; cb: number[]; ch: number[] }>();
  for (const evs of convs.values()) {
    const start = evs.find((e) => e.type === 'conversation.started')!;
    if (start.occurred_at < from || start.occurred_at >= to) continue;
    const key = `${Math.floor(start.occurred_at / HOUR) * HOUR}|${start.channel}`;
    const g = groups.get(key) ?? { n: 0, bot: 0, resolved: 0, handed: 0, cb: [], ch: [] };
    const sent = evs.filter((e) => e.type === 'message.sent');
    const bot = sent.filter((e) => e.props.bot === true);
    const handed = bot.some((e) => e.props.handoff === true);
    const human = sent.some((e) => e.props.bot !== true);
    const csats = evs.filter((e) => e.type === 'csat.submitted').sort((a, b) => a.occurred_at - b.occurred_at);
    const csat = csats.length ? Number(csats.at(-1)!.props.score) : null;
    const resolved = bot.length > 0 && !handed && !human;
    g.n++;
    if (bot.length) g.bot++;
    if (handed) g.handed++;
    if (resolved) g.resolved++;
    if (resolved && csat !== null) g.cb.push(csat);
    if (human && csat !== null) g.ch.push(csat);
    groups.set(key, g);
  }
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, g]) => {
      const [bucket, channel] = key.split('|');
      return {
        bucket: new Date(Number(bucket)).toISOString(),
        channel,
        resolved_share: g.resolved / g.n,
        handoff_rate: g.bot ? g.handed / g.bot : null,
        csat_bot: avg(g.cb),
        csat_human: avg(g.ch),
        conversations: g.n,
        bot_conversations: g.bot,
        handed_off: g.handed,
        csat_bot_count: g.cb.length,
        csat_human_count: g.ch.length,
      };
    });
}

const rowsOf = (events: Ev[]) =>
  events.map((e) => ({
    producer: e.producer,
    id: e.id,
    type: e.type,
    channel: e.channel,
    occurred_at: e.occurred_at,
    received_at: e.occurred_at + 5,
    customer_key: `k-${e.conversation_id}`,
    conversation_id: e.conversation_id,
    agent_id: e.producer === 'agent' ? 'a1' : null,
    customer: '{}',
    properties: JSON.stringify(e.props),
  }));

describe('bot KPIs (kpi_bot) on DuckDB and ClickHouse against an independent recount', () => {
  const events = world(15);
  const services: Array<[string, KpiService]> = [];
  const closers: Array<() => Promise<void>> = [];
  let chDb = '';
  beforeAll(async () => {
    const duck = await DuckDbWarehouse.open(':memory:');
    chDb = uniqueName('kpibot');
    const ch = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl, database: chDb });
    closers.push(
      () => duck.close(),
      () => ch.close(),
    );
    for (const [name, wh] of [
      ['duckdb', duck],
      ['clickhouse', ch],
    ] as const) {
      await (wh as Warehouse).migrate();
      await wh.append('events', rowsOf(events));
      if (name === 'clickhouse') await wh.append('events', rowsOf(events.slice(0, 120))); // written twice: FINAL keeps one
      services.push([name, new KpiService(wh, 'UTC')]);
    }
  }, 60_000);
  afterAll(async () => {
    for (const c of closers) await c().catch(() => undefined);
    const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
    await admin.command(`DROP DATABASE IF EXISTS ${chDb}`).catch(() => undefined);
    await admin.close();
  });

  it('gives the recount per hour and channel for all four KPIs and their counts', async () => {
    const from = T0;
    const to = T0 + 3 * HOUR;
    const want = recount(events, from, to);
    expect(want.length).toBeGreaterThan(4);
    expect(want.some((w) => w.csat_bot !== null) && want.some((w) => w.handed_off > 0)).toBe(true);
    for (const [name, k] of services) {
      const share = await k.series('bot_resolved_share', { from, to, granularity: 'hour', group_by: 'channel', filters: {} });
      const handoff = await k.series('bot_handoff_rate', { from, to, granularity: 'hour', group_by: 'channel', filters: {} });
      const cb = await k.series('csat_bot', { from, to, granularity: 'hour', group_by: 'channel', filters: {} });
      const chum = await k.series('csat_human', { from, to, granularity: 'hour', group_by: 'channel', filters: {} });
      const got = share.series.map((p, i) => ({
        bucket: p.bucket,
        channel: p.group,
        resolved_share: p.value,
        handoff_rate: handoff.series[i].value,
        csat_bot: cb.series[i].value,
        csat_human: chum.series[i].value,
        conversations: p.conversations,
        bot_conversations: p.bot_conversations,
        handed_off: p.handed_off,
        csat_bot_count: cb.series[i].csat_bot_count,
        csat_human_count: chum.series[i].csat_human_count,
      }));
      expect(got.length, name).toBe(want.length);
      for (const [i, w] of want.entries()) {
        const g = got[i];
        expect({ ...g, resolved_share: null, handoff_rate: null, csat_bot: null, csat_human: null }, name).toEqual({
          ...w,
          resolved_share: null,
          handoff_rate: null,
          csat_bot: null,
          csat_human: null,
        });
        for (const f of ['resolved_share', 'handoff_rate', 'csat_bot', 'csat_human'] as const) {
          if (w[f] === null) expect(g[f], `${name} ${f}`).toBeNull();
          else expect(g[f], `${name} ${f} ${w.bucket} ${w.channel}`).toBeCloseTo(w[f], 9);
        }
      }
    }
  });

  it('filters by channel and sums the window for the board', async () => {
    const from = T0;
    const to = T0 + 3 * HOUR;
    const web = recount(events, from, to).filter((w) => w.channel === 'web');
    const n = web.reduce((a, w) => a + w.conversations, 0);
    const resolved = web.reduce((a, w) => a + w.resolved_share * w.conversations, 0);
    for (const [name, k] of services) {
      const [p] = await k.window('bot_resolved_share', from, to, { channel: 'web' });
      expect(p.conversations, name).toBe(n);
      expect(p.value!, name).toBeCloseTo(resolved / n, 9);
    }
  });
});
