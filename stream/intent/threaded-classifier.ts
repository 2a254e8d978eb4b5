import { ThreadCalls } from '../../shared/thread-calls.js';
import { BuiltinIntentClassifier } from './builtin-classifier.js';
import type { IntentClassifier, IntentContext, IntentResult } from './intent-port.js';

/** The thread module beside this one: compiled in the build, TypeScript when running from the sources. */
const THREAD = new URL(`./classifier-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/**
 * The built-in classifier on a worker thread of its own (issue 17: use the second core). Triage classifies the first
 * words of every new conversation, ~86 µs of CPU per message, on the event loop that also serves HTTP, ingest and the
 * stream worker; here that work runs beside it and the loop only posts the text and reads the answer.
 * Same answers as BuiltinIntentClassifier (the same shipped model, loaded once in the thread). When the thread cannot
 * start or dies, this classifies on the calling thread from then on (shared/thread-calls.ts).
 */
export class ThreadedIntentClassifier implements IntentClassifier {
  private readonly calls: ThreadCalls<{ text: string; context?: IntentContext }, IntentResult>;

  constructor(onThreadFailure?: (err: unknown) => void) {
    let local: BuiltinIntentClassifier | undefined;
    this.calls = new ThreadCalls(THREAD, (m) => (local ??= new BuiltinIntentClassifier()).classifySync(m.text, m.context), onThreadFailure);
  }

  /** True while classifications go to the thread (false once it failed or was closed). */
  get onThread(): boolean {
    return this.calls.onThread;
  }

  classify(text: string, context?: IntentContext): Promise<IntentResult> {
    return this.calls.call({ text, context });
  }

  close(): Promise<void> {
    return this.calls.close();
  }
}
