import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../shared/random.js';
import { evaluateModel, featureTokens, holdOut, predictConversion, trainConversionModel } from './conversion-model.js';
import { agentRecords, foldConversations, labelled } from './history.js';
import { fitLogistic, sigmoid, solveSpd, type SparseRow } from './logistic.js';
import { logLoss, rocAuc } from './metrics.js';
import { asQueryResults, syntheticRoutingEvents } from './synthetic-history.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('metrics', () => {
  it('AUC is the share of positive/negative pairs ordered right, ties counting half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5, 0.5], [0, 1, 1])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.9, 0.1], [0, 1])).toBe(0);
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNaN();
  });
  it('log-loss of known forecasts', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
    expect(logLoss([0.8, 0.1], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.9)) / 2, 12);
  });
});

describe('logistic regression (Newton, L2)', () => {
  it('solves a known SPD system', () => {
    expect(
      solveSpd(
        [
          [4, 2],
          [2, 3],
        ],
        [2, 1],
      )!.map((x) => Number(x.toFixed(12))),
    ).toEqual([0.5, 0]);
    expect(
      solveSpd(
        [
          [1, 2],
          [2, 1],
        ],
        [1, 1],
      ),
    ).toBeNull();
  });

  it('reaches the penalised optimum: the gradient vanishes, and one feature recovers its planted log-odds', () => {
    const rng = seededRng(3);
    const rows: SparseRow[] = [];
    for (let i = 0; i < 4000; i++) {
      const on = rng() < 0.5 ? [0] : [1];
      const p = sigmoid(on[0] === 0 ? -1 : 1);
      rows.push({ on, y: rng() < p ? 1 : 0 });
    }
    const fit = fitLogistic(rows, 2, { l2: 1e-3 });
    expect(fit.converged).toBe(true);
    const grad = [0, 0, 0];
    for (const r of rows) {
      const g = sigmoid(fit.intercept + fit.weights[r.on[0]]) - r.y;
      grad[0] += g;
      grad[r.on[0] + 1] += g;
    }
    grad[1] += 1e-3 * fit.weights[0];
    grad[2] += 1e-3 * fit.weights[1];
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
    // The difference of the two one-hot weights is the log-odds ratio, planted as 2.
    expect(fit.weights[1] - fit.weights[0]).toBeGreaterThan(1.75);
    expect(fit.weights[1] - fit.weights[0]).toBeLessThan(2.25);
  });

  it('stays finite on perfectly separable data (the L2 term bounds it)', () => {
    const rows: SparseRow[] = [
      { on: [0], y: 1 },
      { on: [0], y: 1 },
      { on: [1], y: 0 },
      { on: [1], y: 0 },
    ];
    const fit = fitLogistic(rows, 2, { l2: 1 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.weights[0]) && fit.weights[0] > 0 && fit.weights[1] < 0).toBe(true);
  });
});

describe('conversion model on seeded synthetic history', () => {
  const data = (signal: boolean, seed: number) => {
    const rows = syntheticRoutingEvents({ seed, customers: 2500, startMs: START, spanMs: 60 * DAY, signal });
    return labelled(foldConversations(asQueryResults(rows).events, 7, START + 80 * DAY));
  };

  it('beats the base rate on held-out conversations when a signal is planted (AUC > 0.7, lower log-loss)', () => {
    const all = data(true, 11);
    expect(all.length).toBeGreaterThan(3000);
    const { train, test } = holdOut(all, 0.3, seededRng(5));
    const model = trainConversionModel(train);
    expect(model.converged).toBe(true);
    const ev = evaluateModel(model, test);
    expect(ev.auc).toBeGreaterThan(0.7);
    expect(ev.logLoss).toBeLessThan(ev.baseLogLoss - 0.02);
    // The planted directions come out: VIP above normal, complaint below pre_sale, referral above ads.
    expect(model.weights['tag=VIP']).toBeGreaterThan(model.weights['tag=normal'] + 1);
    expect(model.weights['intent=pre_sale']).toBeGreaterThan(model.weights['intent=complaint'] + 1);
    expect(model.weights['source=referral']).toBeGreaterThan(model.weights['source=ads']);
  });

  it('finds nothing where nothing is planted (held-out AUC near 0.5)', () => {
    const all = data(false, 12);
    const { train, test } = holdOut(all, 0.3, seededRng(5));
    const ev = evaluateModel(trainConversionModel(train), test);
    expect(Math.abs(ev.auc - 0.5)).toBeLessThan(0.06);
  });

  it('is deterministic and reads the hour in Asia/Shanghai', () => {
    const all = data(true, 13).slice(0, 800);
    const a = trainConversionModel(all);
    const b = trainConversionModel([...all].reverse());
    expect(Object.keys(a.weights)).toEqual(Object.keys(b.weights));
    for (const k of Object.keys(a.weights)) expect(a.weights[k]).toBeCloseTo(b.weights[k], 9);
    expect(predictConversion(a, all[0])).toBeCloseTo(predictConversion(b, all[0]), 9);
    const f = { tag: 'VIP', channel: 'web', intent: 'pre_sale', source: '', at: Date.parse('2026-03-01T02:30:00Z'), priorConversations: 2, priorDeals: 1 };
    expect(featureTokens(f)).toEqual(['tag=VIP', 'channel=web', 'intent=pre_sale', 'source=(none)', 'hour=10', 'prior_conversations=2-3', 'prior_deals=1']);
  });
});

