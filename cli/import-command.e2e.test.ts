import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareKpisWithRecount } from '../bench/kpi-recount.js';
import { projectRoot } from '../shared/paths.js';
import { waitForExit } from '../test/support/child-process.js';
import { startTestOmnilane } from '../test/support/omnilane.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';

/**
 * `omnilane import` as a user runs it: a child process on a temp DATA_DIR (or against a running server), then
 * the warehouse is opened and counted. History a month back, duplicates inside the file, bad lines.
 */
const root = mkdtempSync(join(tmpdir(), 'omnilane-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MIN = 60_000;
const START = Math.floor((Date.now() - 30 * 86_400_000) / MIN) * MIN;
const TYPES = ['conversation.started', 'message.received', 'message.sent', 'message.received', 'opportunity.created', 'deal.won', 'csat.submitted'];

/** n distinct events in event-time order, one a minute; every 10th line is followed by a repeat of an earlier id. */
function history(n: number, prefix: string): { lines: string[]; distinct: number; rejected: Array<{ line: number; code: string }> } {
  const lines: string[] = [];
  const rejected: Array<{ line: number; code: string }> = [];
  for (let i = 0; i < n; i++) {
    const type = TYPES[i % TYPES.length];
    const properties = type === 'csat.submitted' ? { score: 4 } : type === 'deal.won' || type === 'opportunity.created' ? { value: 100 } : { text: '您好' };
    const e = {
      id: `${prefix}-${i}`,
      type,
      channel: ['web', 'wechat', 'sms'][i % 3],
      occurred_at: new Date(START + i * MIN).toISOString(),
      customer: { external_id: `cust-${i % 40}` },
      conversation_id: `conv-${i % 40}`,
      properties,
    };
    lines.push(JSON.stringify(e));
    if (i % 10 === 9) lines.push(JSON.stringify({ ...e, id: `${prefix}-${i - 5}` }));
    if (i % 997 === 500) {
      lines.push('{"id": broken');
      rejected.push({ line: lines.length, code: 'IMPORT_ERR_NOT_JSON' });
      lines.push(JSON.stringify({ ...e, id: `${prefix}-bad-${i}`, occurred_at: 'yesterday-ish' }));
      rejected.push({ line: lines.length, code: 'ING_ERR_BAD_TIMESTAMP' });
    }
  }
  return { lines, distinct: n, rejected };
}

const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'import', ...args, '--json'], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ROUTING_ENABLED: 'false' },
    encoding: 'utf8',
    timeout: 120_000,
  });

async function warehouseCounts(dataDir: string): Promise<{ events: number; kpi: Awaited<ReturnType<typeof compareKpisWithRecount>> }> {
  const wh = await DuckDbWarehouse.open(join(dataDir, 'warehouse', 'omnilane.duckdb'));
  try {
    const [row] = await wh.query<{ events: number | bigint }>('events_count', { producer: null });
    const kpi = await compareKpisWithRecount(wh, START - MIN, START + 40 * 86_400_000);
    return { events: Number(row.events), kpi };
  } finally {
    await wh.close();
  }
}

/** The CLI as a child process without blocking this one. */
async function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // 'close', not 'exit': the pipes may still hold the summary when the process exits.
  const status = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { status, stdout, stderr };
}

const reportOf = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { line: number; code: string; reason: string });

