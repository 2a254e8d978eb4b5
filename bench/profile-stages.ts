/**
 * Reads a V8 .cpuprofile and attributes each sample to a pipeline stage: the innermost frame in Omnilane's own
 * code decides (so JSON.stringify called by the stream worker counts for the worker); samples with no Omnilane
 * frame go to the library or runtime they are in (Fastify and node:http for the HTTP layer, DuckDB, GC, idle).
 */

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Stage name per path fragment of Omnilane's own files, first match wins. */
const OWN: Array<[RegExp, string]> = [
  [/\/shared\/envelope|\/ingest\//, 'ingest: validation, dedup claim, identity call, publish'],
  [/\/stream\/followup\/suppression|\/stream\/privacy\//, 'ingest: erasure guard (identifier digests)'],
  [/\/stream\/bus\//, 'bus (in-process log)'],
  [/\/stream\/state\/|\/shared\/ports\/state/, 'state store (memory journal)'],
  [/\/stream\/identity\//, 'identity'],
  [/\/stream\/sessions\//, 'sessions'],
  [/\/stream\/kpis\//, 'KPIs'],
  [/\/stream\/routing\/|\/cli\/routing-runtime/, 'routing'],
  [/\/stream\/intent\//, 'routing: intent classifier (triage)'],
  [/\/stream\/(event-worker|batch-dedup|state-recovery|metrics\/|settle-all)/, 'stream worker: decode, dedup, minute rows'],
  [/\/warehouse\/|\/stream\/observed-warehouse|\/shared\/tables/, 'warehouse writes (JS side)'],
  [/\/api\//, 'api: auth, routes, board reads'],
  [/\/stream\/followup\//, 'follow-up'],
  [/\/stream\//, 'stream: other'],
  [/\/cli\//, 'cli: composition, metrics'],
  [/\/shared\//, 'shared: logger, metrics, clock'],
];

const LIB: Array<[RegExp, string]> = [
  [/fastify|find-my-way|avvio|light-my-request|secure-json-parse|fast-json-stringify|@fastify/, 'HTTP: Fastify (routing, body parse, reply)'],
  [/^node:(_http|http|net|stream|internal\/(http|stream|streams|net))|node:_http/, 'HTTP: node:http, sockets'],
  [/@duckdb/, 'warehouse writes (JS side)'],
  [/pino|sonic-boom/, 'shared: logger, metrics, clock'],
];

const SPECIAL = new Map([
  ['(garbage collector)', 'GC'],
  ['(idle)', 'idle'],
  ['(program)', 'runtime: (program)'],
]);

function isOwn(url: string): boolean {
  return url !== '' && !url.includes('node_modules') && !url.startsWith('node:') && /\/(dist|shared|stream|ingest|api|cli|warehouse)\//.test(url);
}

export interface StageSummary {
  totalMs: number;
  busyMs: number;
  stages: Array<{ stage: string; ms: number }>;
}

/**
 * Self time per stage. `window`: only samples between these ms after the profile started (the load phase, not the
 * start-up's module loading or the shutdown's checkpoint).
 */
export function summariseProfile(p: CpuProfile, window: { fromMs: number; toMs: number } = { fromMs: 0, toMs: Infinity }): StageSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const classify = (id: number): string => {
    const cached = stageOf.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const special = SPECIAL.get(node.callFrame.functionName);
    let stage: string | undefined = special;
    if (!stage) {
      // innermost own frame on the stack
      let lib: string | undefined;
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const url = byId.get(cur)!.callFrame.url;
        if (isOwn(url)) {
          stage = OWN.find(([re]) => re.test(url))?.[1] ?? 'other own code';
          break;
        }
        lib ??= LIB.find(([re]) => re.test(url))?.[1];
      }
      stage ??= lib ?? 'runtime: node internals, native';
    }
    stageOf.set(id, stage);
    return stage;
  };
  const ms = new Map<string, number>();
  let total = 0;
  let at = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = (p.timeDeltas[i] ?? 0) / 1000;
    at += d;
    if (at < window.fromMs || at > window.toMs) continue;
    total += d;
    const s = classify(p.samples[i]);
    ms.set(s, (ms.get(s) ?? 0) + d);
  }
  const stages = [...ms.entries()].map(([stage, v]) => ({ stage, ms: v })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total, busyMs: total - (ms.get('idle') ?? 0), stages };
}

/** A printable table: ms, share of busy time and µs per event for each stage. */
export function stageTable(s: StageSummary, events: number): string {
  const rows = s.stages.map((x) => [
    x.stage,
    x.ms.toFixed(0),
    x.stage === 'idle' ? '' : `${((100 * x.ms) / s.busyMs).toFixed(1)} %`,
    x.stage === 'idle' ? '' : ((1000 * x.ms) / events).toFixed(1),
  ]);
  rows.push(['busy (all but idle)', s.busyMs.toFixed(0), '100 %', ((1000 * s.busyMs) / events).toFixed(1)]);
  const head = ['stage', 'ms', 'share', 'µs/event'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ')).join('\n');
}
