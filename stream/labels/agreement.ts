import { INTENTS, type Intent } from '../intent/intent-port.js';
import { parseCorrections } from '../intent/dataset.js';

/** Agreement between the model and the agents who corrected (or confirmed) its intents. */
export interface AgreementReport {
  /** Corrections counted: the latest per message, with a model prediction. */
  n: number;
  agreed: number;
  /** agreed / n; null when n = 0. */
  rate: number | null;
  /** confusion[model][agent]: how often the model said `model` and the agent chose `agent`. */
  confusion: Record<Intent, Record<Intent, number>>;
  /** Per intent: times the model predicted it, times agents chose it, and times both did. */
  perIntent: Record<Intent, { model: number; agent: number; agreed: number }>;
  /** Lines skipped: unreadable, or without a model prediction (appended by other tools). */
  skipped: number;
  /** Bot-answer verdicts. */
  bot: { wrong: number; right: number };
}

const isIntent = (v: unknown): v is Intent => typeof v === 'string' && (INTENTS as readonly string[]).includes(v);

/**
 * The agreement report from the stored JSON lines. Pure. A message corrected several times counts once, with
 * its latest correction (by `at`, then file order), as `omnilane intent train` does; the key is the
 * conversation and message id when stored, else the text.
 */
export function agreementReport(correctionsJsonl: string, botFeedbackJsonl = ''): AgreementReport {
  const parsed = parseCorrections(correctionsJsonl);
  let skipped = parsed.errors.length;
  const latest = new Map<string, { model: Intent; agent: Intent; at: number }>();
  for (const raw of correctionsJsonl.split('\n')) {
    if (!raw.trim()) continue;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(raw) as Record<string, unknown>; // a scalar or null line fails the field checks below
    } catch {
      continue; // counted by parseCorrections
    }
    if (
      typeof v?.text !== 'string' ||
      !v.text.trim() ||
      !isIntent(v.intent) ||
      typeof v.agent_id !== 'string' ||
      !v.agent_id ||
      typeof v.at !== 'string' ||
      Number.isNaN(Date.parse(v.at))
    )
      continue;
    if (!isIntent(v.model_intent)) {
      skipped += 1;
      continue;
    }
    const key = typeof v.conversation_id === 'string' && typeof v.message_id === 'string' ? `m:${v.conversation_id}\u0000${v.message_id}` : `t:${v.text}`;
    const at = Date.parse(v.at);
    const prev = latest.get(key);
    if (!prev || at >= prev.at) latest.set(key, { model: v.model_intent, agent: v.intent, at });
  }
  const confusion = Object.fromEntries(INTENTS.map((m) => [m, Object.fromEntries(INTENTS.map((a) => [a, 0]))])) as AgreementReport['confusion'];
  const perIntent = Object.fromEntries(INTENTS.map((l) => [l, { model: 0, agent: 0, agreed: 0 }])) as AgreementReport['perIntent'];
  let agreed = 0;
  for (const { model, agent } of latest.values()) {
    confusion[model][agent] += 1;
    perIntent[model].model += 1;
    perIntent[agent].agent += 1;
    if (model === agent) {
      agreed += 1;
      perIntent[model].agreed += 1;
    }
  }
  const bot = { wrong: 0, right: 0 };
  for (const raw of botFeedbackJsonl.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const v = JSON.parse(raw) as { verdict?: unknown };
      if (v.verdict === 'wrong' || v.verdict === 'right') bot[v.verdict] += 1;
    } catch {
      // a torn line is not a verdict
    }
  }
  const n = latest.size;
  return { n, agreed, rate: n ? agreed / n : null, confusion, perIntent, skipped, bot };
}

/** The report as text for the command line. */
export function formatAgreementReport(r: AgreementReport): string {
  const lines = [
    `corrections ${r.n}   agreed with the model ${r.agreed}   agreement ${r.rate === null ? '-' : r.rate.toFixed(3)}   skipped lines ${r.skipped}`,
    `bot answers marked wrong ${r.bot.wrong}, right ${r.bot.right}`,
    '',
    'intent                 model   agent  agreed',
  ];
  for (const l of INTENTS) {
    const p = r.perIntent[l];
    lines.push(`${l.padEnd(20)}${String(p.model).padStart(8)}${String(p.agent).padStart(8)}${String(p.agreed).padStart(8)}`);
  }
  const short = (l: string) => l.slice(0, 7).padStart(8);
  lines.push('', 'confusion (rows = model, columns = agent)', ' '.repeat(20) + INTENTS.map(short).join(''));
  for (const m of INTENTS) lines.push(m.padEnd(20) + INTENTS.map((a) => String(r.confusion[m][a]).padStart(8)).join(''));
  return lines.join('\n') + '\n';
}
