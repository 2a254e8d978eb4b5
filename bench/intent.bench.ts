/**
 * Intent bench (issue 15): the shipped built-in model on the held-out set (macro-F1, accuracy, ECE), its
 * per-message latency (p50/p99 over repeated classification of every labelled message, in-process, after
 * warm-up) and its load time (read + parse + validate the model file, then the first classification).
 */
import { performance } from 'node:perf_hooks';
import { BuiltinIntentClassifier } from '../stream/intent/builtin-classifier.js';
import { INTENTS } from '../stream/intent/intent-port.js';
import { evaluate } from '../stream/intent/metrics.js';
import { intentPaths, loadModelFile, readLabelled } from '../stream/intent/model-files.js';

export interface IntentBenchResult {
  held_out_messages: number;
  held_out_macro_f1: number;
  held_out_accuracy: number;
  held_out_ece: number;
  per_intent_f1: Record<string, number>;
  classifications: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  long_message_p99_ms: number;
  load_ms: number;
  model_bytes: number;
  model_features: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export async function runIntentBench(o: { rounds?: number } = {}): Promise<IntentBenchResult> {
  const { statSync } = await import('node:fs');
  const t0 = performance.now();
  const model = loadModelFile(intentPaths.model());
  const clf = new BuiltinIntentClassifier({ model });
  clf.classifySync('你好，请问企业版多少钱？');
  const loadMs = performance.now() - t0;

  const heldOut = readLabelled(intentPaths.heldOut()).rows;
  const report = evaluate(
    heldOut.map((e) => {
      const r = clf.classifySync(e.text);
      return { truth: e.intent, predicted: r.intent, confidence: r.confidence };
    }),
    INTENTS,
  );

  const texts = [...heldOut, ...readLabelled(intentPaths.train()).rows].map((e) => e.text);
  for (const t of texts) clf.classifySync(t); // warm-up
  const rounds = o.rounds ?? 20;
  const times = new Float64Array(texts.length * rounds);
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const s = performance.now();
      clf.classifySync(t);
      times[k++] = performance.now() - s;
    }
  }
  times.sort();
  // A long e-mail-like message (about 1,500 characters of mixed text) as a worst-case check.
  const long = Array.from({ length: 40 }, (_, i) => texts[(i * 37) % texts.length])
    .join(' ')
    .slice(0, 1500);
  const longTimes = new Float64Array(200);
  for (let i = 0; i < longTimes.length; i++) {
    const s = performance.now();
    clf.classifySync(long);
    longTimes[i] = performance.now() - s;
  }
  longTimes.sort();
  return {
    held_out_messages: report.n,
    held_out_macro_f1: r4(report.macroF1),
    held_out_accuracy: r4(report.accuracy),
    held_out_ece: r4(report.ece),
    per_intent_f1: Object.fromEntries(INTENTS.map((l) => [l, r4(report.perLabel[l].f1)])),
    classifications: times.length,
    p50_ms: r4(quantile(times, 0.5)),
    p99_ms: r4(quantile(times, 0.99)),
    max_ms: r4(times[times.length - 1]),
    long_message_p99_ms: r4(quantile(longTimes, 0.99)),
    load_ms: Math.round(loadMs * 10) / 10,
    model_bytes: statSync(intentPaths.model()).size,
    model_features: model.weights.size,
  };
}
