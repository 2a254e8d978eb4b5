import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildJourneys, buildPaths, DAY_MS, DEFAULT_JOURNEY_CONFIG, journeysToPaths, type JourneyConfig, type JourneyEvent } from './journeys.js';
import { markovAttribution } from './markov.js';

let n = 0;
const ev = (customer: string, type: string, channel: string, at: number, properties: Record<string, unknown> = {}): JourneyEvent => ({
  id: `e${++n}`,
  customer_key: customer,
  type,
  channel,
  occurred_at: at,
  properties,
});

describe('buildJourneys', () => {
  it('turns the demo journey into site → chat → phone follow-up → deal', () => {
    const { journeys, stats } = buildJourneys([
      ev('c1', 'touchpoint', 'ad', 1000),
      ev('c1', 'touchpoint', 'web', 2000),
      ev('c1', 'conversation.started', 'wechat', 3000),
      ev('c1', 'message.received', 'wechat', 3001),
      ev('c1', 'opportunity.created', 'wechat', 4000, { value: 500 }),
      ev('c1', 'touchpoint', 'voice', 5000, { step: 'phone_follow_up' }),
      ev('c1', 'deal.won', 'wechat', 6000, { value: 500 }),
    ]);
    expect(journeys).toEqual([
      {
        customer_key: 'c1',
        path: ['ad', 'web', 'wechat_chat', 'phone_follow_up'],
        times: [1000, 2000, 3000, 5000],
        converted: true,
        value: 500,
        ended_at: 6000,
      },
    ]);
    expect(stats).toMatchObject({ customers: 1, converted: 1, nulls: 0, open: 0, unattributed_conversions: 0 });
  });

  it('orders by event time, not by arrival, and splits at each conversion', () => {
    const { journeys } = buildJourneys([
      ev('c1', 'deal.won', 'web', 50, { value: 7 }),
      ev('c1', 'touchpoint', 'email', 60),
      ev('c1', 'touchpoint', 'ad', 10),
      ev('c1', 'deal.won', 'web', 70, { value: '3' }),
      ev('c1', 'touchpoint', 'social', 20),
    ]);
    expect(journeys.map((j) => [j.path.join('>'), j.converted, j.value])).toEqual([
      ['ad>social', true, 7],
      ['email', true, 3],
    ]);
  });

  it('ends a journey without a conversion when its lookback runs out; an unfinished one is open', () => {
    const cfg: JourneyConfig = { ...DEFAULT_JOURNEY_CONFIG, lookbackMs: 100 };
    const { journeys, stats } = buildJourneys(
      [
        ev('a', 'touchpoint', 'ad', 0),
        ev('a', 'touchpoint', 'web', 100), // still inside [0, 100]
        ev('a', 'touchpoint', 'email', 150), // window ran out: new journey
        ev('a', 'deal.won', 'web', 160, { value: 10 }),
        ev('b', 'touchpoint', 'ad', 0),
        ev('b', 'deal.won', 'web', 500, { value: 4 }), // too late: unattributed
        ev('c', 'touchpoint', 'ad', 950), // open at asOf = 1000
        ev('d', 'touchpoint', 'ad', 2000), // after asOf: ignored
      ],
      cfg,
      1000,
    );
    expect(journeys.map((j) => [j.customer_key, j.path.join('>'), j.converted])).toEqual([
      ['a', 'ad>web', false],
      ['a', 'email', true],
      ['b', 'ad', false],
    ]);
    expect(stats).toEqual({ customers: 3, converted: 1, nulls: 2, open: 1, unattributed_conversions: 1, unattributed_value: 4 });
  });

  it('takes a configurable mapping of touchpoints and conversions', () => {
    const cfg: JourneyConfig = {
      touchpoints: {
        touchpoint: { label: '{prop.campaign}' },
        'message.sent': { label: 'agent_reply' },
        'conversation.started': (e) => (e.channel === 'sms' ? 'follow_up_sms' : null),
      },
      conversionTypes: ['opportunity.created'],
      valueProperty: 'amount',
      lookbackMs: DAY_MS,
    };
    const { journeys } = buildJourneys(
      [
        ev('c', 'touchpoint', 'ad', 1, { campaign: 'q4' }),
        ev('c', 'touchpoint', 'ad', 2), // no campaign: not a touch
        ev('c', 'conversation.started', 'web', 3),
        ev('c', 'conversation.started', 'sms', 4),
        ev('c', 'message.sent', 'sms', 5),
        ev('c', 'deal.won', 'sms', 6), // not a conversion here
        ev('c', 'opportunity.created', 'sms', 7, { amount: 99 }),
      ],
      cfg,
    );
    expect(journeys).toHaveLength(1);
    expect(journeys[0].path).toEqual(['q4', 'follow_up_sms', 'agent_reply']);
    expect(journeys[0].value).toBe(99);
  });

  it('counts an event id once', () => {
    const e1 = ev('c', 'touchpoint', 'ad', 1);
    const { journeys } = buildJourneys([e1, { ...e1 }, ev('c', 'deal.won', 'web', 2, { value: 1 })]);
    expect(journeys[0].path).toEqual(['ad']);
  });

  it('feeds the engine: Markov on journeys gives the known answer', () => {
    // A>B>A>B>B>A, A>B>B>A>A, A>A, all converting → order 1 credits A 2 and B 1.
    const seqs = ['ABABBA', 'ABBAA', 'AA'];
    const events = seqs.flatMap((s, i) => [
      ...[...s].map((ch, k) => ev(`k${i}`, 'touchpoint', ch.toLowerCase(), k * 10)),
      ev(`k${i}`, 'deal.won', 'web', 100, { value: 10 }),
    ]);
    const { paths } = buildPaths(events);
    const r = markovAttribution(paths);
    expect(r.channels.map((c) => [c.channel, Math.round(c.conversions * 1e9) / 1e9])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});

describe('journeys property', () => {
  const arbEvents = fc
    .array(
      fc.record({
        customer: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
        kind: fc.constantFrom('touch', 'touch', 'chat', 'step', 'won', 'other'),
        channel: fc.constantFrom('ad', 'web', 'email', 'wechat'),
        at: fc.integer({ min: 0, max: 2000 }),
        value: fc.integer({ min: 0, max: 1000 }),
      }),
      { maxLength: 60 },
    )
    .map((rs) =>
      rs.map((r, i): JourneyEvent => {
        const type =
          r.kind === 'touch' || r.kind === 'step' ? 'touchpoint' : r.kind === 'chat' ? 'conversation.started' : r.kind === 'won' ? 'deal.won' : 'message.sent';
        const properties = r.kind === 'won' ? { value: r.value } : r.kind === 'step' ? { step: 'phone_follow_up' } : {};
        return { id: `id${i}`, customer_key: r.customer, type, channel: r.channel, occurred_at: r.at, properties };
      }),
    );

  const totals = (events: JourneyEvent[], cfg: JourneyConfig, asOf: number) => {
    const { paths, stats } = buildPaths(events, cfg, asOf);
    const key = (p: { path: string[] }) => p.path.join('>');
    return {
      stats,
      paths: [...paths].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
    };
  };

  it('aggregates to the same paths and totals however the events are shuffled or repeated', () => {
    fc.assert(
      fc.property(arbEvents, fc.integer({ min: 50, max: 3000 }), fc.integer({ min: 500, max: 2500 }), fc.integer(), (events, lookbackMs, asOf, seed) => {
        const cfg = { ...DEFAULT_JOURNEY_CONFIG, lookbackMs };
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { seed, numRuns: 1 })[0];
        const withRepeats = [...shuffled, ...shuffled.slice(0, 5)];
        const a = totals(events, cfg, asOf);
        const b = totals(withRepeats, cfg, asOf);
        expect(b).toEqual(a);
        // every conversion in the window is either in a path or unattributed
        const won = new Set(events.filter((e) => e.type === 'deal.won' && e.occurred_at <= asOf).map((e) => e.id));
        const conv = a.paths.reduce((s, p) => s + p.conversions, 0);
        expect(conv + a.stats.unattributed_conversions).toBe(won.size);
        const value = events.filter((e) => won.has(e.id)).reduce((s, e) => s + Number(e.properties?.value ?? 0), 0);
        expect(a.paths.reduce((s, p) => s + p.value, 0) + a.stats.unattributed_value).toBe(value);
        // journeys are never longer than the lookback window
        for (const j of buildJourneys(events, cfg, asOf).journeys) expect(j.times[j.times.length - 1] - j.times[0]).toBeLessThanOrEqual(lookbackMs);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('journeysToPaths counts one journey once', () => {
    const { journeys } = buildJourneys([ev('x', 'touchpoint', 'ad', 1), ev('y', 'touchpoint', 'ad', 1)], DEFAULT_JOURNEY_CONFIG, 100 * DAY_MS);
    expect(journeysToPaths(journeys)).toEqual([{ path: ['ad'], conversions: 0, value: 0, nulls: 2 }]);
  });
});
