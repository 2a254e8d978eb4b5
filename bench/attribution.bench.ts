/**
 * Attribution bench: 1,000,000 seeded journeys (≈4 touches, 20 channels) written to a temp CSV, then
 * end to end (read + parse + aggregate + models) and compute alone. Run: npx tsx bench/attribution.bench.ts
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { seededRng } from '../shared/random.js';
import { markovAttribution, readPathCsvFile, shapleyAttribution, shapleyProbabilityAttribution, type EncodedPaths } from '../stream/attribution/index.js';
import { runChannelAttributionAnchor, type AnchorFigures } from './attribution-anchor.js';

const CHANNELS = [
  'site_visit',
  'web_chat',
  'phone_follow_up',
  'agent_reply',
  'follow_up_sms',
  'email',
  'whatsapp',
  'wechat',
  'app_push',
  'paid_search',
  'organic_search',
  'display',
  'social',
  'affiliate',
  'referral',
  'webinar',
  'demo_call',
  'deal_desk',
  'partner',
  'direct',
];

export interface AttributionBenchOptions {
  journeys?: number;
  seed?: number;
  /** repetitions of each timed scenario (median and best are reported) */
  runs?: number;
  /** include the Monte Carlo Shapley row (default true) */
  monteCarlo?: boolean;
  /** Markov orders timed alone (default 1..4) */
  orders?: number[];
  /** run ChannelAttribution on the same file as the anchor (default true; needs python3 and PyPI) */
  anchor?: boolean;
  /** write bench/results/attribution.json (default true) */
  writeResults?: boolean;
  log?: (line: string) => void;
}

