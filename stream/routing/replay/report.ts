import type { PolicyRun, ReplayReport } from './replay.js';

const ms = (v: number | null) => (v === null ? '-' : v < 10_000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

/** The replay side by side: one row per measure, the recorded policy then the tried one. */
export function formatReplayTable(r: ReplayReport): string {
  const [base, trial] = r.runs;
  const rows: Array<[string, (x: PolicyRun) => string]> = [
    ['served', (x) => String(x.served)],
    ['unserved', (x) => String(x.unserved)],
    ['wait p50', (x) => ms(x.wait_p50_ms)],
    ['wait p90', (x) => ms(x.wait_p90_ms)],
    ['SLA misses', (x) => String(x.sla_misses)],
    ['load Gini', (x) => x.gini.toFixed(4)],
    ['expected conversions', (x) => x.expected_conversions.toFixed(2)],
    // The experiment outcome metrics (docs/experiments.md), estimated where the replay has a model of them.
    ['deal rate (expected)', (x) => `${(x.outcomes.deal_rate * 100).toFixed(2)} %`],
    ['deal value / conversation', (x) => x.outcomes.deal_value.toFixed(2)],
    ['first response p50 (wait)', (x) => ms(x.outcomes.first_response_p50_ms)],
    ['first response p90 (wait)', (x) => ms(x.outcomes.first_response_p90_ms)],
    ['inquiry → opportunity', () => 'not simulated'],
    ['CSAT', () => 'not simulated'],
    ['deal cycle', () => 'not simulated'],
  ];
  const head = ['', `recorded (${base.label})`, trial.policy, 'difference'];
  const diff = (name: string): string => {
    const num = (x: PolicyRun): number | null =>
      name === 'deal rate (expected)'
        ? x.outcomes.deal_rate * 100
        : name === 'deal value / conversation'
          ? x.outcomes.deal_value
          : name.startsWith('first response p50')
            ? x.outcomes.first_response_p50_ms
            : name.startsWith('first response p90')
              ? x.outcomes.first_response_p90_ms
              : null;
    const [a, b] = [num(base), num(trial)];
    if (a === null || b === null) return '';
    const d = b - a;
    return name.startsWith('first response')
      ? `${d >= 0 ? '+' : '-'}${ms(Math.abs(d))}`
      : `${d >= 0 ? '+' : ''}${d.toFixed(2)}${name.startsWith('deal rate') ? ' pp' : ''}`;
  };
  const cells = rows.map(([name, f]) => [name, f(base), f(trial), diff(name)]);
  const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k].length)));
  const line = (c: string[]) =>
    c
      .map((s, k) => (k === 0 ? s.padEnd(widths[k]) : s.padStart(widths[k])))
      .join('  ')
      .trimEnd();
  const ev = r.model.evaluation;
  const model =
    `model: trained on ${r.model.trained_on} conversations${r.model.in_sample ? ' (in sample: too little history before the window)' : ' before the window'}, ` +
    `base rate ${(r.model.base_rate * 100).toFixed(1)} %` +
    (ev ? `; on the window AUC ${Number.isNaN(ev.auc) ? '-' : ev.auc.toFixed(3)}, log-loss ${ev.logLoss.toFixed(4)} (base ${ev.baseLogLoss.toFixed(4)})` : '');
  return (
    [
      `replay ${new Date(r.from_ms).toISOString()} → ${new Date(r.to_ms).toISOString()}: ${r.conversations} conversations, ${r.agents} agents (roster ${r.roster === 'file' ? 'from file' : 'from the data'}), seed ${r.seed}`,
      model,
      '',
      line(head),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...cells.map(line),
    ].join('\n') + '\n'
  );
}

/** The JSON the command prints with --json (NaN, which JSON lacks, becomes null). */
export function replayJson(r: ReplayReport): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
