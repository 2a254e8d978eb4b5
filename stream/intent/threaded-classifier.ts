import { Worker } from 'node:worker_threads';
import { BuiltinIntentClassifier } from './builtin-classifier.js';
import type { IntentClassifier, IntentContext, IntentResult } from './intent-port.js';

/** The build runs the compiled thread file; from the sources (tests run TypeScript) the thread registers tsx first. */
function startThread(): Worker {
  const file = new URL(`./classifier-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
  if (file.pathname.endsWith('.js')) return new Worker(file);
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(load, { eval: true });
}

interface Waiting {
  text: string;
  context?: IntentContext;
  resolve: (r: IntentResult) => void;
}

/**
 * The built-in classifier on a worker thread of its own (issue 17: use the second core). Triage classifies the first
 * words of every new conversation, ~86 µs of CPU per message, on the event loop that also serves HTTP, ingest and the
 * stream worker; here that work runs beside it and the loop only posts the text and reads the answer.
 * Same answers as BuiltinIntentClassifier (the same shipped model, loaded once in the thread). When the thread cannot
 * start or dies, this classifies on the calling thread from then on, and answers what the thread had in hand, so a
 * classification is never lost; `onThreadFailure` is told once.
 */
export class ThreadedIntentClassifier implements IntentClassifier {
  private worker?: Worker;
  private next = 0;
  private readonly waiting = new Map<number, Waiting>();
  private local?: BuiltinIntentClassifier;

  constructor(private readonly onThreadFailure?: (err: unknown) => void) {
    try {
      const worker = startThread();
      worker.unref(); // never what keeps a process alive
      worker.on('message', (m: { id: number; result: IntentResult }) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        w?.resolve(m.result);
      });
      worker.on('error', (err) => this.fallBack(worker, err));
      worker.on('exit', (code) => this.fallBack(worker, new Error(`intent classifier thread exited with ${code}`)));
      this.worker = worker;
    } catch (err) {
      this.fallBack(undefined, err);
    }
  }

  /** True while classifications go to the thread (false once it failed or was closed). */
  get onThread(): boolean {
    return this.worker !== undefined;
  }

  classify(text: string, context?: IntentContext): Promise<IntentResult> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(this.here().classifySync(text, context));
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, { text, context, resolve });
      worker.postMessage({ id, text, context });
    });
  }

  /** Stops the thread; later calls (and any still waiting) classify on the calling thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.answerHere();
    await worker?.terminate();
  }

  private here(): BuiltinIntentClassifier {
    return (this.local ??= new BuiltinIntentClassifier());
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
      w.resolve(this.here().classifySync(w.text, w.context));
    }
  }
}
