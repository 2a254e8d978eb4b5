/**
 * The worker-thread side of ThreadedIntentClassifier: the built-in model, loaded once in this thread, classifies
 * each `{ text, context }`. Pure computation: no state, no I/O after the model is loaded.
 */
import { serveThreadCalls } from '../../shared/thread-calls.js';
import { BuiltinIntentClassifier } from './builtin-classifier.js';
import type { IntentContext } from './intent-port.js';

const classifier = new BuiltinIntentClassifier();
serveThreadCalls((m: { text: string; context?: IntentContext }) => classifier.classifySync(m.text, m.context));
