import { describe, expect, it } from 'vitest';
import { logNormal, seededRng, type Rng } from '../../shared/random.js';
import { agentDealCycleInsight, MIN_DEALS, type DealCycle } from './agent-deal-cycle.js';
import { channelConversionInsight, type ChannelCounts } from './channel-conversion.js';

/**
 * No finding on noise: over many seeds, generated data with a planted effect shows the finding (power) and
 * data without one shows any finding in at most α of the seeds (Holm holds the family-wise rate), within
 * 3 Monte-Carlo standard errors.
 */
const ALPHA = 0.05;
const SEEDS = 300;
const mcError = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / SEEDS);
const binomial = (rng: Rng, n: number, p: number) => {
  let x = 0;
  for (let i = 0; i < n; i++) if (rng() < p) x++;
  return x;
};

const VOLUMES: Array<[string, number]> = [
  ['wechat', 1500],
  ['web', 1000],
  ['sms', 500],
  ['email', 400],
  ['app', 250],
];

function channels(rng: Rng, planted: boolean): ChannelCounts[] {
  return VOLUMES.map(([channel, n]) => ({ channel, inquiries: n, converted: binomial(rng, n, planted && channel === 'wechat' ? 0.065 : 0.1) }));
}

function deals(rng: Rng, planted: boolean): DealCycle[] {
  const out: DealCycle[] = [];
  for (let a = 0; a < 6; a++) {
    const median = planted && a === 0 ? 4.5 : 9;
    for (let i = 0; i < 30; i++)
      out.push({ deal_id: `d${a}-${i}`, agent: `agent${a}`, cycle_ms: Math.round(logNormal(rng, median, 0.7) * 86_400_000), conversation_id: `conv${a}-${i}` });
  }
  return out;
}

describe('insights find planted effects and nothing on noise (seeded, over many seeds)', () => {
  it('a high-volume channel with lower conversion is found; A/A channels give a finding in ≤ α of the seeds', () => {
    let found = 0;
    let wrongChannel = 0;
    let falseAny = 0;
    for (let s = 0; s < SEEDS; s++) {
      const withEffect = channelConversionInsight(channels(seededRng(1000 + s), true));
      if (withEffect.find((c) => c.channel === 'wechat')!.finding) found++;
      if (withEffect.some((c) => c.channel !== 'wechat' && c.finding)) wrongChannel++;
      if (channelConversionInsight(channels(seededRng(5000 + s), false)).some((c) => c.finding)) falseAny++;
    }
    expect(found / SEEDS).toBeGreaterThan(0.9);
    expect(wrongChannel / SEEDS).toBeLessThanOrEqual(ALPHA + mcError);
    expect(falseAny / SEEDS).toBeLessThanOrEqual(ALPHA + mcError);
  });

  it('an agent with shorter deal cycles is found with links to their fastest conversations; A/A agents in ≤ α of the seeds', () => {
    let found = 0;
    let falseAny = 0;
    for (let s = 0; s < SEEDS; s++) {
      const withEffect = agentDealCycleInsight(deals(seededRng(9000 + s), true));
      const a0 = withEffect.find((a) => a.agent === 'agent0')!;
      if (a0.finding) {
        found++;
        expect(a0.conversations).toHaveLength(5);
        expect(a0.median_cycle_ms).toBeLessThan(a0.rest_median_cycle_ms);
      }
      if (agentDealCycleInsight(deals(seededRng(13000 + s), false)).some((a) => a.finding)) falseAny++;
    }
    expect(found / SEEDS).toBeGreaterThan(0.9);
    expect(falseAny / SEEDS).toBeLessThanOrEqual(ALPHA + mcError);
  });

  it('does not test below the minimum sample, however extreme the rate', () => {
    const r = channelConversionInsight([
      { channel: 'web', inquiries: 5000, converted: 500 },
      { channel: 'voice', inquiries: 20, converted: 0 },
    ]);
    const voice = r.find((c) => c.channel === 'voice')!;
    expect(voice.min_sample).toBeGreaterThan(20);
    expect(voice.tested).toBe(false);
    expect(voice.finding).toBe(false);
    const few = agentDealCycleInsight([
      ...Array.from({ length: MIN_DEALS - 1 }, (_, i) => ({ deal_id: `a${i}`, agent: 'quick', cycle_ms: 1, conversation_id: `c${i}` })),
      ...Array.from({ length: 40 }, (_, i) => ({ deal_id: `b${i}`, agent: 'slow', cycle_ms: 1e9 + i, conversation_id: `d${i}` })),
    ]);
    expect(few.find((a) => a.agent === 'quick')!.tested).toBe(false);
  });

  it('a channel with lower conversion but low volume is not a finding (the seed asks for high volume)', () => {
    const r = channelConversionInsight([
      { channel: 'web', inquiries: 5000, converted: 1000 },
      { channel: 'wechat', inquiries: 4000, converted: 800 },
      { channel: 'sms', inquiries: 1500, converted: 150 },
    ]);
    const sms = r.find((c) => c.channel === 'sms')!;
    expect(sms.adjusted_p!).toBeLessThan(0.001);
    expect(sms.high_volume).toBe(false);
    expect(sms.finding).toBe(false);
  });
});
