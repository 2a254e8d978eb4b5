import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../shared/tables.js';
import { seededRng } from '../shared/random.js';
import { assignVariant } from '../stream/experiments/assignment.js';
import { ExperimentService } from '../stream/experiments/experiment-service.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { runExperimentCommand } from './experiment-command.js';
import { captured } from '../test/support/command-io.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

describe('omnilane experiment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-expcli-'));
  let wh: DuckDbWarehouse;
  let now = T0;
  const run = (...args: string[]) =>
    captured((io) =>
      runExperimentCommand(args, io, { open: async () => ({ service: new ExperimentService(wh, { now: () => now }), close: async () => undefined }) }),
    );
  beforeAll(async () => {
    wh = await DuckDbWarehouse.open(':memory:');
    await wh.migrate();
  });
  afterAll(async () => {
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('defines from a file, then reports a clear win as ship with a table and as JSON', async () => {
    const file = join(dir, 'bot.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'bot-first',
        name: '机器人先答',
        target: 'bot',
        primary_metric: 'inquiry_to_opportunity',
        salt: 'fixed-salt-1',
        variants: [
          { id: 'off', weight: 1, config: { enabled: false } },
          { id: 'on', weight: 1, config: { enabled: true } },
        ],
        started_at: new Date(T0).toISOString(),
      }),
    );
    expect(await run('define', file)).toMatchObject({ code: 0, out: expect.stringContaining('created experiment bot-first') });
    // 3,000 customers over 12 days; the bot arm converts to an opportunity at 30 %, the control at 20 %.
    const rng = seededRng(3);
    const def = await new ExperimentService(wh, { now: () => now }).get('bot-first');
    const rows: EventRow[] = [];
    for (let i = 0; i < 3000; i++) {
      const key = `ext:k${i}`;
      const variant = assignVariant(def, key).id;
      const at = T0 + Math.floor((i / 3000) * 12 * DAY);
      const base = { producer: 'test', channel: 'web', received_at: at, customer_key: key, conversation_id: null, agent_id: null, customer: '{}' };
      rows.push({ ...base, id: `x${i}`, type: 'experiment.exposed', occurred_at: at, properties: JSON.stringify({ experiment_id: 'bot-first', variant }) });
      if (rng() < (variant === 'on' ? 0.3 : 0.2))
        rows.push({ ...base, id: `o${i}`, type: 'opportunity.created', occurred_at: at + 3600_000, properties: '{}' });
    }
    await wh.append('events', rows);
    now = T0 + 12 * DAY;
    const table = await run('report', 'bot-first');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/inquiry_to_opportunity \*\s+on/);
    expect(table.out).toContain('call: SHIP (on)');
    expect(table.out).toMatch(/sample ratio: .* ok/);
    const json = await run('report', 'bot-first', '--json');
    const r = JSON.parse(json.out);
    expect(r.decision).toMatchObject({ call: 'ship', variant: 'on' });
    expect(r.experiment.salt).toBeUndefined();
    expect(r.units.reduce((s: number, u: { n: number }) => s + u.n, 0)).toBe(3000);
    expect((await run('list')).out).toContain('bot-first\trunning\tbot\toff/on');
  });

  it('answers bad arguments with exit 2 and an unknown experiment with EXP_ERR_NOT_FOUND', async () => {
    expect((await run('report')).code).toBe(2);
    expect((await run('report', 'x', '--csv')).err).toContain('EXP_ERR_BAD_ARGS');
    expect((await run('frobnicate')).code).toBe(2);
    const missing = await run('report', 'nope');
    expect([missing.code, missing.err.includes('EXP_ERR_NOT_FOUND')]).toEqual([1, true]);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect((await run('define', join(dir, 'bad.json'))).err).toContain('EXP_ERR_BAD_ARGS');
  });
});
