/**
 * A small Prometheus registry (text format 0.0.4): counters, gauges and
 * histograms with labels, plus gauges computed at scrape time. One registry
 * per process; each stage records into the metrics it is handed. No
 * dependency: the exposition format is a few lines of text.
 */
export type Labels = Record<string, string | number>;

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelKey = (l: Labels = {}) =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}="${esc(String(l[k]))}"`)
    .join(',');
const fmt = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');
const series = (name: string, key: string, value: number) => `${name}${key ? `{${key}}` : ''} ${fmt(value)}`;

interface Metric {
  readonly name: string;
  render(): string[];
}

abstract class Base implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: string,
  ) {}
  protected abstract lines(): string[];
  render(): string[] {
    const body = this.lines();
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...body];
  }
}

/** Monotonic count, per label set. */
export class Counter extends Base {
  private readonly values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels?: Labels, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  /** Mirrors a count kept elsewhere (e.g. a worker's own total since start). */
  set(labels: Labels | undefined, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  protected lines(): string[] {
    return [...this.values].map(([k, v]) => series(this.name, k, v));
  }
}

/** A value that goes up and down, per label set; `reset()` forgets label sets no longer present. */
export class Gauge extends Base {
  private values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  set(labels: Labels | undefined, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  reset(): void {
    this.values = new Map();
  }
  get(labels?: Labels): number | undefined {
    return this.values.get(labelKey(labels));
  }
  protected lines(): string[] {
    return [...this.values].map(([k, v]) => series(this.name, k, v));
  }
}

/** Distribution of durations (seconds) or sizes, per label set. */
export class Histogram extends Base {
  private readonly data = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    private readonly buckets: number[] = DEFAULT_BUCKETS,
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels | undefined, value: number): void {
    const k = labelKey(labels);
    let d = this.data.get(k);
    if (!d) this.data.set(k, (d = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => {
      if (value <= b) d.counts[i]++;
    });
    d.sum += value;
    d.count++;
  }
  /** Observations so far for a label set (tests, health details). */
  count(labels?: Labels): number {
    return this.data.get(labelKey(labels))?.count ?? 0;
  }
  protected lines(): string[] {
    const out: string[] = [];
    for (const [k, d] of this.data) {
      const withLe = (le: string) => (k ? `${k},le="${le}"` : `le="${le}"`);
      this.buckets.forEach((b, i) => out.push(series(`${this.name}_bucket`, withLe(String(b)), d.counts[i])));
      out.push(series(`${this.name}_bucket`, withLe('+Inf'), d.count), series(`${this.name}_sum`, k, d.sum), series(`${this.name}_count`, k, d.count));
    }
    return out;
  }
}

/** The per-process registry. Metric names are unique: asking for an existing name returns that metric. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Array<() => void | Promise<void>> = [];

  private getOrAdd<T extends Metric>(name: string, make: () => T): T {
    const m = this.metrics.get(name);
    if (m) return m as T;
    const created = make();
    this.metrics.set(name, created);
    return created;
  }
  counter(name: string, help: string): Counter {
    return this.getOrAdd(name, () => new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.getOrAdd(name, () => new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets?: number[]): Histogram {
    return this.getOrAdd(name, () => new Histogram(name, help, buckets));
  }
  /** Runs before each render (e.g. to refresh gauges from last known values); must not throw or hang. */
  onCollect(fn: () => void | Promise<void>): void {
    this.collectors.push(fn);
  }
  /** The exposition text. A failing collector leaves its gauges at their last values. */
  async render(): Promise<string> {
    await Promise.all(
      this.collectors.map(async (c) => {
        try {
          await c();
        } catch {
          /* last values stay */
        }
      }),
    );
    const lines: string[] = [];
    for (const m of this.metrics.values()) {
      const r = m.render();
      if (r.length > 2) lines.push(...r);
    }
    return lines.join('\n') + '\n';
  }
}

/** Seconds since `startNs` (a `process.hrtime.bigint()` reading). */
export const secondsSince = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;