describe('history folding and agent records', () => {
  const ev = (
    customer_key: string,
    conversation_id: string | null,
    type: string,
    at: number,
    props: Record<string, unknown> = {},
    agent_id: string | null = null,
  ) => ({ customer_key, conversation_id, agent_id, type, channel: 'web', occurred_at_ms: at, properties: JSON.stringify(props) });

  it('folds starts, assignments, closes and deals into labelled conversations with past behaviour', () => {
    const rows = [
      ev('c1', 'v1', 'conversation.started', 0, { tag: 'VIP', source: 'ads', intent: 'pre_sale' }),
      ev('c1', 'v1', 'conversation.assigned', 5_000, { policy: 'least_loaded', group: 'pre_sale' }, 'a1'),
      ev('c1', 'v1', 'deal.won', 50_000, {}, 'a1'),
      ev('c1', 'v1', 'conversation.closed', 60_000, { outcome: 'deal' }, 'a1'),
      ev('c1', 'v2', 'conversation.started', 3 * DAY),
      ev('c1', null, 'deal.won', 4 * DAY), // no conversation id, but within the 7-day window of v2
      ev('c2', 'w1', 'conversation.started', 9 * DAY, { tag: 'normal' }),
      ev('c2', 'w9', 'conversation.assigned', 9 * DAY, {}, 'a2'), // started before the range: ignored
    ];
    const convs = foldConversations(rows, 7, 10 * DAY);
    expect(convs.map((c) => c.id)).toEqual(['v1', 'v2', 'w1']);
    const [v1, v2, w1] = convs;
    expect(v1).toMatchObject({
      tag: 'VIP',
      source: 'ads',
      intent: 'pre_sale',
      agentId: 'a1',
      assignedAt: 5_000,
      closedAt: 60_000,
      policy: 'least_loaded',
      group: 'pre_sale',
      converted: 1,
      priorConversations: 0,
      priorDeals: 0,
      labelKnown: true,
    });
    expect(v2).toMatchObject({ priorConversations: 1, priorDeals: 1, converted: 1, labelKnown: true, tag: 'normal', intent: 'other' });
    // w1's 7-day window runs past the data's end with no deal yet: label unknown, not trained on.
    expect(w1).toMatchObject({ converted: 0, labelKnown: false });
    expect(labelled(convs)).toEqual([v1, v2]);
  });

  it('smooths agent conversion rates toward the overall rate', () => {
    const rec = agentRecords(
      [
        { agent_id: 'a', conversations: '100', deals: '30' },
        { agent_id: 'b', conversations: 100, deals: 10 },
        { agent_id: 'new', conversations: 0, deals: 0 },
      ],
      20,
    );
    // overall 40/200 = 0.2
    expect(rec.get('a')!.smoothedRate).toBeCloseTo((30 + 4) / 120, 12);
    expect(rec.get('b')!.factor).toBeCloseTo(14 / 120 / 0.2, 12);
    expect(rec.get('new')!.factor).toBeCloseTo(1, 12);
  });
});
