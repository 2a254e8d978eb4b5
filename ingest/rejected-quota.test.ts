import { describe, expect, it } from 'vitest';
import { cutText, RejectedQuota } from './rejected-quota.js';

const opts = { perSource: 3, unsignedBytes: 100, signedBytes: 1000, bytesPerWindow: 2500 };

describe('RejectedQuota', () => {
  it('keeps a few payloads per source per minute, then counts the rest as dropped', () => {
    const q = new RejectedQuota(opts);
    const kept = Array.from({ length: 10 }, () => q.decide('wechat|1.2.3.4', 'x', false, 0).keep);
    expect(kept.filter(Boolean)).toHaveLength(3);
    expect(q.stats.dropped.source).toBe(7);
    expect(q.decide('wechat|5.6.7.8', 'x', false, 0).keep).toBe(true); // another source has its own budget
    expect(q.decide('wechat|1.2.3.4', 'x', false, 60_000).keep).toBe(true); // next window
  });

  it('cuts unsigned payloads short and signed ones at their own cap', () => {
    const q = new RejectedQuota(opts);
    const u = q.decide('a', 'y'.repeat(200 * 1024), false, 0);
    const s = q.decide('b', 'y'.repeat(200 * 1024), true, 0);
    expect(u.keep && u.payload.length).toBe(100);
    expect(s.keep && s.payload.length).toBe(1000);
    expect(q.stats.truncated).toBe(2);
  });

  it('stops at the byte budget over all sources (many addresses cannot fill the disk)', () => {
    const q = new RejectedQuota(opts);
    let bytes = 0;
    for (let i = 0; i < 100; i++) {
      const d = q.decide(`src${i}`, 'z'.repeat(5000), true, 0);
      if (d.keep) bytes += d.payload.length;
    }
    expect(bytes).toBeLessThanOrEqual(opts.bytesPerWindow);
    expect(q.stats.dropped.total).toBeGreaterThan(90);
  });

  it('tracks a bounded number of sources', () => {
    const q = new RejectedQuota({ ...opts, maxSources: 100 });
    for (let i = 0; i < 10_000; i++) q.decide(`s${i}`, '', false, 0);
    expect((q as unknown as { sources: Map<string, unknown> }).sources.size).toBeLessThanOrEqual(100);
  });

  it('never splits a surrogate pair when cutting', () => {
    expect(cutText('ab😀', 3)).toBe('ab');
    expect(cutText('ab😀', 4)).toBe('ab😀');
  });
});
