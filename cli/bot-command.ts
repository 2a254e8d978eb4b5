/**
 * `omnilane bot ask | eval` (docs/ai.md, "FAQ bot"): the FAQ bot from the command line.
 * Exit codes: 0 done, 1 some eval lines or knowledge-base articles were bad (the rest were used) or nothing to
 * use, 2 usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateBot, parseBotEval, type BotEvalReport } from '../stream/bot/eval.js';
import { FaqBot } from '../stream/bot/faq-bot.js';
import { loadKnowledgeBase, SHIPPED_KNOWLEDGE_DIR } from '../stream/bot/knowledge-base.js';
import { parseFlags, type FlagSpecs } from './args.js';
import type { CommandIo } from './attribution-command.js';

export interface BotCommandDeps {
  /** BOT_KNOWLEDGE_DIR (undefined: the shipped demo base). */
  knowledgeDir?: string;
  /** BOT_MIN_CONFIDENCE. */
  minConfidence: number;
}

const USAGE = `usage: omnilane bot ask "QUESTION" [--json] [--knowledge DIR] [--min-confidence X]
         answers from the knowledge base, or says it hands over to a person;
         --json prints {"article_id" | null, "confidence", "answer", "handoff"}
       omnilane bot eval --input FILE [--json] [--knowledge DIR] [--min-confidence X]
         input lines {"question","expected"} (expected: an article id or "handoff"):
         answer precision, handoff accuracy, answer coverage, handoff recall and the misses
knowledge: --knowledge, else BOT_KNOWLEDGE_DIR, else the shipped demo base (stream/bot/knowledge)`;

const BOT_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  input: { type: 'string' },
  knowledge: { type: 'string' },
  'min-confidence': { type: 'number', min: 0, max: 1 },
} as const satisfies FlagSpecs;

function usage(io: CommandIo, why: string): number {
  io.stderr(`omnilane bot: BOT_ERR_BAD_ARGS: ${why}\n${USAGE}\n`);
  return 2;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The eval report as text. */
export function formatBotEval(r: BotEvalReport): string {
  const lines = [
    `questions ${r.questions}   answered ${r.answered}`,
    `answer precision  ${pct(r.answer_precision)}   (answered with the expected article / answered)`,
    `handoff accuracy  ${pct(r.handoff_accuracy)}   (answer-or-handoff choice right / questions)`,
    `answer coverage   ${pct(r.answer_coverage)}   (answered right / answerable)`,
    `handoff recall    ${pct(r.handoff_recall)}   (handed off / must hand off)`,
  ];
  if (r.misses.length) {
    lines.push('', 'misses (expected → got, confidence):');
    for (const m of r.misses) lines.push(`  ${m.expected} → ${m.got} (${m.confidence.toFixed(2)})  ${m.question}`);
  }
  return lines.join('\n') + '\n';
}

/** Entry for `omnilane bot …`; `argv` excludes `bot`. */
export async function runBotCommand(argv: string[], io: CommandIo, deps: BotCommandDeps): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(USAGE + '\n');
    return 0;
  }
  if (sub !== 'ask' && sub !== 'eval') return usage(io, `unknown subcommand "${sub}"`);
  // ask takes its question (counted below, to say "quote it"); eval takes no plain argument.
  const parsed = parseFlags(rest, BOT_FLAGS, { positionals: sub === 'ask' ? Infinity : 0 });
  if (!parsed.ok) return usage(io, parsed.message);
  const { flags, positionals: positional } = parsed;
  if (flags.help) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  const minConfidence = flags['min-confidence'] ?? deps.minConfidence;
  const dir = flags.knowledge ? resolve(flags.knowledge) : (deps.knowledgeDir ?? SHIPPED_KNOWLEDGE_DIR);
  const kb = loadKnowledgeBase(dir);
  for (const e of kb.errors) io.stderr(`${e.file}${e.line ? `:${e.line}` : ''}: ${e.code}: ${e.reason}\n`);
  if (kb.articles.length === 0) {
    io.stderr(`omnilane bot: no usable article in ${dir}\n`);
    return 1;
  }
  const bot = new FaqBot({ articles: kb.articles, minConfidence });
  const kbBad = kb.errors.length > 0 ? 1 : 0;

  if (sub === 'ask') {
    if (positional.length !== 1 || !positional[0].trim()) return usage(io, 'ask takes one quoted question');
    const r = bot.ask(positional[0]);
    const d = r.decision;
    if (flags.json) {
      io.stdout(
        JSON.stringify({
          article_id: d.kind === 'answer' ? d.article.id : null,
          confidence: d.confidence,
          answer: r.answer,
          handoff: d.kind === 'handoff' ? { reason: d.reason, intent: d.intent, summary: d.summary } : null,
        }) + '\n',
      );
    } else if (d.kind === 'answer') {
      io.stdout(`[${d.article.id}, confidence ${d.confidence.toFixed(2)}]\n${r.answer}\n`);
    } else {
      io.stdout(`[handoff: ${d.reason}, intent ${d.intent}, confidence ${d.confidence.toFixed(2)}]\n${r.answer}\n`);
    }
    return kbBad;
  }

  const input = flags.input;
  if (!input) return usage(io, '--input FILE is required');
  if (!existsSync(input)) return usage(io, `no such file: ${input}`);
  const { rows, errors } = parseBotEval(readFileSync(input, 'utf8'));
  for (const e of errors) io.stderr(`line ${e.line}: ${e.reason}\n`);
  if (rows.length === 0) {
    io.stderr('omnilane bot: no questions to evaluate\n');
    return 1;
  }
  const report = evaluateBot(bot, rows);
  io.stdout(flags.json ? JSON.stringify(report) + '\n' : formatBotEval(report));
  return errors.length || kbBad ? 1 : 0;
}
