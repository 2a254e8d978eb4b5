import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../shared/metrics.js';
import { EngineMonitor, LagTracker } from './ops.js';

const never = () => new Promise<never>(() => undefined);

describe('EngineMonitor', () => {
  it('answers within the probe timeout with each engine marked, whatever hangs', async () => {
    const mon = new EngineMonitor({
      timeoutMs: 200,
      probes: [
        { name: 'bus', engine: 'Kafka 127.0.0.1:1', used: true, ping: never },
        { name: 'state', engine: 'Redis 127.0.0.1:2', used: true, ping: () => Promise.reject(new Error('ECONNREFUSED')) },
        { name: 'warehouse', engine: 'DuckDB', used: true },
      ],
    });
    const t0 = Date.now();
    const s = await mon.check();
    expect(Date.now() - t0).toBeLessThan(600);
    expect(s.bus).toMatchObject({ state: 'down', error: expect.stringMatching(/within 200 ms/) });
    expect(s.state).toMatchObject({ state: 'down', error: 'ECONNREFUSED' });
    expect(s.warehouse.state).toBe('up');
  });
  it('exports omnilane_engine_up', async () => {
    const metrics = new MetricsRegistry();
    new EngineMonitor({
      timeoutMs: 100,
      metrics,
      probes: [
        { name: 'bus', engine: 'Kafka x:1', used: true, ping: never },
        { name: 'state', engine: 'not used', used: false },
      ],
    });
    const text = await metrics.render();
    expect(text).toContain('omnilane_engine_up{engine="bus",kind="Kafka"} 0');
    expect(text).not.toContain('engine="state"');
  });
});

describe('LagTracker', () => {
  it('returns the last known lag, marked stale, when the bus stops answering; one request at a time', async () => {
    let calls = 0;
    let hang = false;
    const tracker = new LagTracker({
      timeoutMs: 100,
      source: async () => {
        calls++;
        if (hang) return never();
        return [{ topic: 'events', partition: 0, committed: 5, end: 9, lag: 4 }];
      },
    });
    expect(await tracker.read()).toMatchObject({ total: 4, stale: false });
    hang = true;
    const [a, b] = await Promise.all([tracker.read(), tracker.read()]);
    expect(a).toMatchObject({ total: 4, stale: true });
    expect(b.stale).toBe(true);
    await tracker.read();
    expect(calls).toBe(2); // the hanging request is shared, never piled up
  });
});
