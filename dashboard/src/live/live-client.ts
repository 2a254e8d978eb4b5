import { apiUrl, authHeaders } from '../api/client.js';
import { asBoardSnapshot, type BoardSnapshot } from '../api/types.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { feedSse, initialSseState } from './sse-parser.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveClientOptions {
  key: string;
  minutes: number;
  fetch: typeof fetch;
  onBoard(board: BoardSnapshot): void;
  onStatus(status: LiveStatus): void;
  /** The server answered 401: the client stops; the caller asks for a key again. */
  onUnauthorized(): void;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Reconnect when nothing (not even a ping) arrived for this long. */
  idleTimeoutMs?: number;
}

export interface LiveClient {
  stop(): void;
}

/**
 * Follows `GET /v1/live` with fetch + ReadableStream (EventSource cannot send an Authorization header),
 * reconnecting with jittered exponential backoff after errors, ends of stream and idle periods.
 */
export function startLive(opts: LiveClientOptions): LiveClient {
  const random = opts.random ?? Math.random;
  const backoff = opts.backoff ?? defaultBackoff;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 75_000;
  let stopped = false;
  let controller: AbortController | null = null;
  let wake: (() => void) | null = null;
  let serverRetryMs = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function connectOnce(): Promise<'unauthorized' | 'ended' | 'got-data'> {
    controller = new AbortController();
    const ctl = controller;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => ctl.abort(), idleTimeoutMs);
    };
    let gotData = false;
    try {
      arm();
      const res = await opts.fetch(apiUrl('live', opts.minutes), {
        headers: authHeaders(opts.key, 'text/event-stream'),
        signal: ctl.signal,
        cache: 'no-store',
      });
      if (res.status === 401) return 'unauthorized';
      if (!res.ok || !res.body) throw new Error(`live stream: HTTP ${res.status}`);
      opts.onStatus('live');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let state = initialSseState;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm();
        gotData = true;
        const step = feedSse(state, decoder.decode(value, { stream: true }));
        state = step.state;
        for (const out of step.outputs) {
          if (out.kind === 'retry') serverRetryMs = out.ms;
          if (out.kind !== 'event' || out.event !== 'board') continue;
          let board: BoardSnapshot | null = null;
          try {
            board = asBoardSnapshot(JSON.parse(out.data));
          } catch {
            board = null;
          }
          if (board) opts.onBoard(board);
        }
      }
    } catch {
      // network error, abort (idle or stop) or bad status: all mean "try again later"
    } finally {
      clearTimeout(idle);
    }
    return gotData ? 'got-data' : 'ended';
  }

  void (async () => {
    let attempt = 0;
    opts.onStatus('connecting');
    while (!stopped) {
      const outcome = await connectOnce();
      if (stopped) return;
      if (outcome === 'unauthorized') {
        stopped = true;
        opts.onStatus('offline');
        opts.onUnauthorized();
        return;
      }
      // A stream that delivered data was healthy: start the backoff over rather than escalating.
      attempt = outcome === 'got-data' ? 1 : attempt + 1;
      opts.onStatus('reconnecting');
      await sleep(Math.max(serverRetryMs, backoffDelay(attempt, random, backoff)));
    }
  })();

  return {
    stop() {
      stopped = true;
      controller?.abort();
      wake?.();
    },
  };
}
