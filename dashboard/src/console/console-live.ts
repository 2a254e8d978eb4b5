import { authHeaders } from '../api/client.js';
import { backoffDelay, defaultBackoff } from '../live/backoff.js';
import type { LiveStatus } from '../live/live-client.js';
import { feedSse, initialSseState, type SseState } from '../live/sse-parser.js';

/** The events `/v1/console/live` sends (contract, issue 5). */
export const CONSOLE_EVENTS = ['queue', 'offer', 'assigned', 'message', 'closed'] as const;
export type ConsoleEventName = (typeof CONSOLE_EVENTS)[number];

export interface ConsoleLiveOptions {
  key: string;
  fetch: typeof fetch;
  onEvent(name: ConsoleEventName, data: unknown): void;
  onStatus(status: LiveStatus): void;
  /** A stream (re)opened: whatever happened while away must be reloaded. */
  onOpen(): void;
  /** 401/403: the key cannot follow the console; the client stops. */
  onRejected(status: number): void;
  random?: () => number;
  idleTimeoutMs?: number;
}

/** Parses one SSE chunk stream into console events; unknown names and malformed JSON are dropped. */
export function consoleEventsFrom(
  state: SseState,
  chunk: string,
): { state: SseState; events: Array<{ name: ConsoleEventName; data: unknown }>; retryMs: number | null } {
  const step = feedSse(state, chunk);
  const events: Array<{ name: ConsoleEventName; data: unknown }> = [];
  let retryMs: number | null = null;
  for (const out of step.outputs) {
    if (out.kind === 'retry') retryMs = out.ms;
    if (out.kind !== 'event' || !(CONSOLE_EVENTS as readonly string[]).includes(out.event)) continue;
    try {
      events.push({ name: out.event as ConsoleEventName, data: JSON.parse(out.data) as unknown });
    } catch {
      // a malformed payload is skipped; the next reload catches up
    }
  }
  return { state: step.state, events, retryMs };
}

/**
 * Follows `GET /v1/console/live` over fetch (so the key travels in the Authorization header, not the URL) and
 * reconnects with jittered backoff after errors, ends of stream and silent periods.
 */
export function followConsole(opts: ConsoleLiveOptions): { stop(): void } {
  const random = opts.random ?? Math.random;
  const idleMs = opts.idleTimeoutMs ?? 75_000;
  let stopped = false;
  let ctl: AbortController | null = null;
  let sleeping: ReturnType<typeof setTimeout> | undefined;
  let wakeUp: (() => void) | null = null;

  async function session(): Promise<{ rejected?: number; healthy: boolean; retryMs: number }> {
    const mine = (ctl = new AbortController());
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => mine.abort(), idleMs);
    };
    let healthy = false;
    let retryMs = 0;
    try {
      touch();
      const res = await opts.fetch('/v1/console/live', { headers: authHeaders(opts.key, 'text/event-stream'), signal: mine.signal, cache: 'no-store' });
      if (res.status === 401 || res.status === 403) return { rejected: res.status, healthy, retryMs };
      if (!res.ok || !res.body) return { healthy, retryMs };
      opts.onStatus('live');
      opts.onOpen();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let sse = initialSseState;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        touch();
        healthy = true;
        const step = consoleEventsFrom(sse, decoder.decode(value, { stream: true }));
        sse = step.state;
        if (step.retryMs !== null) retryMs = step.retryMs;
        for (const e of step.events) opts.onEvent(e.name, e.data);
      }
    } catch {
      // network error or abort: retried below
    } finally {
      clearTimeout(idle);
    }
    return { healthy, retryMs };
  }

  void (async () => {
    let attempt = 0;
    opts.onStatus('connecting');
    while (!stopped) {
      const r = await session();
      if (stopped) return;
      if (r.rejected) {
        stopped = true;
        opts.onStatus('offline');
        opts.onRejected(r.rejected);
        return;
      }
      attempt = r.healthy ? 1 : attempt + 1;
      opts.onStatus('reconnecting');
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        sleeping = setTimeout(resolve, Math.max(r.retryMs, backoffDelay(attempt, random, defaultBackoff)));
      });
    }
  })();

  return {
    stop() {
      stopped = true;
      ctl?.abort();
      clearTimeout(sleeping);
      wakeUp?.();
    },
  };
}
