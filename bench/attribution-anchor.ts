/**
 * The attribution bench's anchor: ChannelAttribution (the PyPI package, C++ core, in a venv that
 * scripts/bench-venv.sh channelattribution creates) run on the same path CSV in the same run, so the report is a ratio
 * on one machine at one moment rather than two figures from different days.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelCredit } from '../stream/attribution/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface AnchorFigures {
  /** pandas read_csv + markov_model(order=1), as measured inside Python (interpreter start excluded) */
  read_ms: number;
  model_ms: number;
  total_ms: number;
  /** largest |credit difference| in conversions over all channels, and relative to that channel's credit */
  max_abs_credit_diff: number;
  max_rel_credit_diff: number;
  channels_compared: number;
}

/** Runs ChannelAttribution's Markov order-1 model on `csvFile` and compares its credits with `ours`. */
export function runChannelAttributionAnchor(csvFile: string, ours: readonly ChannelCredit[]): AnchorFigures {
  const python = execFileSync('bash', [join(root, 'scripts', 'bench-venv.sh'), 'channelattribution'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const out = execFileSync(join(root, python), [join(root, 'bench', 'anchors', 'channel_attribution.py'), csvFile], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const line = out.trim().split('\n').pop() ?? '';
  const theirs = JSON.parse(line) as { read_ms: number; model_ms: number; credits: Record<string, number> };
  let maxAbs = 0;
  let maxRel = 0;
  let compared = 0;
  for (const c of ours) {
    const other = theirs.credits[c.channel];
    if (other === undefined) throw new Error(`ChannelAttribution has no credit for channel ${c.channel}`);
    const d = Math.abs(other - c.conversions);
    maxAbs = Math.max(maxAbs, d);
    if (c.conversions > 0) maxRel = Math.max(maxRel, d / c.conversions);
    compared++;
  }
  return {
    read_ms: theirs.read_ms,
    model_ms: theirs.model_ms,
    total_ms: Math.round((theirs.read_ms + theirs.model_ms) * 10) / 10,
    max_abs_credit_diff: Math.round(maxAbs * 1000) / 1000,
    max_rel_credit_diff: Math.round(maxRel * 1e5) / 1e5,
    channels_compared: compared,
  };
}
