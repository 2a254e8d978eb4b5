import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * Issue 11's first finding, as a user met it: a past day of conversations posted today (shuffled, some posted
 * twice) to a running instance whose watermark is already at "now". Every KPI the API serves for that day, per
 * channel, must equal a recount done here in plain JS from the generated events, independent of the pipeline's
 * code and SQL.
 */
let om: TestOmnilane;
const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;
// Local midnight in Asia/Shanghai, eight days ago.
const DAY_START = Math.floor((Date.now() + SHANGHAI) / DAY) * DAY - SHANGHAI - 8 * DAY;
const CHANNELS = ['web', 'wechat', 'sms', 'email', 'whatsapp'];

/** A small LCG: the data must not come from the project's own generators. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Ev {
  id: string;
  type: string;
  channel: string;
  occurred_at: string;
  customer: Record<string, string>;
  conversation_id: string;
  agent_id?: string;
  properties: Record<string, unknown>;
}

function pastDay(): Ev[] {
  const r = lcg(20261118);
  const out: Ev[] = [];
  for (let c = 0; c < 260; c++) {
    const channel = CHANNELS[Math.floor(r() * CHANNELS.length)];
    const t = DAY_START + Math.floor(r() * (DAY - 3_600_000));
    const conv = `past-${c}`;
    const customer = { external_id: `past-customer-${c}` };
    const e = (n: number, type: string, at: number, properties: Record<string, unknown> = {}, agent?: string): Ev => ({
      id: `${conv}-${n}`,
      type,
      channel,
      occurred_at: new Date(at).toISOString(),
      customer,
      conversation_id: conv,
      properties,
      ...(agent ? { agent_id: agent } : {}),
    });
    out.push(e(0, 'conversation.started', t), e(1, 'message.received', t + 2000, { text: c % 2 ? '请问企业版多少钱？' : 'How much is the pro plan?' }));
    out.push(e(2, 'message.sent', t + 2000 + Math.floor(r() * 120_000), { text: '您好' }, '王芳'));
    if (r() < 0.5) out.push(e(3, 'opportunity.created', t + 600_000, { value: 1000 }, '王芳'));
    if (r() < 0.25) out.push(e(4, 'deal.won', t + 1_200_000, { value: Math.round(r() * 90_000) / 4 }, '王芳'));
    if (r() < 0.4) out.push(e(5, 'csat.submitted', t + 1_500_000, { score: 1 + Math.floor(r() * 5) }));
    if (r() < 0.3) out.push(e(6, 'nps.submitted', t + 1_600_000, { score: Math.floor(r() * 11) }));
    if (r() < 0.1) out.push(e(7, 'complaint.filed', t + 1_700_000, { text: '投诉' }));
  }
  return out;
}

beforeAll(async () => {
  om = await startTestOmnilane({});
});
afterAll(async () => {
  await om?.cleanup();
});

const get = async (path: string) => {
  const res = await om.get(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as { series: Array<Record<string, number | string | null>> };
};

describe('a past day posted today counts in its own day (issue 11)', () => {
  it('every counter KPI per channel equals an independent recount of the posted events', async () => {
    // Live traffic first: the partitions' watermarks are at "now", eight days past the backfilled day.
    const now = Date.now();
    const live = CHANNELS.map((channel, i) => ({
      id: `live-${i}`,
      type: 'conversation.started',
      channel,
      occurred_at: new Date(now).toISOString(),
      customer: { external_id: `live-${i}` },
      conversation_id: `live-${i}`,
      properties: {},
    }));
    expect((await om.post('/v1/events', { events: live })).status).toBe(202);
    await om.drained();

    const events = pastDay();
    const r = lcg(7);
    const shuffled = [...events, ...events.filter(() => r() < 0.05)].sort(() => r() - 0.5);
    for (let i = 0; i < shuffled.length; i += 200) expect((await om.post('/v1/events', { events: shuffled.slice(i, i + 200) })).status).toBe(202);
    await om.drained();
    await new Promise((ok) => setTimeout(ok, 300));

    const want = new Map<
      string,
      {
        inquiries: number;
        opportunities: number;
        deals: number;
        value: number;
        csatN: number;
        csatSum: number;
        npsN: number;
        promoters: number;
        detractors: number;
        complaints: number;
      }
    >();
    for (const e of events) {
      const w = want.get(e.channel) ?? {
        inquiries: 0,
        opportunities: 0,
        deals: 0,
        value: 0,
        csatN: 0,
        csatSum: 0,
        npsN: 0,
        promoters: 0,
        detractors: 0,
        complaints: 0,
      };
      want.set(e.channel, w);
      const score = Number(e.properties.score);
      if (e.type === 'conversation.started') w.inquiries++;
      if (e.type === 'opportunity.created') w.opportunities++;
      if (e.type === 'deal.won') {
        w.deals++;
        w.value += Number(e.properties.value);
      }
      if (e.type === 'csat.submitted') {
        w.csatN++;
        w.csatSum += score;
      }
      if (e.type === 'nps.submitted') {
        w.npsN++;
        if (score >= 9) w.promoters++;
        if (score <= 6) w.detractors++;
      }
      if (e.type === 'complaint.filed') w.complaints++;
    }

    const q = `from=${new Date(DAY_START).toISOString()}&to=${new Date(DAY_START + DAY).toISOString()}&granularity=day&group_by=channel`;
    const byChannel = async (kpi: string) => {
      const body = await get(`/v1/metrics/${kpi}?${q}`);
      for (const row of body.series) expect(row.bucket).toBe(new Date(DAY_START).toISOString());
      return new Map(body.series.map((row) => [String(row.group), row]));
    };
    const [inquiries, i2o, deals, csat, nps, complaints] = await Promise.all(
      ['inquiries', 'inquiry_to_opportunity', 'deals', 'csat', 'nps', 'complaint_rate'].map(byChannel),
    );
    for (const [channel, w] of want) {
      expect(Number(inquiries.get(channel)?.value), `${channel} inquiries`).toBe(w.inquiries);
      expect(Number(i2o.get(channel)?.numerator), `${channel} opportunities`).toBe(w.opportunities);
      expect(Number(deals.get(channel)?.value ?? 0), `${channel} deals`).toBe(w.deals);
      expect(Number(deals.get(channel)?.value_sum ?? 0), `${channel} deal value`).toBeCloseTo(w.value, 6);
      if (w.csatN) expect(Number(csat.get(channel)?.value), `${channel} csat`).toBeCloseTo(w.csatSum / w.csatN, 9);
      if (w.npsN) expect(Number(nps.get(channel)?.value), `${channel} nps`).toBeCloseTo((100 * (w.promoters - w.detractors)) / w.npsN, 9);
      expect(Number(complaints.get(channel)?.numerator ?? 0), `${channel} complaints`).toBe(w.complaints);
    }
    // They arrived late, and the record says so; they count all the same.
    expect(om.worker.lateEvents).toBeGreaterThan(events.length * 0.9);
  });
});