/** Writes `journeys` seeded journeys, one CSV row each (not pre-aggregated). */
export async function generateJourneysCsv(file: string, journeys: number, seed: number): Promise<number> {
  const rng = seededRng(seed);
  // skewed channel popularity and per-channel lift, so the models disagree in interesting ways
  const weights = CHANNELS.map((_, i) => 1 / (i + 1) ** 0.8);
  const cum: number[] = [];
  weights.reduce((acc, w, i) => (cum[i] = acc + w), 0);
  const total = cum[cum.length - 1];
  const lift = CHANNELS.map(() => 0.6 + rng() * 1.2);
  const out = createWriteStream(file);
  out.write('path,total_conversions,total_conversion_value,total_null\n');
  let buf = '';
  let bytes = 0;
  for (let j = 0; j < journeys; j++) {
    let len = 1;
    while (len < 20 && rng() < 0.75) len++; // 1 + Geometric(1/4): mean 4
    let path = '';
    let score = 0.02;
    for (let k = 0; k < len; k++) {
      const u = rng() * total;
      let c = 0;
      while (cum[c] < u) c++;
      path += (k ? ' > ' : '') + CHANNELS[c];
      score *= lift[c];
    }
    const converted = rng() < Math.min(0.9, score * 3) ? 1 : 0;
    const value = converted ? Math.round(100 + rng() * 4900) : 0;
    buf += `${path},${converted},${value},${1 - converted}\n`;
    if (buf.length > 1 << 20) {
      bytes += buf.length;
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  bytes += buf.length;
  out.end(buf);
  await once(out, 'finish');
  return bytes;
}

async function load(file: string): Promise<EncodedPaths> {
  const res = await readPathCsvFile(file);
  if (!res.ok) throw new Error(res.message);
  return res.paths;
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { median_ms: round(s[Math.floor(s.length / 2)]), best_ms: round(s[0]), runs: s.map(round) };
}

const round = (x: number) => Math.round(x * 10) / 10;
const rssMb = () => round(process.resourceUsage().maxRSS / 1024);

/** Runs the bench and returns (and by default writes) the figures. */
export async function runAttributionBench(opts: AttributionBenchOptions = {}): Promise<Record<string, unknown>> {
  const journeys = opts.journeys ?? 1_000_000;
  const seed = opts.seed ?? 20240607;
  const runs = opts.runs ?? 3;
  const orders = opts.orders ?? [1, 2, 3, 4];
  const log = opts.log ?? ((l: string) => console.log(l));
  const file = join(tmpdir(), `omnilane-attribution-bench-${process.pid}.csv`);
  const t0 = performance.now();
  const bytes = await generateJourneysCsv(file, journeys, seed);
  const genMs = performance.now() - t0;
  log(`generated ${journeys} journeys (${(bytes / 1e6).toFixed(1)} MB) in ${genMs.toFixed(0)} ms`);
  try {
    const timed = async (fn: () => unknown) => {
      const ms: number[] = [];
      for (let r = 0; r < runs; r++) {
        const a = performance.now();
        await fn();
        ms.push(performance.now() - a);
      }
      return stats(ms);
    };
    const e2e: Record<string, ReturnType<typeof stats> & { target_ms: number; peak_rss_mb: number }> = {};
    e2e['parse only'] = { ...(await timed(() => load(file))), target_ms: NaN, peak_rss_mb: rssMb() };
    e2e['markov o1'] = {
      ...(await timed(async () => markovAttribution(await load(file), { order: 1, includeTransitions: false }))),
      target_ms: NaN,
      peak_rss_mb: rssMb(),
    };
    e2e['markov o1 + shapley'] = {
      ...(await timed(async () => {
        const p = await load(file);
        markovAttribution(p, { order: 1, includeTransitions: false });
        shapleyAttribution(p);
      })),
      target_ms: 2000,
      peak_rss_mb: rssMb(),
    };
    e2e['markov o3 + shapley'] = {
      ...(await timed(async () => {
        const p = await load(file);
        markovAttribution(p, { order: 3, includeTransitions: false });
        shapleyAttribution(p);
      })),
      target_ms: 4000,
      peak_rss_mb: rssMb(),
    };

    const paths = await load(file);
    const compute: Record<string, ReturnType<typeof stats> & { note?: string }> = {};
    for (const order of orders) {
      let note = '';
      compute[`markov o${order}`] = {
        ...(await timed(() => {
          const r = markovAttribution(paths, { order, includeTransitions: false });
          note = `${r.solver.states} transient states, ${r.solver.method}, ${r.solver.sweeps} sweeps, bound ${r.solver.max_error_bound.toExponential(1)}`;
        })),
        note,
      };
    }
    compute['markov o3 + transition list'] = await timed(() => markovAttribution(paths, { order: 3 }));
    compute['shapley (count, Zhao)'] = await timed(() => shapleyAttribution(paths));
    compute['shapley (probability, exact 2^20)'] = await timed(() => shapleyProbabilityAttribution(paths));
    if (opts.monteCarlo !== false)
      compute['shapley (probability, MC 500 perms)'] = await timed(() =>
        shapleyProbabilityAttribution(paths, { forceMonteCarlo: true, samples: 500, seed: 1 }),
      );

    let anchor: (AnchorFigures & { ratio: number }) | undefined;
    if (opts.anchor !== false) {
      const ours = markovAttribution(paths, { order: 1, includeTransitions: false });
      const figures = runChannelAttributionAnchor(file, ours.channels);
      anchor = { ...figures, ratio: round(figures.total_ms / e2e['markov o1'].median_ms) };
    }

    const result = {
      bench: 'attribution',
      journeys,
      distinct_paths: paths.count,
      channels: paths.channels.length,
      csv_mb: round(bytes / 1e6),
      seed,
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? 'unknown',
        total_mem_gb: round(totalmem() / 2 ** 30),
        node: process.version,
        note: 'shared, noisy 2-core machine; figures vary between runs',
      },
      end_to_end: e2e,
      compute_only: compute,
      anchor_channelattribution: anchor ?? null,
      peak_rss_mb: rssMb(),
      generated_ms: round(genMs),
    };

    log('');
    log(`end to end (read + parse + aggregate + compute), ${runs} runs`);
    log(
      table(
        ['scenario', 'median ms', 'best ms', 'target ms', 'peak RSS MB'],
        Object.entries(e2e).map(([k, v]) => [
          k,
          v.median_ms.toFixed(0),
          v.best_ms.toFixed(0),
          Number.isNaN(v.target_ms) ? '-' : String(v.target_ms),
          v.peak_rss_mb.toFixed(0),
        ]),
      ),
    );
    log('');
    log(`compute alone on ${paths.count} distinct paths`);
    log(
      table(
        ['model', 'median ms', 'best ms', 'note'],
        Object.entries(compute).map(([k, v]) => [k, v.median_ms.toFixed(1), v.best_ms.toFixed(1), v.note ?? '']),
      ),
    );
    if (anchor) {
      log('');
      log('anchor: ChannelAttribution 2.2.5 (PyPI) markov_model(order=1) on the same CSV, same run');
      log(
        table(
          ['measure', 'ChannelAttribution', 'Omnilane', 'note'],
          [
            ['read + markov o1 ms', anchor.total_ms.toFixed(0), e2e['markov o1'].median_ms.toFixed(0), `Omnilane ${anchor.ratio}x faster (target >= 4x)`],
            [
              'largest credit difference',
              anchor.max_abs_credit_diff.toFixed(3),
              '-',
              `relative ${anchor.max_rel_credit_diff}; ChannelAttribution simulates, Omnilane solves exactly`,
            ],
          ],
        ),
      );
    }
    log(`peak RSS ${result.peak_rss_mb} MB`);
    if (opts.writeResults !== false) {
      const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'attribution.json');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      log(`wrote ${out}`);
    }
    return result;
  } finally {
    rmSync(file, { force: true });
  }
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) =>
    r
      .map((s, k) => (k === 0 || (k === r.length - 1 && head[k] === 'note') ? s.padEnd(w[k]) : s.padStart(w[k])))
      .join('  ')
      .trimEnd();
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runAttributionBench().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
