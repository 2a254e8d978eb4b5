/**
 * Child process for memory-state-store.sigterm.test.ts: fills a store, starts
 * a background rewrite, and shuts down on SIGTERM the way `omnilane start`
 * does (close the store, exit). Prints "rewriting" once the rewrite runs.
 */
import { MemoryStateStore } from './memory-state-store.js';

const path = process.argv[2];
const store = new MemoryStateStore({ clock: { now: () => 0 }, journalPath: path, compactAtBytes: 1 << 30, compactSliceChars: 256 * 1024 });
process.on('SIGTERM', () => {
  void store.close().then(() => {
    process.stdout.write('closed\n');
    process.exit(0);
  });
});
const value = 'v'.repeat(32 * 1024);
for (let b = 0; b < 32; b++) await store.setMany(Array.from({ length: 64 }, (_v, i) => ({ key: `k:${b}:${i}`, value })));
void store.compactNow();
// Keep writing while the rewrite runs, as the server would.
let i = 0;
const writer = setInterval(() => void store.set(`live:${i++}`, String(i)).catch(() => clearInterval(writer)), 1);
setTimeout(() => process.stdout.write('rewriting\n'), 20);
