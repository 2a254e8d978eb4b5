import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerKey, type EventInput } from '../../shared/envelope.js';
import { seededRng } from '../../shared/random.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { assignmentPoint, assignVariant } from './assignment.js';
import { parseExperiment, type ExperimentDefinition } from './definition.js';
import { customerFromKey, ExperimentAssigner } from './exposure.js';
import type { ExperimentUnit } from './outcomes.js';
import { experimentReport } from './report.js';
import { sampleRatioCheck } from './stats/srm.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const clockAt = (t: number) => ({ now: () => t });

function definition(over: Record<string, unknown> = {}): ExperimentDefinition {
  const r = parseExperiment(
    {
      id: 'script-test',
      name: '报价话术 A/B',
      target: 'reply_script',
      primary_metric: 'deal_rate',
      variants: [
        { id: 'control', weight: 1, config: { script: 'old' } },
        { id: 'warm', weight: 1, config: { script: 'warm' } },
      ],
      started_at: new Date(T0).toISOString(),
      ...over,
    },
    { salt: 'salt-0001', now: T0 },
  );
  if (!r.ok) throw new Error(r.message);
  return r.definition;
}

describe('experiment definitions', () => {
  it('fills defaults and refuses bad input with EXP_ERR_INVALID', () => {
    const d = definition();
    expect(d).toMatchObject({ status: 'running', alpha: 0.05, min_days: 7, max_days: 42, salt: 'salt-0001', started_at: T0 });
    expect(d.metrics[0]).toBe('inquiry_to_opportunity');
    for (const bad of [
      { variants: [{ id: 'only', weight: 1, config: { script: 'x' } }] },
      {
        variants: [
          { id: 'a', weight: 1, config: { script: 'x' } },
          { id: 'a', weight: 1, config: { script: 'y' } },
        ],
      },
      {
        variants: [
          { id: 'a', weight: 1, config: {} },
          { id: 'b', weight: 1, config: { script: 'y' } },
        ],
      },
      { target: 'bot' },
      { id: 'Has Spaces' },
      { min_days: 10, max_days: 5 },
    ]) {
      const r = parseExperiment(
        {
          id: 'x',
          name: 'x',
          target: 'reply_script',
          primary_metric: 'deal_rate',
          variants: [
            { id: 'a', weight: 1, config: { script: 'x' } },
            { id: 'b', weight: 1, config: { script: 'y' } },
          ],
          ...bad,
        },
        { salt: 'salt-0001', now: T0 },
      );
      expect(r.ok ? 'accepted' : r.code).toBe('EXP_ERR_INVALID');
    }
  });
});

describe('assignment by hash', () => {
  it('is stable, follows the weights (no SRM over 20,000 customers) and is independent across salts', () => {
    const d = definition({
      variants: [
        { id: 'control', weight: 3, config: { script: 'a' } },
        { id: 'b', weight: 1, config: { script: 'b' } },
      ],
    });
    const other = { ...d, salt: 'another-salt' };
    const counts = [0, 0];
    let bothB = 0;
    for (let i = 0; i < 20_000; i++) {
      const key = `ext:customer-${i}`;
      const v = assignVariant(d, key);
      expect(assignVariant(d, key).id).toBe(v.id);
      counts[v.id === 'control' ? 0 : 1]++;
      if (v.id === 'b' && assignVariant(other, key).id === 'b') bothB++;
    }
    expect(sampleRatioCheck(counts, [3, 1]).mismatch).toBe(false);
    // Independent salts: P(b in both) ≈ ¼ · ¼ = 1/16 (±4 standard errors).
    expect(Math.abs(bothB / 20_000 - 1 / 16)).toBeLessThan(4 * Math.sqrt(((1 / 16) * (15 / 16)) / 20_000));
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, id) => {
        const p = assignmentPoint(salt, id);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(1);
      }),
    );
  });

  it('turns a customer key back into a customer with the same key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ external_id: fc.string({ minLength: 1, maxLength: 20 }) }),
          fc.record({ anonymous_id: fc.string({ minLength: 1, maxLength: 20 }) }),
          fc.record({ channel_ids: fc.record({ wechat: fc.string({ minLength: 1, maxLength: 20 }) }) }),
        ),
        (c) => {
          const key = customerKey(c)!;
          expect(customerKey(customerFromKey(key)!)).toBe(key);
        },
      ),
    );
    expect(customerKey(customerFromKey('email:li@example.cn')!)).toBe('email:li@example.cn');
    expect(customerKey(customerFromKey('phone:+8613800000000')!)).toBe('phone:+8613800000000');
  });
});

