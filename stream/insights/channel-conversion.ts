import { holmAdjust } from '../experiments/stats/multiple.js';
import { twoProportionSampleSize, twoProportionTest } from '../experiments/stats/tests.js';

export interface ChannelCounts {
  channel: string;
  inquiries: number;
  /** Converted inquiries (the funnel's deals by default, or opportunities). */
  converted: number;
}

export interface InsightOptions {
  alpha: number;
  /** The relative drop the minimum sample is sized to detect with 80 % power (0.3: conversion 30 % below the rest). */
  detectableDrop: number;
}

export const DEFAULT_INSIGHT_OPTIONS: InsightOptions = { alpha: 0.05, detectableDrop: 0.3 };

export interface ChannelResult {
  channel: string;
  inquiries: number;
  share: number;
  rate: number;
  rest_rate: number;
  /** Inquiries the channel needs before it is tested (two-proportion test sized for `detectableDrop` at α with 80 % power). */
  min_sample: number;
  /** high_volume: inquiries at or above the mean per channel; tested: enough inquiries for the test. */
  high_volume: boolean;
  tested: boolean;
  z: number | null;
  p_value: number | null;
  adjusted_p: number | null;
  finding: boolean;
}

/**
 * A channel whose inquiry volume is high but whose conversion is significantly below the others: each channel
 * with enough inquiries is compared with all other channels pooled (pooled two-proportion z-test), the p-values
 * Holm-adjusted across the tested channels; a finding needs adjusted p ≤ α, a rate below the rest and high
 * volume. Pure.
 */
export function channelConversionInsight(counts: readonly ChannelCounts[], o: InsightOptions = DEFAULT_INSIGHT_OPTIONS): ChannelResult[] {
  const total = counts.reduce((s, c) => s + c.inquiries, 0);
  const totalConverted = counts.reduce((s, c) => s + c.converted, 0);
  const meanVolume = counts.length ? total / counts.length : 0;
  const rows = counts.map((c) => {
    const restN = total - c.inquiries;
    const restX = totalConverted - c.converted;
    const restRate = restN > 0 ? restX / restN : 0;
    const target = restRate * (1 - o.detectableDrop);
    const minSample = restRate > 0 && restRate < 1 ? twoProportionSampleSize(restRate, target, o.alpha) : Infinity;
    const tested = restN > 0 && c.inquiries >= minSample && restN >= minSample;
    const test = tested ? twoProportionTest(c.converted, c.inquiries, restX, restN) : null;
    return { c, restRate, minSample, tested, test };
  });
  const tested = rows.filter((r) => r.tested);
  const adjusted = holmAdjust(tested.map((r) => r.test!.pValue));
  const adjOf = new Map(tested.map((r, i) => [r.c.channel, adjusted[i]]));
  return rows
    .map((r) => {
      const adj = adjOf.get(r.c.channel) ?? null;
      const highVolume = r.c.inquiries >= meanVolume && r.c.inquiries > 0;
      const rate = r.c.inquiries > 0 ? r.c.converted / r.c.inquiries : 0;
      return {
        channel: r.c.channel,
        inquiries: r.c.inquiries,
        share: total > 0 ? r.c.inquiries / total : 0,
        rate,
        rest_rate: r.restRate,
        min_sample: Number.isFinite(r.minSample) ? r.minSample : -1,
        high_volume: highVolume,
        tested: r.tested,
        z: r.test?.z ?? null,
        p_value: r.test?.pValue ?? null,
        adjusted_p: adj,
        finding: adj !== null && adj <= o.alpha && rate < r.restRate && highVolume,
      };
    })
    .sort((a, b) => b.inquiries - a.inquiries || a.channel.localeCompare(b.channel));
}
