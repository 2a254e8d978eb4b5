import { Type, type Static } from '@sinclair/typebox';
import { EXPERIMENT_TARGETS, METRIC_NAMES } from '../../stream/experiments/definition.js';

const NullNum = Type.Union([Type.Number(), Type.Null()]);
const Metric = Type.Union(METRIC_NAMES.map((m) => Type.Literal(m)));

/** A definition as the API shows it: everything but the salt (knowing it lets anyone predict assignments). */
export const ExperimentView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    target: Type.Union(Object.keys(EXPERIMENT_TARGETS).map((t) => Type.Literal(t))),
    variants: Type.Array(Type.Object({ id: Type.String(), weight: Type.Number(), config: Type.Record(Type.String(), Type.Unknown()) })),
    primary_metric: Metric,
    metrics: Type.Array(Metric),
    status: Type.Union([Type.Literal('draft'), Type.Literal('running'), Type.Literal('stopped')]),
    started_at: Type.String({ description: 'ISO-8601' }),
    alpha: Type.Number(),
    min_days: Type.Integer(),
    max_days: Type.Integer(),
  },
  { $id: 'ExperimentView' },
);
export type ExperimentView = Static<typeof ExperimentView>;

export const ExperimentList = Type.Object({ experiments: Type.Array(ExperimentView) });

const Comparison = Type.Object({
  variant: Type.String(),
  difference: Type.Number({
    description: 'treatment − control in the metric unit (rates 0–1, deal value, CSAT 1–5, deal cycle hours, first response seconds)',
  }),
  lower: NullNum,
  upper: NullNum,
  lift: NullNum,
  lift_lower: NullNum,
  lift_upper: NullNum,
  p_value: Type.Number({ description: 'always-valid p-value' }),
  adjusted_p: Type.Number({ description: 'Holm-adjusted over metrics × treatments' }),
  probability_to_beat: Type.Number(),
  expected_loss: Type.Number(),
  verdict: Type.Union([Type.Literal('better'), Type.Literal('worse'), Type.Literal('none')]),
});

export const ExperimentReportReply = Type.Object(
  {
    experiment: ExperimentView,
    as_of: Type.String(),
    days_running: Type.Number(),
    units: Type.Array(Type.Object({ variant: Type.String(), n: Type.Integer(), expected_share: Type.Number() })),
    srm: Type.Object({ chi_square: Type.Number(), df: Type.Integer(), p_value: Type.Number(), mismatch: Type.Boolean() }),
    metrics: Type.Array(
      Type.Object({
        metric: Metric,
        kind: Type.Union([Type.Literal('proportion'), Type.Literal('mean')]),
        higher_is_better: Type.Boolean(),
        primary: Type.Boolean(),
        arms: Type.Array(Type.Object({ variant: Type.String(), n: Type.Integer(), mean: Type.Number() })),
        comparisons: Type.Array(Comparison),
      }),
    ),
    timeline: Type.Array(Type.Object({ at: Type.String(), metric: Metric, variant: Type.String(), lift: NullNum, lower: NullNum, upper: NullNum })),
    decision: Type.Object({
      call: Type.Union([Type.Literal('ship'), Type.Literal('keep_running'), Type.Literal('stop')]),
      variant: Type.Union([Type.String(), Type.Null()]),
      reasons: Type.Array(Type.String()),
    }),
  },
  { $id: 'ExperimentReportReply' },
);
export type ExperimentReportReply = Static<typeof ExperimentReportReply>;

export const AssignBody = Type.Object(
  {
    target: Type.Union(Object.keys(EXPERIMENT_TARGETS).map((t) => Type.Literal(t))),
    customer_key: Type.String({
      minLength: 3,
      maxLength: 300,
      description: 'the resolved customer id (the bus key, e.g. ext:123); in the body, never in a URL',
    }),
    channel: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }),
    conversation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const AssignReply = Type.Object({
  experiment_id: Type.Union([Type.String(), Type.Null()]),
  variant: Type.Union([Type.String(), Type.Null()]),
  config: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  first_exposure: Type.Boolean(),
});

export const InsightsQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms; default 30 days before to' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms; default now' })),
  step: Type.Optional(
    Type.Union([Type.Literal('deal'), Type.Literal('opportunity')], { description: 'conversion = deals (default) or opportunities per inquiry' }),
  ),
});

export const InsightsReply = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    alpha: Type.Number(),
    step: Type.Union([Type.Literal('deal'), Type.Literal('opportunity')]),
    channels: Type.Array(
      Type.Object({
        channel: Type.String(),
        inquiries: Type.Integer(),
        share: Type.Number(),
        rate: Type.Number(),
        rest_rate: Type.Number(),
        min_sample: Type.Integer({ description: 'inquiries needed before the channel is tested (−1: the rest never converts)' }),
        high_volume: Type.Boolean(),
        tested: Type.Boolean(),
        z: NullNum,
        p_value: NullNum,
        adjusted_p: NullNum,
        finding: Type.Boolean(),
      }),
    ),
    agents: Type.Array(
      Type.Object({
        agent: Type.String(),
        deals: Type.Integer(),
        median_cycle_ms: Type.Number(),
        rest_median_cycle_ms: Type.Number(),
        min_sample: Type.Integer(),
        tested: Type.Boolean(),
        z: NullNum,
        p_value: NullNum,
        adjusted_p: NullNum,
        probability_faster: NullNum,
        finding: Type.Boolean(),
        conversations: Type.Array(Type.String()),
      }),
    ),
  },
  { $id: 'InsightsReply' },
);
export type InsightsReply = Static<typeof InsightsReply>;
