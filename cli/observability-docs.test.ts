import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { projectRoot } from '../shared/paths.js';

const root = projectRoot();
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(join(root, p)).isDirectory()) return sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
  });
}
const code = ['shared', 'stream', 'ingest', 'api', 'cli', 'warehouse']
  .flatMap(sources)
  .map((p) => readFileSync(join(root, p), 'utf8'))
  .join('\n');
const names = (text: string) => [...new Set([...text.matchAll(/omnilane_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')))];

describe('operator documentation matches the metrics the code exports', () => {
  it.each(names(readFileSync(join(root, 'docs', 'grafana-dashboard.json'), 'utf8')))('the Grafana dashboard metric %s is exported', (name) => {
    expect(code).toContain(`'${name}'`);
  });
  it.each(names(readFileSync(join(root, 'docs', 'operations.md'), 'utf8')))('the documented metric %s is exported', (name) => {
    expect(code).toContain(`'${name}'`);
  });
  it('every metric the code registers is documented in docs/operations.md', () => {
    const doc = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
    const registered = [...code.matchAll(/\.(?:counter|gauge|histogram)\('(omnilane_[a-z_]+)'/g)].map((m) => m[1]);
    expect(registered.length).toBeGreaterThan(10);
    for (const n of new Set(registered)) expect(doc, `${n} is not in docs/operations.md`).toContain(`\`${n}\``);
  });
});

describe('outage and observability configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      bus: { publishTimeoutMs: 5000 },
      redis: { commandTimeoutMs: 2000 },
      kafka: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 10_000 },
      observability: { streamMetricsPort: 9464, probeTimeoutMs: 700, sinkStallWarnMs: 15_000, outageLogIntervalMs: 10_000 },
    });
  });
  it('keeps the heartbeat under a third of the session and names bad values', () => {
    expect(loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '2000' }).kafka.heartbeatIntervalMs).toBe(666);
    expect(() => loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '3000', KAFKA_HEARTBEAT_INTERVAL_MS: '1500' })).toThrow(
      /KAFKA_HEARTBEAT_INTERVAL_MS: must be at most a third/,
    );
    expect(() => loadConfig({ BUS_PUBLISH_TIMEOUT_MS: '10' })).toThrow(/BUS_PUBLISH_TIMEOUT_MS: must be between/);
    expect(() => loadConfig({ STREAM_METRICS_PORT: 'x' })).toThrow(/STREAM_METRICS_PORT: must be an integer/);
  });
  it('every variable is in the README configuration table', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const v of [
      'BUS_PUBLISH_TIMEOUT_MS',
      'REDIS_COMMAND_TIMEOUT_MS',
      'KAFKA_SESSION_TIMEOUT_MS',
      'KAFKA_HEARTBEAT_INTERVAL_MS',
      'KAFKA_REBALANCE_TIMEOUT_MS',
      'STREAM_METRICS_PORT',
      'PROBE_TIMEOUT_MS',
      'SINK_STALL_WARN_SECONDS',
      'OUTAGE_LOG_INTERVAL_SECONDS',
    ]) {
      expect(readme).toContain(`| \`${v}\` |`);
    }
  });
});
