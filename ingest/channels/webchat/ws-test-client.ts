import { createRequire } from 'node:module';

/** The slice of the `ws` client the tests use (the package ships no types here). */
interface WsClient {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): void;
  on(event: 'open' | 'error', fn: (arg?: unknown) => void): void;
}
type WsCtor = new (url: string, opts?: { origin?: string }) => WsClient;
const WebSocket = createRequire(import.meta.url)('ws') as WsCtor;

export type Frame = Record<string, unknown> & { type: string };

/**
 * A visitor socket for tests: collects every frame, waits for frames by
 * predicate, and reports the close code and reason.
 */
export class TestVisitor {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(private readonly ws: WsClient) {
    ws.on('message', (d) => {
      this.frames.push(JSON.parse(d.toString()) as Frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static connect(baseUrl: string, origin?: string): Promise<TestVisitor> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/channels/webchat/socket`, origin ? { origin } : {});
    return new Promise((resolve, reject) => {
      ws.on('open', () => resolve(new TestVisitor(ws)));
      ws.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
    });
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Drops the TCP connection without a close handshake (a network cut). */
  cut(): void {
    this.ws.terminate();
  }

  close(): void {
    this.ws.close(1000, 'bye');
  }

  /** Waits for the first frame (from `from` on) matching `pred`. */
  async next(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.find(pred);
      if (f) return f;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      if (Date.now() > until) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const until = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > until) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closed;
  }

  messages(): Frame[] {
    return this.frames.filter((f) => f.type === 'message');
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
