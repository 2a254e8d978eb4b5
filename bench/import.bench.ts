/**
 * Import bench: a month of generated history (default 1,000,000 events, JSON lines) through
 * `omnilane import` on the embedded default, as a child process on a fresh DATA_DIR, timed from start to
 * "every event queryable". Then the warehouse is checked: stored events equal the distinct ids, and the
 * stream's KPI minutes equal their batch recount (compareKpisWithRecount; point it at another reference
 * query when the recount changes).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { compareKpisWithRecount, DEFAULT_KPI_RECOUNT, type KpiRecountQueries } from './kpi-recount.js';

const CHANNELS = ['web', 'app', 'sms', 'email', 'whatsapp', 'wechat', 'voice'];
const TYPES = [
  'conversation.started',
  'message.received',
  'message.sent',
  'message.received',
  'message.sent',
  'opportunity.created',
  'deal.won',
  'csat.submitted',
  'nps.submitted',
  'complaint.filed',
];
const DAY = 86_400_000;

/** Writes `n` events spread evenly over the 30 days before `now`, in event-time order; returns the file size. */
async function generate(path: string, n: number, now: number): Promise<{ bytes: number; from: number; to: number }> {
  const from = Math.floor((now - 30 * DAY) / 60_000) * 60_000;
  const step = (30 * DAY) / n;
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const type = TYPES[i % TYPES.length];
    const c = i % 20_000;
    const properties: Record<string, unknown> =
      type === 'csat.submitted'
        ? { score: 1 + (i % 5) }
        : type === 'nps.submitted'
          ? { score: i % 11 }
          : type === 'deal.won' || type === 'opportunity.created'
            ? { value: 1000 + (i % 9000) }
            : { text: '您好，我想咨询一下企业版的价格和交付周期', source: i % 3 ? 'baidu' : 'wechat_ads' };
    chunk.push(
      JSON.stringify({
        id: `imp-${i}`,
        type,
        channel: CHANNELS[c % CHANNELS.length],
        occurred_at: new Date(from + Math.floor(i * step)).toISOString(),
        customer: { external_id: `cust-${c}` },
        conversation_id: `conv-${c}-${Math.floor(i / 200_000)}`,
        agent_id: type === 'message.sent' ? `agent-${c % 23}` : undefined,
        properties,
      }),
    );
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
    }
  }
  out.end(chunk.length ? chunk.join('\n') + '\n' : '');
  await new Promise<void>((r) => out.once('finish', () => r()));
  return { bytes: statSync(path).size, from, to: from + 30 * DAY };
}

export interface ImportBenchResult {
  events: number;
  file_mib: number;
  seconds_to_queryable: number;
  events_per_s: number;
  stored_events: number;
  kpi_rows_compared: number;
  kpi_events: number;
  kpis_equal_recount: boolean;
  kpi_reference: KpiRecountQueries;
  kpi_mismatches: unknown[];
}

export async function runImportBench(opts: { events?: number; log?: (l: string) => void; kpiQueries?: KpiRecountQueries } = {}): Promise<ImportBenchResult> {
  const n = opts.events ?? 1_000_000;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-import-bench-'));
  try {
    const file = join(dir, 'history.jsonl');
    log(`import: generating ${n.toLocaleString('en-US')} events…`);
    const g = await generate(file, n, Date.now());
    log(`import: importing ${(g.bytes / 2 ** 20).toFixed(0)} MiB into a fresh DATA_DIR…`);
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'import', file, '--json'], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', ROUTING_ENABLED: 'false' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((r) => child.once('close', r));
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`omnilane import exited with ${code}: ${stdout}`);
    const summary = JSON.parse(stdout) as { accepted: number; rejected: number };
    if (summary.accepted !== n || summary.rejected !== 0) throw new Error(`import accepted ${summary.accepted} of ${n}, rejected ${summary.rejected}`);
    const wh = await DuckDbWarehouse.open(join(dir, 'data', 'warehouse', 'omnilane.duckdb'));
    try {
      const [row] = await wh.query<{ events: number | bigint }>('events_count', { producer: null });
      const q = opts.kpiQueries ?? DEFAULT_KPI_RECOUNT;
      const kpi = await compareKpisWithRecount(wh, g.from - DAY, g.to + DAY, q);
      return {
        events: n,
        file_mib: Math.round(g.bytes / 2 ** 20),
        seconds_to_queryable: Math.round(seconds * 10) / 10,
        events_per_s: Math.round(n / seconds),
        stored_events: Number(row.events),
        kpi_rows_compared: kpi.rows,
        kpi_events: kpi.events,
        kpis_equal_recount: kpi.mismatches.length === 0,
        kpi_reference: q,
        kpi_mismatches: kpi.mismatches,
      };
    } finally {
      await wh.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
