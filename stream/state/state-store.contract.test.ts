import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../shared/clock.js';
import { stateStoreContract } from '../../test/contracts/state-store.contract.js';
import { MemoryStateStore } from './memory-state-store.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-state-contract-'));
const clock = manualClock(Date.now());
const journalPath = join(dir, 'state.journal');

stateStoreContract('in-process store', {
  open: async () => new MemoryStateStore({ clock, journalPath }),
  reopen: async (store) => {
    await store.close();
    return new MemoryStateStore({ clock, journalPath });
  },
  advance: async (ms) => clock.advance(ms),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
