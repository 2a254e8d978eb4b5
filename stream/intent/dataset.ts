/**
 * Labelled intent data: the team's JSON-lines files (stream/intent/data/) and the corrections agents make
 * (DATA_DIR/labels/intent-corrections.jsonl). Parsing and merging are pure; reading files is in model-files.ts.
 */
import { INTENTS, type Intent } from './intent-port.js';
import { normalise } from './text.js';

/** One labelled message; `lang` is the writer's tag (zh, en, mixed), used for per-language counts only. */
export interface LabelledExample {
  text: string;
  intent: Intent;
  lang?: 'zh' | 'en' | 'mixed';
}

/** An agent's correction: `{"text","intent","agent_id","at"}` per line (`at` an ISO-8601 time). */
export interface IntentCorrection {
  text: string;
  intent: Intent;
  agent_id: string;
  at: string;
}

export interface ParseResult<T> {
  rows: T[];
  /** Lines that were skipped, with 1-based line numbers and why. Blank lines are not errors. */
  errors: { line: number; reason: string }[];
}

const isIntent = (v: unknown): v is Intent => typeof v === 'string' && (INTENTS as readonly string[]).includes(v);

/**
 * Parses JSON lines with one row check: `check` returns the row, or why the line was skipped. Blank lines are
 * skipped silently; a line that is not JSON is reported, never thrown.
 */
function parseJsonLines<T>(jsonl: string, check: (v: Record<string, unknown>) => T | string): ParseResult<T> {
  const rows: T[] = [];
  const errors: ParseResult<T>['errors'] = [];
  jsonl.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(raw) as Record<string, unknown>; // a scalar or null line fails the field checks below
    } catch {
      errors.push({ line: i + 1, reason: 'not JSON' });
      return;
    }
    const r = check(v ?? {});
    if (typeof r === 'string') errors.push({ line: i + 1, reason: r });
    else rows.push(r);
  });
  return { rows, errors };
}

const INTENT_REASON = `"intent" must be one of ${INTENTS.join(', ')}`;

/** Parses labelled JSON lines (`{"text","intent","lang"?}`); bad lines are reported, never thrown. */
export function parseLabelled(jsonl: string): ParseResult<LabelledExample> {
  return parseJsonLines(jsonl, (v): LabelledExample | string => {
    if (typeof v.text !== 'string') return '"text" must be a string';
    if (!isIntent(v.intent)) return INTENT_REASON;
    const lang = v.lang === 'zh' || v.lang === 'en' || v.lang === 'mixed' ? v.lang : undefined;
    return { text: v.text, intent: v.intent, ...(lang ? { lang } : {}) };
  });
}

/** Parses corrections JSON lines; a line needs `text`, a current `intent`, `agent_id` and `at`. */
export function parseCorrections(jsonl: string): ParseResult<IntentCorrection> {
  return parseJsonLines(jsonl, (v): IntentCorrection | string => {
    if (typeof v.text !== 'string' || !v.text.trim()) return '"text" must be a non-empty string';
    if (!isIntent(v.intent)) return INTENT_REASON;
    if (typeof v.agent_id !== 'string' || !v.agent_id) return '"agent_id" must be a string';
    if (typeof v.at !== 'string' || Number.isNaN(Date.parse(v.at))) return '"at" must be an ISO-8601 time';
    return { text: v.text, intent: v.intent, agent_id: v.agent_id, at: v.at };
  });
}

export interface MergedTrainingSet {
  examples: LabelledExample[];
  /** Distinct messages with a correction (the latest per message wins), of which `relabelled` changed a label already in the team's data. */
  corrections: number;
  relabelled: number;
  /** Corrections dropped because their message is in the held-out set (training never sees it). */
  heldOutSkipped: number;
}

/**
 * The training set: the team's examples plus agents' corrections. Messages are matched by normalised text;
 * for one message the latest correction (by `at`, then file order) wins and replaces the team's label.
 * Corrections of held-out messages are skipped so the held-out figures stay honest.
 */
export function mergeCorrections(
  team: readonly LabelledExample[],
  corrections: readonly IntentCorrection[],
  heldOut: readonly LabelledExample[] = [],
): MergedTrainingSet {
  const held = new Set(heldOut.map((e) => normalise(e.text)));
  const latest = new Map<string, IntentCorrection>();
  let heldOutSkipped = 0;
  for (const c of corrections) {
    const key = normalise(c.text);
    if (held.has(key)) {
      heldOutSkipped += 1;
      continue;
    }
    const prev = latest.get(key);
    if (!prev || Date.parse(c.at) >= Date.parse(prev.at)) latest.set(key, c);
  }
  const used = latest.size;
  let relabelled = 0;
  const examples: LabelledExample[] = team.map((e) => {
    const key = normalise(e.text);
    const c = latest.get(key);
    if (!c) return e;
    latest.delete(key);
    if (c.intent !== e.intent) relabelled += 1;
    return { ...e, intent: c.intent };
  });
  for (const c of latest.values()) examples.push({ text: c.text, intent: c.intent });
  return { examples, corrections: used, relabelled, heldOutSkipped };
}
