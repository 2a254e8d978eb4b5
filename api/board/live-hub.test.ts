import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import type { BoardService } from './board-service.js';
import { LiveHub } from './live-hub.js';

function fakeBoard() {
  const calls: number[] = [];
  const board = {
    snapshot: async (minutes: number) => {
      calls.push(minutes);
      await new Promise((r) => setTimeout(r, 20));
      return { window_minutes: minutes };
    },
  } as unknown as BoardService;
  return { board, calls };
}

describe('LiveHub', () => {
  it('admits at most maxPerKey streams per key and frees slots once', () => {
    const { board } = fakeBoard();
    const hub = new LiveHub(board, new EventEmitter(), silentLogger(), { maxPerKey: 2 });
    const a = hub.admit('k1');
    hub.admit('k1');
    expect(() => hub.admit('k1')).toThrow(expect.objectContaining({ code: 'API_ERR_TOO_MANY_LIVE', statusCode: 429 }));
    expect(() => hub.admit('k2')).not.toThrow();
    a();
    a(); // releasing twice must not free a second slot
    hub.admit('k1');
    expect(() => hub.admit('k1')).toThrow();
    hub.close();
  });

  it('shares one snapshot computation among clients asking for the same window', async () => {
    const { board, calls } = fakeBoard();
    const hub = new LiveHub(board, new EventEmitter(), silentLogger());
    const got = await Promise.all(Array.from({ length: 300 }, (_, i) => hub.current(i % 2 === 0 ? 60 : 15)));
    expect(calls.sort()).toEqual([15, 60]);
    expect(got[0]).toBe('{"window_minutes":60}');
    hub.close();
  });

  it('pushes one serialized snapshot per window to all its listeners', async () => {
    const { board, calls } = fakeBoard();
    const source = new EventEmitter();
    const hub = new LiveHub(board, source, silentLogger(), { minIntervalMs: 0, maxIntervalMs: 100 });
    const seen: string[] = [];
    for (let i = 0; i < 50; i++) hub.subscribe(30, (json) => seen.push(json));
    source.emit('batch');
    await new Promise((r) => setTimeout(r, 400));
    hub.close();
    expect(seen.length).toBeGreaterThanOrEqual(50);
    expect(seen.length % 50).toBe(0);
    expect(calls.length).toBe(seen.length / 50);
  });
});