describe('omnilane import (embedded DATA_DIR, no server)', () => {
  it('imports JSON lines: each id once, rejected lines reported with codes, KPIs equal the recount, a rerun is a no-op', async () => {
    const dir = mkdtempSync(join(root, 'jsonl-'));
    const h = history(3000, 'j');
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, h.lines.join('\n') + '\n');
    const r = cli(join(dir, 'data'), file);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ complete: true, queryable: true, lines: h.lines.length, accepted: h.distinct, duplicates: 300, rejected: h.rejected.length });
    expect(s.rejected_by_code).toEqual({ IMPORT_ERR_NOT_JSON: 3, ING_ERR_BAD_TIMESTAMP: 3 });
    expect(reportOf(`${file}.rejected.jsonl`).map(({ line, code }) => ({ line, code }))).toEqual(h.rejected);
    const counts = await warehouseCounts(join(dir, 'data'));
    expect(counts.events).toBe(h.distinct);
    expect(counts.kpi.mismatches).toEqual([]);
    expect(counts.kpi.events).toBe(h.distinct);
    // The checkpoint says done: the same command again sends nothing and reports the same totals.
    const again = cli(join(dir, 'data'), file);
    expect(JSON.parse(again.stdout)).toMatchObject({ complete: true, accepted: h.distinct, rejected: h.rejected.length });
    expect((await warehouseCounts(join(dir, 'data'))).events).toBe(h.distinct);
  }, 120_000);

  it('imports CSV through a column mapping: quoted text with commas and newlines, typed properties, duplicates once', async () => {
    const dir = mkdtempSync(join(root, 'csv-'));
    const file = join(dir, 'crm.csv');
    const rows = [
      'Ticket,When,Kind,Mobile,Agent,Score,Notes,properties.text',
      `t1,${START},conversation.started,+86 138 0000 0001,,,"first, ""quoted""","你好，
想了解价格"`,
      `t2,${START + MIN},csat.submitted,+86 138 0000 0001,ag_1,5,,`,
      `t2,${START + MIN},csat.submitted,+86 138 0000 0001,ag_1,5,,`,
      `t3,${START + 2 * MIN},csat.submitted,+86 138 0000 0002,,nine,,`,
      `t4,${START + 3 * MIN},teleport,+86 138 0000 0002,,,,`,
      `t5,${START + 4 * MIN},message.received`,
    ];
    writeFileSync(file, rows.join('\r\n') + '\r\n');
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        columns: { Ticket: 'id', When: 'occurred_at', Kind: 'type', Mobile: 'customer.phone', Agent: 'agent_id', Notes: '-' },
        constants: { channel: 'voice' },
      }),
    );
    const r = cli(join(dir, 'data'), file, '--mapping', mapping, '--column', 'Score=properties.score:number');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      complete: true,
      accepted: 2,
      duplicates: 1,
      rejected: 3,
      rejected_by_code: { IMPORT_ERR_BAD_CSV: 2, ING_ERR_UNKNOWN_TYPE: 1 },
    });
    expect(reportOf(`${file}.rejected.jsonl`).map(({ line, code }) => [line, code])).toEqual([
      [6, 'IMPORT_ERR_BAD_CSV'],
      [7, 'ING_ERR_UNKNOWN_TYPE'],
      [8, 'IMPORT_ERR_BAD_CSV'],
    ]);
    const wh = await DuckDbWarehouse.open(join(dir, 'data', 'warehouse', 'omnilane.duckdb'));
    try {
      const [c] = await wh.query<{ events: number | bigint }>('events_count', { producer: 'ingest-default' });
      expect(Number(c.events)).toBe(2);
      const kpi = await compareKpisWithRecount(wh, START - MIN, START + 10 * MIN);
      expect(kpi.mismatches).toEqual([]);
      expect(kpi.events).toBe(2);
    } finally {
      await wh.close();
    }
    // A header the mapping cannot place stops before anything is sent, naming the column.
    const bad = cli(join(dir, 'data'), file);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/IMPORT_ERR_BAD_MAPPING: .*"Ticket" is not an event field/);
  }, 120_000);

  it('resumes after SIGKILL midway without counting anything twice', async () => {
    const dir = mkdtempSync(join(root, 'kill-'));
    const h = history(30_000, 'k');
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, h.lines.join('\n') + '\n');
    const checkpoint = `${file}.import-checkpoint.json`;
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'import', file, '--quiet'], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', ROUTING_ENABLED: 'false' },
      stdio: 'ignore',
    });
    // Kill it once a few batches are acknowledged, well before the end.
    const until = Date.now() + 60_000;
    let at = 0;
    while (Date.now() < until && child.exitCode === null) {
      if (existsSync(checkpoint)) at = (JSON.parse(readFileSync(checkpoint, 'utf8')) as { nextLine: number }).nextLine;
      if (at > 5000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await waitForExit(child);
    const killedAt = JSON.parse(readFileSync(checkpoint, 'utf8')) as { nextLine: number; done: boolean };
    expect(killedAt.done).toBe(false);
    expect(killedAt.nextLine).toBeGreaterThan(1);
    expect(killedAt.nextLine).toBeLessThan(h.lines.length);

    const r = cli(join(dir, 'data'), file);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ complete: true, resumed: true, lines: h.lines.length, rejected: h.rejected.length });
    // A batch sent before the kill but not checkpointed comes back as duplicates of itself; nothing else differs.
    expect(s.accepted + s.duplicates).toBe(h.lines.length - h.rejected.length);
    expect(s.accepted).toBeLessThanOrEqual(h.distinct);
    expect(reportOf(`${file}.rejected.jsonl`).map(({ line, code }) => ({ line, code }))).toEqual(h.rejected);
    const counts = await warehouseCounts(join(dir, 'data'));
    expect(counts.events).toBe(h.distinct);
    expect(counts.kpi.mismatches).toEqual([]);
    expect(counts.kpi.events).toBe(h.distinct);
  }, 180_000);
});

describe('omnilane import --url (a running embedded server)', () => {
  it('posts batches with the ingest key; the server stores each id once', async () => {
    const om = await startTestOmnilane({ ROUTING_ENABLED: 'false' });
    try {
      const dir = mkdtempSync(join(root, 'url-'));
      const h = history(2500, 'u');
      const file = join(dir, 'history.jsonl');
      writeFileSync(file, h.lines.join('\n') + '\n');
      // Async: the server runs in this process, so a blocking spawnSync would starve it.
      const r = await run(['import', file, '--url', om.url, '--json'], {
        DATA_DIR: join(dir, 'client-data'),
        LOG_LEVEL: 'warn',
        OMNILANE_INGEST_KEY: om.ingestKey,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ complete: true, queryable: false, accepted: h.distinct, duplicates: 250, rejected: h.rejected.length });
      await om.drained();
      const [c] = await om.engines.warehouse.query<{ events: number | bigint }>('events_count', { producer: null });
      expect(Number(c.events)).toBe(h.distinct);
      // A wrong key stops at once with the server's code.
      const bad = await run(['import', file, '--url', om.url, '--key', 'wrong', '--restart'], { DATA_DIR: join(dir, 'client-data'), LOG_LEVEL: 'warn' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/IMPORT_ERR_REMOTE: .*ING_ERR_UNAUTHORIZED/);
    } finally {
      await om.cleanup();
    }
  }, 120_000);
});
