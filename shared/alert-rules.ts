import { readFileSync } from 'node:fs';
import { OmnilaneError } from './errors.js';
import { FILTER_NAMES, isKpiName, kpiDef, kpiStats, type KpiFilters, type KpiName } from './kpi-catalogue.js';

export const ALERT_OPS = ['>', '<', '>=', '<='] as const;
export type AlertOp = (typeof ALERT_OPS)[number];

/** One alert rule (ALERT_RULES): fire while `stat` of `kpi` over the last `window_minutes` is `op threshold`. */
export interface AlertRule {
  id: string;
  kpi: KpiName;
  stat: string;
  op: AlertOp;
  threshold: number;
  window_minutes: number;
  filters: KpiFilters;
  message: { en: string; zh: string };
}

/** The default: first response p90 above 60 s over 5 minutes. */
export const DEFAULT_ALERT_RULES = JSON.stringify([
  {
    id: 'frt_p90',
    kpi: 'first_response',
    stat: 'p90',
    op: '>',
    threshold: 60_000,
    window_minutes: 5,
    message: { en: 'First response p90 is above 60 s', zh: '首次响应 p90 超过 60 秒' },
  },
]);

const fail = (why: string): never => {
  throw new OmnilaneError('CFG_ERR_INVALID', `ALERT_RULES: ${why}`);
};

function defaultMessage(r: Pick<AlertRule, 'kpi' | 'stat' | 'op' | 'threshold' | 'window_minutes'>): { en: string; zh: string } {
  return {
    en: `${r.kpi} ${r.stat} ${r.op} ${r.threshold} over ${r.window_minutes} min`,
    zh: `${r.kpi} ${r.stat} ${r.op} ${r.threshold}（${r.window_minutes} 分钟内）`,
  };
}

/** Checks one rule object; names the rule and the field that is wrong. */
export function checkRule(raw: unknown, index: number): AlertRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`rule ${index} must be an object`);
  const r = raw as Record<string, unknown>;
  const where = `rule ${typeof r.id === 'string' ? JSON.stringify(r.id) : index}`;
  const known = new Set(['id', 'kpi', 'stat', 'op', 'threshold', 'window_minutes', 'filters', 'message']);
  for (const k of Object.keys(r)) if (!known.has(k)) fail(`${where}: unknown field ${k}`);
  if (typeof r.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(r.id)) fail(`${where}: id must be 1-64 characters of A-Z a-z 0-9 _ . -`);
  if (typeof r.kpi !== 'string' || !isKpiName(r.kpi)) return fail(`${where}: kpi ${JSON.stringify(r.kpi)} is not a KPI`);
  const kpi = r.kpi;
  const stat = r.stat === undefined ? 'value' : r.stat;
  if (typeof stat !== 'string' || !kpiStats(kpi).includes(stat)) fail(`${where}: stat ${JSON.stringify(stat)} must be one of ${kpiStats(kpi).join(', ')}`);
  if (typeof r.op !== 'string' || !(ALERT_OPS as readonly string[]).includes(r.op)) fail(`${where}: op must be one of ${ALERT_OPS.join(' ')}`);
  if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold)) fail(`${where}: threshold must be a finite number`);
  const windowMinutes = r.window_minutes === undefined ? 5 : r.window_minutes;
  if (typeof windowMinutes !== 'number' || !Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 1440)
    fail(`${where}: window_minutes must be an integer from 1 to 1440`);
  const filters: KpiFilters = {};
  if (r.filters !== undefined) {
    if (typeof r.filters !== 'object' || r.filters === null || Array.isArray(r.filters)) fail(`${where}: filters must be an object`);
    for (const [k, v] of Object.entries(r.filters as Record<string, unknown>)) {
      if (!(FILTER_NAMES as readonly string[]).includes(k) || !kpiDef(kpi).filters.includes(k as (typeof FILTER_NAMES)[number]))
        fail(`${where}: ${kpi} cannot be filtered by ${k}`);
      if (typeof v !== 'string' || v === '') fail(`${where}: filter ${k} must be a non-empty string`);
      filters[k as (typeof FILTER_NAMES)[number]] = v as string;
    }
  }
  const rule = {
    id: r.id as string,
    kpi,
    stat: stat as string,
    op: r.op as AlertOp,
    threshold: r.threshold as number,
    window_minutes: windowMinutes as number,
    filters,
  };
  let message = defaultMessage(rule);
  if (r.message !== undefined) {
    const m = r.message as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null || typeof m.en !== 'string' || typeof m.zh !== 'string') fail(`${where}: message must be {en, zh} strings`);
    message = { en: m!.en as string, zh: m!.zh as string };
  }
  return { ...rule, message };
}

/**
 * Parses ALERT_RULES: a JSON array, or a path to a file holding one. Unset: the default frt_p90 rule; `[]`
 * turns alerting off. Throws CFG_ERR_INVALID naming ALERT_RULES and the bad rule.
 */
export function parseAlertRules(raw: string | undefined, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): AlertRule[] {
  let text = raw === undefined || raw.trim() === '' ? DEFAULT_ALERT_RULES : raw.trim();
  if (!text.startsWith('[')) {
    try {
      text = readFile(text);
    } catch (err) {
      fail(`is neither a JSON array nor a readable file (${(err as Error).message})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(`is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) return fail('must be a JSON array of rules');
  const rules = parsed.map((r, i) => checkRule(r, i));
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) fail(`rule id ${JSON.stringify(r.id)} is used twice`);
    ids.add(r.id);
  }
  return rules;
}
