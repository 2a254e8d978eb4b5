import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { OutageLog, engineOf } from './outage-log.js';
import { OmnilaneError } from './errors.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('OutageLog', () => {
  it('writes one line per engine per interval during an outage, with the count of the others', async () => {
    vi.useFakeTimers();
    try {
      const { log, lines } = capture();
      const counted: string[] = [];
      const out = new OutageLog({ log, intervalMs: 10_000, onError: (e) => counted.push(e) });
      // 190 kafkajs errors in 24 s, and a few Redis errors at the same time
      for (let i = 0; i < 190; i++) {
        out.error('bus', new Error(`Connection error ${i}`), 'kafka Connection');
        if (i % 50 === 0) out.error('state', new Error('ECONNREFUSED'), 'redis error');
        await vi.advanceTimersByTimeAsync(24_000 / 190);
      }
      out.recovered('bus');
      out.recovered('state');
      const bus = lines.filter((l) => l.engine === 'bus');
      expect(bus.length).toBeLessThanOrEqual(7); // 3 windows: first line + summary each, + the recovery
      const summed = bus.filter((l) => typeof l.count === 'number').reduce((n, l) => n + (l.count as number), 0);
      const firsts = bus.filter((l) => l.level === 50 && l.count === undefined).length;
      expect(summed + firsts).toBe(190);
      expect(bus.at(-1)?.msg).toBe('bus is answering again');
      expect(lines.filter((l) => l.engine === 'state' && l.level === 50).length).toBeLessThanOrEqual(4); // 4 errors in 19 s: at most 2 windows × (first + summary)
      expect(counted.filter((e) => e === 'bus')).toHaveLength(190);
    } finally {
      vi.useRealTimers();
    }
  });
  it('maps catalogue codes to engines', () => {
    expect(engineOf(new OmnilaneError('BUS_ERR_UNAVAILABLE', 'x'))).toBe('bus');
    expect(engineOf(new OmnilaneError('ING_ERR_STATE_UNAVAILABLE', 'x'))).toBe('state');
    expect(engineOf(new OmnilaneError('WH_ERR_UNAVAILABLE', 'x'))).toBe('warehouse');
    expect(engineOf(new Error('x'))).toBeUndefined();
  });
});
