import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics.js';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', async () => {
    const m = new MetricsRegistry();
    m.counter('a_total', 'A.').inc({ engine: 'bus' }, 2);
    m.gauge('lag', 'Lag.').set({ topic: 'events', partition: 0 }, 7);
    const h = m.histogram('d_seconds', 'D.', [0.1, 1]);
    h.observe({ topic: 'events' }, 0.05);
    h.observe({ topic: 'events' }, 0.5);
    const text = await m.render();
    expect(text).toContain('# TYPE a_total counter\na_total{engine="bus"} 2');
    expect(text).toContain('lag{partition="0",topic="events"} 7');
    expect(text).toContain('d_seconds_bucket{topic="events",le="0.1"} 1');
    expect(text).toContain('d_seconds_bucket{topic="events",le="1"} 2');
    expect(text).toContain('d_seconds_bucket{topic="events",le="+Inf"} 2');
    expect(text).toContain('d_seconds_count{topic="events"} 2');
  });
  it('escapes label values and leaves out metrics without samples', async () => {
    const m = new MetricsRegistry();
    m.gauge('g', 'G.').set({ v: 'a"b\\c\nd' }, 1);
    m.counter('never_total', 'Never.');
    const text = await m.render();
    expect(text).toContain('g{v="a\\"b\\\\c\\nd"} 1');
    expect(text).not.toContain('never_total');
  });
  it('a failing collector does not fail the render', async () => {
    const m = new MetricsRegistry();
    m.gauge('g', 'G.').set(undefined, 3);
    m.onCollect(() => {
      throw new Error('engine down');
    });
    expect(await m.render()).toContain('g 3');
  });
});