describe('the exposure hook', () => {
  it('answers the variant and logs experiment.exposed once per customer per experiment', async () => {
    const clock = clockAt(T0 + DAY);
    const state = new MemoryStateStore({ clock });
    const published: EventInput[] = [];
    const d = definition();
    const hook = new ExperimentAssigner({
      experiments: async () => [
        d,
        {
          ...d,
          id: 'bot-test',
          target: 'bot',
          variants: [
            { id: 'off', weight: 1, config: { enabled: false } },
            { id: 'on', weight: 1, config: { enabled: true } },
          ],
        },
      ],
      state,
      clock,
      publish: async (_p, evs) => void published.push(...evs),
    });
    const a = await hook.variantFor('reply_script', 'ext:c1', { channel: 'wechat' });
    const b = await hook.variantFor('reply_script', 'ext:c1', { channel: 'sms' });
    expect(a).toMatchObject({ experiment_id: 'script-test', first_exposure: true });
    expect(b).toMatchObject({ experiment_id: 'script-test', variant: a!.variant, first_exposure: false });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      id: 'exp:script-test:ext:c1',
      type: 'experiment.exposed',
      channel: 'wechat',
      properties: { experiment_id: 'script-test', variant: a!.variant },
    });
    expect(await hook.variantFor('routing_policy', 'ext:c1', { channel: 'web' })).toBeNull();
    expect((await hook.variantFor('bot', 'ext:c1', { channel: 'web' }))!.experiment_id).toBe('bot-test');
    expect(published).toHaveLength(2);
  });

  it('releases the claim when publishing fails, so the next call logs the exposure', async () => {
    const clock = clockAt(T0 + DAY);
    const state = new MemoryStateStore({ clock });
    let fail = true;
    const published: EventInput[] = [];
    const hook = new ExperimentAssigner({
      experiments: async () => [definition()],
      state,
      clock,
      publish: async (_p, evs) => {
        if (fail) throw new Error('bus down');
        published.push(...evs);
      },
    });
    await expect(hook.variantFor('reply_script', 'ext:c2', { channel: 'web' })).rejects.toThrow('bus down');
    fail = false;
    expect((await hook.variantFor('reply_script', 'ext:c2', { channel: 'web' }))!.first_exposure).toBe(true);
    expect(published).toHaveLength(1);
  });
});

/** Units over `days` days: `perDay` per variant, deal rates and first responses as given. */
function units(days: number, perDay: number, rates: Record<string, number>, seed = 7, frSeconds: Record<string, number> = {}): ExperimentUnit[] {
  const rng = seededRng(seed);
  const out: ExperimentUnit[] = [];
  for (let d = 0; d < days; d++)
    for (const [variant, p] of Object.entries(rates))
      for (let i = 0; i < perDay; i++) {
        const exposed = T0 + d * DAY + Math.floor(rng() * DAY * 0.5);
        const deal = rng() < p;
        out.push({
          customer_key: `ext:${variant}-${d}-${i}`,
          variant,
          exposed_at: exposed,
          opportunity_at: deal || rng() < 0.2 ? exposed + 3600_000 : null,
          deal_at: deal ? exposed + 7200_000 : null,
          deal_value: deal ? 1000 : 0,
          csat_at: null,
          csat_score: null,
          asked_at: exposed + 1000,
          replied_at: exposed + 1000 + (frSeconds[variant] ?? 60) * 1000 * (0.5 + rng()),
        });
      }
  return out;
}

describe('the experiment report and its call', () => {
  it('ships a treatment that wins on the primary metric after the minimum days, with a daily timeline', () => {
    const d = definition();
    const r = experimentReport(d, units(10, 200, { control: 0.1, warm: 0.16 }), T0 + 10 * DAY);
    expect(r.srm.mismatch).toBe(false);
    const primary = r.metrics.find((m) => m.primary)!;
    expect(primary.comparisons[0]).toMatchObject({ variant: 'warm', verdict: 'better' });
    expect(primary.comparisons[0].probability_to_beat).toBeGreaterThan(0.99);
    expect(r.decision).toMatchObject({ call: 'ship', variant: 'warm' });
    const days = new Set(r.timeline.filter((p) => p.metric === 'deal_rate').map((p) => p.at));
    expect(days.size).toBe(10);
  });

  it('keeps running before the minimum days, and stops on a sample-ratio mismatch', () => {
    const d = definition();
    expect(experimentReport(d, units(3, 400, { control: 0.1, warm: 0.2 }), T0 + 3 * DAY).decision.call).toBe('keep_running');
    const skewed = units(10, 200, { control: 0.1, warm: 0.1 }).filter((u) => u.variant === 'control' || !/[05]$/.test(u.customer_key));
    const r = experimentReport(d, skewed, T0 + 10 * DAY);
    expect(r.srm.mismatch).toBe(true);
    expect(r.decision.call).toBe('stop');
  });

  it('stops a treatment that is significantly worse on a lower-is-better metric', () => {
    const d = definition({ primary_metric: 'first_response' });
    const r = experimentReport(d, units(10, 200, { control: 0.1, warm: 0.1 }, 9, { control: 60, warm: 120 }), T0 + 10 * DAY);
    const fr = r.metrics.find((m) => m.metric === 'first_response')!;
    expect(fr.higher_is_better).toBe(false);
    expect(fr.comparisons[0].verdict).toBe('worse');
    expect(r.decision.call).toBe('stop');
  });

  it('keeps control after max_days without a win (A/A)', () => {
    const d = definition({ max_days: 10 });
    const r = experimentReport(d, units(10, 100, { control: 0.1, warm: 0.1 }, 11), T0 + 10 * DAY);
    expect(r.decision).toMatchObject({ call: 'stop', variant: 'control' });
  });
});
