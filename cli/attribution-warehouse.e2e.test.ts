import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../shared/paths.js';
import { knownAnswerEvents } from '../stream/attribution/journey-fixtures.js';
import { startTestOmnilane } from '../test/support/omnilane.js';

let dataDir: string | undefined;
afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('omnilane attribution without --input', () => {
  it('reads journeys from the warehouse and credits them exactly', async () => {
    const om = await startTestOmnilane();
    dataDir = om.dataDir;
    const res = await om.post('/v1/events', { events: knownAnswerEvents(Date.now()) });
    expect(res.status).toBe(202);
    await om.drained();
    await om.stop(); // the embedded DuckDB file admits one process at a time

    const r = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'attribution', '--model', 'markov', '--json'], {
      env: { ...process.env, DATA_DIR: om.dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { total_conversions: number; channels: Array<{ channel: string; conversions: number; value: number }> };
    expect(out.total_conversions).toBe(3);
    const by = Object.fromEntries(out.channels.map((c) => [c.channel, c]));
    expect(by.ad.conversions).toBeCloseTo(2, 9);
    expect(by.web_chat.conversions).toBeCloseTo(1, 9);
    expect(by.ad.value).toBeCloseTo(400, 6);
  });
});
