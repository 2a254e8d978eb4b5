/**
 * `omnilane intent classify | eval | train | agreement` (docs/ai.md): the built-in intent model from the command line.
 * Exit codes: 0 done, 1 some input lines were bad (the rest were processed) or no usable data, 2 usage error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BuiltinIntentClassifier } from '../stream/intent/builtin-classifier.js';
import { mergeCorrections } from '../stream/intent/dataset.js';
import { INTENTS } from '../stream/intent/intent-port.js';
import { evaluate, formatConfusion, type EvalReport } from '../stream/intent/metrics.js';
import { intentPaths, loadModelFile, readCorrections, readLabelled } from '../stream/intent/model-files.js';
import { trainIntentModel } from '../stream/intent/train.js';
import { agreementReport, formatAgreementReport, labelPaths } from '../stream/labels/index.js';
import { parseFlags, type FlagSpecs, type FlagValues } from './args.js';
import type { CommandIo } from './attribution-command.js';

export interface IntentCommandDeps {
  /** DATA_DIR, where agents' corrections live (labels/intent-corrections.jsonl). */
  dataDir: string;
}

const USAGE = `usage: omnilane intent classify --input FILE [--model FILE]
         one JSON line per input line ({"text"}): {"text","intent","confidence"}
       omnilane intent eval --input FILE [--model FILE] [--json]
         input lines {"text","intent"}: accuracy, macro-F1, ECE, per-intent F1 and the confusion matrix
       omnilane intent train [--data FILE] [--corrections FILE] [--out FILE] [--seed N]
         rebuilds the model from the team's labelled data (default stream/intent/data/intent-train.jsonl)
         plus agents' corrections (default DATA_DIR/labels/intent-corrections.jsonl) into
         --out (default stream/intent/model/intent-model.json); the held-out set is only evaluated
       omnilane intent agreement [--corrections FILE] [--bot-feedback FILE] [--json]
         how often agents agreed with the model (default DATA_DIR/labels/): rate, confusion, per intent`;

const help = { type: 'boolean', short: 'h' } as const;
const json = { type: 'boolean' } as const;
const file = { type: 'string' } as const;
/** Each subcommand takes only its own flags (see USAGE). */
const INTENT_FLAGS = {
  classify: { help, input: file, model: file },
  eval: { help, input: file, model: file, json },
  train: { help, data: file, corrections: file, out: file, seed: { type: 'number', integer: true } },
  agreement: { help, corrections: file, 'bot-feedback': file, json },
} as const satisfies Record<string, FlagSpecs>;
type Flags<K extends keyof typeof INTENT_FLAGS> = FlagValues<(typeof INTENT_FLAGS)[K]>;

const pct = (x: number) => x.toFixed(3);

/** The eval report as text: headline figures, per-intent precision/recall/F1, confusion matrix. */
export function formatEvalReport(r: EvalReport): string {
  const lines = [
    `messages ${r.n}   accuracy ${pct(r.accuracy)}   macro-F1 ${pct(r.macroF1)}   ECE ${pct(r.ece)}`,
    '',
    'intent                precision  recall     F1  support',
  ];
  for (const l of INTENTS) {
    const p = r.perLabel[l];
    lines.push(`${l.padEnd(20)}${pct(p.precision).padStart(11)}${pct(p.recall).padStart(8)}${pct(p.f1).padStart(7)}${String(p.support).padStart(9)}`);
  }
  lines.push('', 'confusion matrix (rows = truth, columns = predicted)', formatConfusion(r, INTENTS));
  return lines.join('\n') + '\n';
}

function classifierFor(f: { model?: string }): BuiltinIntentClassifier {
  return new BuiltinIntentClassifier(f.model ? { model: loadModelFile(resolve(f.model)) } : {});
}

function classify(f: Flags<'classify'>, io: CommandIo): number {
  const input = f.input;
  if (!input) return usage(io, '--input FILE is required');
  if (!existsSync(input)) return usage(io, `no such file: ${input}`);
  const clf = classifierFor(f);
  let bad = 0;
  const out: string[] = [];
  readFileSync(input, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (!raw.trim()) return;
      let text: unknown;
      try {
        text = (JSON.parse(raw) as { text?: unknown } | null)?.text;
      } catch {
        text = undefined;
      }
      if (typeof text !== 'string') {
        bad += 1;
        io.stderr(`line ${i + 1}: expected a JSON object with a string "text"\n`);
        return;
      }
      const r = clf.classifySync(text);
      out.push(JSON.stringify({ text, intent: r.intent, confidence: Math.round(r.confidence * 1e4) / 1e4 }));
    });
  if (out.length) io.stdout(out.join('\n') + '\n');
  return bad ? 1 : 0;
}

