/**
 * The worker-thread side of ThreadedIntentClassifier: the built-in model, loaded once in this thread, answers each
 * `{ id, text, context }` with `{ id, result }`. Pure computation: no state, no I/O after the model is loaded.
 */
import { parentPort } from 'node:worker_threads';
import { BuiltinIntentClassifier } from './builtin-classifier.js';
import type { IntentContext } from './intent-port.js';

const classifier = new BuiltinIntentClassifier();
parentPort?.on('message', (m: { id: number; text: string; context?: IntentContext }) => {
  parentPort?.postMessage({ id: m.id, result: classifier.classifySync(m.text, m.context) });
});
