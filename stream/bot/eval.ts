/**
 * Evaluation of the FAQ bot on labelled questions ({"question","expected"} lines, expected an article id or
 * `handoff`). Pure apart from the bot itself.
 *
 * - answer precision: of the questions the bot answered, the share answered with the expected article
 *   (answering a must-hand-off question counts as wrong);
 * - handoff accuracy: the share of all questions where the bot chose correctly between answering and handing
 *   off (whatever the article);
 * - answer coverage: the share of answerable questions answered with the right article;
 * - handoff recall: the share of must-hand-off questions handed off.
 */
import type { FaqBot } from './faq-bot.js';

export interface BotEvalRow {
  question: string;
  expected: string;
}

export interface BotEvalReport {
  questions: number;
  answered: number;
  answer_precision: number;
  handoff_accuracy: number;
  answer_coverage: number;
  handoff_recall: number;
  misses: Array<{ question: string; expected: string; got: string; confidence: number }>;
}

/** Parses eval lines; bad lines are reported (BOT_ERR_BAD_EVAL) with their 1-based number, never thrown. */
export function parseBotEval(text: string): { rows: BotEvalRow[]; errors: Array<{ line: number; reason: string }> } {
  const rows: BotEvalRow[] = [];
  const errors: Array<{ line: number; reason: string }> = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      v = undefined;
    }
    const o = v as Partial<BotEvalRow> | undefined;
    if (!o || typeof o !== 'object' || typeof o.question !== 'string' || !o.question.trim() || typeof o.expected !== 'string' || !o.expected) {
      errors.push({ line: i + 1, reason: 'BOT_ERR_BAD_EVAL: expected {"question": string, "expected": article id or "handoff"}' });
      return;
    }
    rows.push({ question: o.question, expected: o.expected });
  });
  return { rows, errors };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1e4) / 1e4);

/** Runs the bot on every row and computes the figures above. */
export function evaluateBot(bot: Pick<FaqBot, 'ask'>, rows: readonly BotEvalRow[]): BotEvalReport {
  let answered = 0;
  let right = 0;
  let decidedRight = 0;
  let answerable = 0;
  let mustHandoff = 0;
  let handedOff = 0;
  const misses: BotEvalReport['misses'] = [];
  for (const r of rows) {
    const { decision } = bot.ask(r.question);
    const got = decision.kind === 'answer' ? decision.article.id : 'handoff';
    const expectHandoff = r.expected === 'handoff';
    if (expectHandoff) mustHandoff += 1;
    else answerable += 1;
    if (decision.kind === 'answer') {
      answered += 1;
      if (got === r.expected) right += 1;
    } else if (expectHandoff) handedOff += 1;
    if ((decision.kind === 'handoff') === expectHandoff) decidedRight += 1;
    if (got !== r.expected) misses.push({ question: r.question, expected: r.expected, got, confidence: decision.confidence });
  }
  return {
    questions: rows.length,
    answered,
    answer_precision: ratio(right, answered),
    handoff_accuracy: ratio(decidedRight, rows.length),
    answer_coverage: ratio(right, answerable),
    handoff_recall: ratio(handedOff, mustHandoff),
    misses,
  };
}
