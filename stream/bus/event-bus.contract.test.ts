import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../shared/clock.js';
import { eventBusContract } from '../../test/contracts/event-bus.contract.js';
import { InProcessBus } from './in-process-bus.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-bus-contract-'));

eventBusContract('in-process log', {
  open: async () => new InProcessBus({ clock: systemClock, dir }),
  reopen: async (bus) => {
    await bus.close();
    return new InProcessBus({ clock: systemClock, dir });
  },
  rebalanceMs: 2000,
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});

// The same contract with tiny segments, so rolling, multi-segment reads and reopening across
// segment files are exercised too (retention itself is in segment-log.test.ts).
const segDir = mkdtempSync(join(tmpdir(), 'omnilane-bus-contract-seg-'));
eventBusContract('in-process log, 4 KiB segments', {
  open: async () => new InProcessBus({ clock: systemClock, dir: segDir, segmentBytes: 4096, retainInMemory: 10 }),
  reopen: async (bus) => {
    await bus.close();
    return new InProcessBus({ clock: systemClock, dir: segDir, segmentBytes: 4096, retainInMemory: 10 });
  },
  rebalanceMs: 2000,
  cleanup: async () => rmSync(segDir, { recursive: true, force: true }),
});
