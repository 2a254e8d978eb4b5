import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { freePort, spawnOmnilane, waitForExit } from '../support/child-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-crash-'));
const env = { DATA_DIR: dataDir, OMNILANE_INGEST_KEY: 'ingest-key-for-crash-test', OMNILANE_ADMIN_KEY: 'admin-key-for-crash-test', BUS_PARTITIONS: '4' };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const CHANNELS = ['web', 'sms', 'wechat', 'email'];
function batch(b: number, size: number) {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => {
    const n = b * size + i;
    return {
      id: `crash-${n}`,
      type: n % 5 === 0 ? 'conversation.started' : 'message.received',
      channel: CHANNELS[n % CHANNELS.length],
      occurred_at: now - (n % 600) * 1000,
      customer: { external_id: `cust-${n % 300}` },
      conversation_id: `conv-${n % 300}`,
      properties: { text: `消息 ${n}` },
    };
  });
}

describe('crash of the embedded process', () => {
  it('loses nothing acknowledged across kill -9 and rebuilds stream state', async () => {
    const port = await freePort();
    const first = await spawnOmnilane(['start'], env, port);
    const acked = new Set<string>();
    const post = (events: ReturnType<typeof batch>) =>
      fetch(`${first.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.OMNILANE_INGEST_KEY}` },
        body: JSON.stringify({ events }),
      });

    // Post batches concurrently and kill the process while requests and stream batches are in flight.
    let b = 0;
    let killed = false;
    const posting = (async () => {
      while (!killed && b < 400) {
        const events = batch(b++, 250);
        try {
          const res = await post(events);
          if (res.status === 202) for (const e of events) acked.add(e.id);
        } catch {
          /* the process died under this request: not acknowledged */
        }
      }
    })();
    while (acked.size < 15_000) await new Promise((r) => setTimeout(r, 20));
    const health = (await (await fetch(`${first.url}/healthz`)).json()) as { lag: number };
    first.proc.kill('SIGKILL');
    killed = true;
    await waitForExit(first.proc);
    await posting;
    expect(health.lag, 'the kill should land while the stream has work in flight').toBeGreaterThan(0);

    // Restart on the same data: the stream catches up from its committed offsets.
    const second = await spawnOmnilane(['start'], env, port);
    for (let i = 0; i < 600; i++) {
      const h = (await (await fetch(`${second.url}/healthz`)).json()) as { lag: number };
      if (h.lag === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // A duplicate of an acknowledged event is still answered as a duplicate after the crash.
    const some = [...acked].slice(0, 5);
    const dupRes = await fetch(`${second.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.OMNILANE_INGEST_KEY}` },
      body: JSON.stringify({ events: batch(0, 5) }),
    });
    expect(((await dupRes.json()) as { duplicates: number }).duplicates).toBe(5);
    second.proc.kill('SIGTERM');
    expect(await waitForExit(second.proc)).toBe(0);

    const wh = await DuckDbWarehouse.open(join(dataDir, 'warehouse', 'omnilane.duckdb'));
    try {
      const ids = new Set((await wh.sql<{ id: string }>('SELECT id FROM events')).map((r) => r.id));
      const missing = [...acked].filter((id) => !ids.has(id));
      expect(missing, 'acknowledged events missing after the crash').toEqual([]);
      expect(some.every((id) => ids.has(id))).toBe(true);
      // Stream state rebuilt exactly: per-minute counters equal a recount of the raw events.
      const diff = await wh.sql<{ n: number }>(`
        SELECT count(*) AS n FROM (
          SELECT date_trunc('minute', occurred_at) AS minute, channel, count(*) AS events, count(*) FILTER (WHERE type = 'conversation.started') AS conversations
          FROM events GROUP BY 1, 2
        ) raw FULL OUTER JOIN (
          SELECT minute, channel, sum(events) AS events, sum(conversations) AS conversations FROM channel_minute_contrib GROUP BY 1, 2
        ) agg USING (minute, channel)
        WHERE raw.events IS DISTINCT FROM agg.events OR raw.conversations IS DISTINCT FROM agg.conversations`);
      expect(Number(diff[0].n)).toBe(0);
    } finally {
      await wh.close();
    }
  }, 180_000);
});
