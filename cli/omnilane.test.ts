import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../shared/paths.js';

const bin = join(projectRoot(), 'bin', 'omnilane.js');

describe('omnilane CLI', () => {
  it('exits with a message naming a bad configuration value', () => {
    const r = spawnSync(process.execPath, [bin, 'start'], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('CFG_ERR_INVALID: PORT');
  });
  it('prints usage and rejects unknown commands', () => {
    expect(spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8' }).stdout).toContain('omnilane <command>');
    expect(spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' }).status).toBe(2);
  });
});