function evalCommand(f: Flags<'eval'>, io: CommandIo): number {
  const input = f.input;
  if (!input) return usage(io, '--input FILE is required');
  if (!existsSync(input)) return usage(io, `no such file: ${input}`);
  const { rows, errors } = readLabelled(input);
  for (const e of errors) io.stderr(`line ${e.line}: ${e.reason}\n`);
  if (rows.length === 0) {
    io.stderr('no labelled messages to evaluate\n');
    return 1;
  }
  const clf = classifierFor(f);
  const report = evaluate(
    rows.map((e) => {
      const r = clf.classifySync(e.text);
      return { truth: e.intent, predicted: r.intent, confidence: r.confidence };
    }),
    INTENTS,
  );
  io.stdout(f.json ? JSON.stringify(report) + '\n' : formatEvalReport(report));
  return errors.length ? 1 : 0;
}

function train(f: Flags<'train'>, io: CommandIo, deps: IntentCommandDeps): number {
  const data = f.data ?? intentPaths.train();
  const correctionsPath = f.corrections ?? intentPaths.corrections(deps.dataDir);
  const out = f.out ?? intentPaths.model();
  const seed = f.seed ?? 15;
  if (!existsSync(data)) return usage(io, `no such file: ${data}`);
  const team = readLabelled(data);
  const corr = readCorrections(correctionsPath);
  for (const e of team.errors) io.stderr(`${data}:${e.line}: ${e.reason}\n`);
  for (const e of corr.errors) io.stderr(`${correctionsPath}:${e.line}: ${e.reason}\n`);
  const heldOut = existsSync(intentPaths.heldOut()) ? readLabelled(intentPaths.heldOut()).rows : [];
  const merged = mergeCorrections(team.rows, corr.rows, heldOut);
  const missing = INTENTS.filter((l) => !merged.examples.some((e) => e.intent === l));
  if (missing.length) {
    io.stderr(`no training examples for ${missing.join(', ')}\n`);
    return 1;
  }
  const t0 = performance.now();
  const result = trainIntentModel(merged.examples, { seed });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result.doc) + '\n');
  io.stdout(
    `trained on ${merged.examples.length} messages (${team.rows.length} labelled by the team, ${merged.corrections} corrected by agents, ` +
      `${merged.relabelled} relabelled, ${merged.heldOutSkipped} held-out corrections skipped) in ${Math.round(performance.now() - t0)} ms\n` +
      `cross-validated: accuracy ${pct(result.cv.accuracy)}  macro-F1 ${pct(result.cv.macroF1)}  ECE ${pct(result.cv.ece)} (before temperature scaling ${pct(result.cvEceUncalibrated)}), temperature ${result.doc.temperature}\n` +
      `wrote ${out} (${Object.keys(result.doc.weights).length} features)\n`,
  );
  if (heldOut.length) {
    const clf = new BuiltinIntentClassifier({ model: result.doc });
    const r = evaluate(
      heldOut.map((e) => ({ truth: e.intent, predicted: clf.classifySync(e.text).intent, confidence: clf.classifySync(e.text).confidence })),
      INTENTS,
    );
    io.stdout(`held-out (${r.n} messages, never trained on): accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macroF1)}  ECE ${pct(r.ece)}\n`);
  }
  return team.errors.length || corr.errors.length ? 1 : 0;
}

function agreement(f: Flags<'agreement'>, io: CommandIo, deps: IntentCommandDeps): number {
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const r = agreementReport(read(f.corrections ?? labelPaths.corrections(deps.dataDir)), read(f['bot-feedback'] ?? labelPaths.botFeedback(deps.dataDir)));
  io.stdout(f.json ? JSON.stringify(r) + '\n' : formatAgreementReport(r));
  return 0;
}

function usage(io: CommandIo, message?: string): number {
  io.stderr(`${message ? `omnilane intent: ${message}\n` : ''}${USAGE}\n`);
  return 2;
}

/** Parses the flags of one subcommand, answers --help and usage errors, else runs it. */
function withFlags<S extends FlagSpecs>(rest: string[], specs: S, io: CommandIo, run: (f: FlagValues<S>) => number): number {
  const parsed = parseFlags(rest, specs);
  if (!parsed.ok) return usage(io, parsed.message);
  if ((parsed.flags as { help?: boolean }).help) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  return run(parsed.flags);
}

/** Runs `omnilane intent <sub> …`; returns the exit code. */
export async function runIntentCommand(argv: string[], io: CommandIo, deps: IntentCommandDeps): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'classify':
      return withFlags(rest, INTENT_FLAGS.classify, io, (f) => classify(f, io));
    case 'eval':
      return withFlags(rest, INTENT_FLAGS.eval, io, (f) => evalCommand(f, io));
    case 'train':
      return withFlags(rest, INTENT_FLAGS.train, io, (f) => train(f, io, deps));
    case 'agreement':
      return withFlags(rest, INTENT_FLAGS.agreement, io, (f) => agreement(f, io, deps));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE + '\n');
      return 0;
    default:
      return usage(io, `unknown subcommand "${sub}"`);
  }
}
