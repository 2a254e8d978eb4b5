/**
 * FAQ bot bench (issue 15, deliverable 2): the shipped bot (demo knowledge base, default BOT_MIN_CONFIDENCE) on
 * the eval set stream/bot/data/bot-eval.jsonl: answer precision, handoff accuracy, coverage and handoff
 * recall; per-question latency of `ask` (intent + BM25 + decide, in-process, after warm-up) at p50/p99; and the
 * start-up cost (load and validate the articles, build the index).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../shared/paths.js';
import { DEFAULT_MIN_CONFIDENCE } from '../stream/bot/decide.js';
import { evaluateBot, parseBotEval } from '../stream/bot/eval.js';
import { FaqBot } from '../stream/bot/faq-bot.js';
import { loadKnowledgeBase } from '../stream/bot/knowledge-base.js';

export interface BotBenchResult {
  articles: number;
  questions: number;
  answered: number;
  min_confidence: number;
  answer_precision: number;
  handoff_accuracy: number;
  answer_coverage: number;
  handoff_recall: number;
  asks: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  start_ms: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export async function runBotBench(o: { rounds?: number } = {}): Promise<BotBenchResult> {
  const t0 = performance.now();
  const { articles } = loadKnowledgeBase();
  const bot = new FaqBot({ articles, minConfidence: DEFAULT_MIN_CONFIDENCE });
  bot.ask('发票怎么开');
  const startMs = performance.now() - t0;

  const rows = parseBotEval(readFileSync(join(projectRoot(), 'stream', 'bot', 'data', 'bot-eval.jsonl'), 'utf8')).rows;
  const report = evaluateBot(bot, rows);
  for (const r of rows) bot.ask(r.question); // warm-up
  const rounds = o.rounds ?? 50;
  const times = new Float64Array(rows.length * rounds);
  let k = 0;
  for (let i = 0; i < rounds; i++) {
    for (const r of rows) {
      const s = performance.now();
      bot.ask(r.question);
      times[k++] = performance.now() - s;
    }
  }
  times.sort();
  return {
    articles: articles.length,
    questions: report.questions,
    answered: report.answered,
    min_confidence: DEFAULT_MIN_CONFIDENCE,
    answer_precision: report.answer_precision,
    handoff_accuracy: report.handoff_accuracy,
    answer_coverage: report.answer_coverage,
    handoff_recall: report.handoff_recall,
    asks: times.length,
    p50_ms: r4(quantile(times, 0.5)),
    p99_ms: r4(quantile(times, 0.99)),
    max_ms: r4(times[times.length - 1]),
    start_ms: Math.round(startMs * 10) / 10,
  };
}
