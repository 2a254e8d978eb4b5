import { describe, expect, it } from 'vitest';
import { startLive, type LiveStatus } from './live-client.js';
import type { BoardSnapshot } from '../api/types.js';

const board = (events: number): BoardSnapshot => ({
  generated_at: `2026-11-24T01:00:0${events}.000Z`,
  window_minutes: 60,
  totals: { events, conversations: 1, first_response: { count: 0, avg_ms: null, p50_ms: null, p90_ms: null } },
  channels: [],
  series: [],
});

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
}

describe('startLive', () => {
  it('delivers boards from a chunked stream, reconnects after the stream ends, and stops on 401', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const text = `: ping\n\nevent: board\ndata: ${JSON.stringify(board(1))}\n\nevent: board\ndata: ${JSON.stringify(board(2))}\n\n`;
    const responses = [
      () => new Response(streamOf([text.slice(0, 17), text.slice(17, 60), text.slice(60)]), { status: 200 }),
      () => new Response('{"code":"API_ERR_UNAUTHORIZED","message":"bad key"}', { status: 401 }),
    ];
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      calls.push({ url, auth: new Headers(init?.headers).get('x-csrf-token') });
      return responses[calls.length - 1]();
    }) as unknown as typeof fetch;

    const boards: number[] = [];
    const statuses: LiveStatus[] = [];
    await new Promise<void>((resolve) => {
      startLive({
        key: 'k1',
        minutes: 30,
        fetch: fakeFetch,
        backoff: { baseMs: 5, maxMs: 10 },
        onBoard: (b) => boards.push(b.totals.events),
        onStatus: (s) => statuses.push(s),
        onUnauthorized: resolve,
      });
    });

    expect(boards).toEqual([1, 2]);
    expect(calls).toEqual([
      { url: '/v1/live?minutes=30', auth: 'k1' },
      { url: '/v1/live?minutes=30', auth: 'k1' },
    ]);
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'offline']);
  });

  it('backs off after network errors and can be stopped', async () => {
    let n = 0;
    const fakeFetch = (async () => {
      n++;
      throw new TypeError('network down');
    }) as unknown as typeof fetch;
    const statuses: LiveStatus[] = [];
    const client = startLive({
      key: 'k',
      minutes: 60,
      fetch: fakeFetch,
      backoff: { baseMs: 5, maxMs: 20 },
      onBoard: () => undefined,
      onStatus: (s) => statuses.push(s),
      onUnauthorized: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 120));
    client.stop();
    const after = n;
    await new Promise((r) => setTimeout(r, 60));
    expect(after).toBeGreaterThanOrEqual(3);
    expect(n).toBe(after);
    expect(statuses[0]).toBe('connecting');
    expect(statuses.slice(1).every((s) => s === 'reconnecting')).toBe(true);
  });
});
