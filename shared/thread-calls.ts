import { Worker, parentPort } from 'node:worker_threads';

/**
 * Pure computations on a worker thread of their own (issue 17: use the second core), with the same computation on
 * the calling thread as the fallback. The thread module calls `serveThreadCalls(fn)`; the caller holds a
 * `ThreadCalls(module URL, fn)`. When the thread cannot start or dies, the calls in flight and every later one run
 * `fn` on the calling thread, so an answer is never lost; `onThreadFailure` is told once.
 */
export class ThreadCalls<Req, Res> {
  private worker?: Worker;
  private next = 0;
  private readonly waiting = new Map<number, { req: Req; resolve: (r: Res) => void; reject: (err: unknown) => void }>();

  constructor(
    /** The thread module (a `.ts` URL when running from the sources: the thread then registers tsx first). */
    module: URL,
    private readonly here: (req: Req) => Res,
    private readonly onThreadFailure?: (err: unknown) => void,
  ) {
    try {
      const worker = module.pathname.endsWith('.ts')
        ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`, { eval: true })
        : new Worker(module);
      worker.unref(); // never what keeps a process alive
      worker.on('message', (m: { id: number; res?: Res; err?: string }) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.err !== undefined) w?.reject(new Error(m.err));
        else w?.resolve(m.res as Res);
      });
      worker.on('error', (err) => this.fallBack(worker, err));
      worker.on('exit', (code) => this.fallBack(worker, new Error(`thread exited with ${code}`)));
      this.worker = worker;
    } catch (err) {
      this.fallBack(undefined, err);
    }
  }

  /** True while calls go to the thread (false once it failed or was closed). */
  get onThread(): boolean {
    return this.worker !== undefined;
  }

  call(req: Req): Promise<Res> {
    const worker = this.worker;
    if (!worker) return new Promise((resolve) => resolve(this.here(req)));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { req, resolve, reject });
      worker.postMessage({ id, req });
    });
  }

  /** Stops the thread; later calls (and any still waiting) run on the calling thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.answerHere();
    await worker?.terminate();
  }

  private fallBack(worker: Worker | undefined, err: unknown): void {
    if (worker && this.worker !== worker) return; // closed on purpose, or already handled
    this.worker = undefined;
    this.answerHere();
    this.onThreadFailure?.(err);
  }

  private answerHere(): void {
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      try {
        w.resolve(this.here(w.req));
      } catch (err) {
        w.reject(err);
      }
    }
  }
}

/** The thread side: answers each call with `fn` (an error goes back as the call's rejection). */
export function serveThreadCalls<Req, Res>(fn: (req: Req) => Res): void {
  parentPort?.on('message', (m: { id: number; req: Req }) => {
    try {
      parentPort?.postMessage({ id: m.id, res: fn(m.req) });
    } catch (err) {
      parentPort?.postMessage({ id: m.id, err: String((err as Error)?.message ?? err) });
    }
  });
}
