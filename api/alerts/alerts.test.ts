import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { KpiPoint } from '../metrics/kpi-service.js';
import { AlertEvaluator, breaches } from './evaluator.js';
import { parseAlertRules } from '../../shared/alert-rules.js';
import { AlertWebhook } from './webhook.js';

/** A loopback receiver that answers the statuses queued in `plan` (then 200) and records every body. */
let server: Server;
let url = '';
const received: Array<{ body: Record<string, unknown>; status: number }> = [];
const plan: number[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const status = plan.shift() ?? 200;
      received.push({ body: JSON.parse(text), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('alert rules', () => {
  it('default to first response p90 > 60 s over 5 minutes and reject bad rules naming ALERT_RULES', () => {
    expect(parseAlertRules(undefined)).toEqual([
      expect.objectContaining({ id: 'frt_p90', kpi: 'first_response', stat: 'p90', op: '>', threshold: 60_000, window_minutes: 5 }),
    ]);
    expect(parseAlertRules('[]')).toEqual([]);
    const file = parseAlertRules('/rules.json', () => '[{"id":"q","kpi":"queue_length","op":">=","threshold":10,"filters":{"team":"east"}}]');
    expect(file[0]).toMatchObject({
      stat: 'value',
      window_minutes: 5,
      filters: { team: 'east' },
      message: { en: expect.stringContaining('queue_length'), zh: expect.stringContaining('分钟') },
    });
    for (const bad of [
      '{',
      '{}',
      '[{"id":"x","kpi":"revenue","op":">","threshold":1}]',
      '[{"id":"x","kpi":"csat","op":"!=","threshold":1}]',
      '[{"id":"x","kpi":"csat","stat":"p90","op":">","threshold":1}]',
      '[{"id":"x","kpi":"late_events","op":">","threshold":1,"filters":{"team":"a"}}]',
      '[{"id":"x","kpi":"csat","op":">","threshold":1},{"id":"x","kpi":"nps","op":">","threshold":1}]',
      'missing.json',
    ]) {
      expect(
        () =>
          parseAlertRules(bad, () => {
            throw new Error('ENOENT');
          }),
        bad,
      ).toThrow(/ALERT_RULES/);
    }
  });

  it('compare with each operator; no data never fires', () => {
    expect([breaches(61, '>', 60), breaches(60, '>', 60), breaches(60, '>=', 60), breaches(1, '<', 2), breaches(2, '<=', 2), breaches(null, '<', 2)]).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('AlertEvaluator', () => {
  it('fires and resolves on transitions only, posting each to the webhook with retries', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 8, 0));
    let p90: number | null = 30_000;
    const asked: Array<[string, number, number]> = [];
    const kpis = {
      window: async (kpi: string, from: number, to: number): Promise<KpiPoint[]> => {
        asked.push([kpi, from, to]);
        return p90 === null ? [] : [{ bucket: new Date(from).toISOString(), group: null, channel: null, value: 1000, count: 3, p50_ms: 1000, p90_ms: p90 }];
      },
    };
    const sleeps: number[] = [];
    const webhook = new AlertWebhook({ url, attempts: 3, backoffMs: 10, sleep: async (ms) => void sleeps.push(ms) });
    const ev = new AlertEvaluator({ rules: parseAlertRules(undefined), kpis, clock, intervalMs: 60_000, webhook });

    await ev.tick();
    expect(asked[0]).toEqual(['first_response', clock.now() - 5 * 60_000, clock.now()]);
    expect(ev.firing()).toEqual([]);

    p90 = 90_000;
    plan.push(500, 503); // the receiver fails twice, the third attempt lands
    clock.advance(15_000);
    await ev.tick();
    await ev.flushed();
    expect(ev.firing()).toEqual([
      expect.objectContaining({ rule_id: 'frt_p90', value: 90_000, since: new Date(clock.now()).toISOString(), message_zh: '首次响应 p90 超过 60 秒' }),
    ]);
    expect(received.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(sleeps).toEqual([10, 20]);
    expect(received[2].body).toEqual({ rule_id: 'frt_p90', state: 'firing', value: 90_000, threshold: 60_000, at: new Date(clock.now()).toISOString() });

    const since = ev.firing()[0].since;
    p90 = 95_000;
    clock.advance(15_000);
    await ev.tick();
    await ev.flushed();
    expect(received).toHaveLength(3); // still firing: no new transition
    expect(ev.firing()[0]).toMatchObject({ since, value: 95_000 });

    p90 = null; // no data in the window: resolved
    clock.advance(15_000);
    await ev.tick();
    await ev.flushed();
    expect(ev.firing()).toEqual([]);
    expect(received.at(-1)?.body).toMatchObject({ rule_id: 'frt_p90', state: 'resolved', value: null });
  });

  it('gives up after the attempts and does not retry a 4xx refusal', async () => {
    received.length = 0;
    plan.push(400);
    expect(await new AlertWebhook({ url, attempts: 3, backoffMs: 1 }).send({ rule_id: 'r', state: 'firing', value: 1, threshold: 0, at: 'x' })).toBe(false);
    expect(received).toHaveLength(1);
    plan.push(500, 500, 500);
    expect(await new AlertWebhook({ url, attempts: 3, backoffMs: 1 }).send({ rule_id: 'r', state: 'firing', value: 1, threshold: 0, at: 'x' })).toBe(false);
    expect(received).toHaveLength(4);
    expect(
      await new AlertWebhook({ url: 'http://127.0.0.1:1/none', attempts: 2, backoffMs: 1 }).send({
        rule_id: 'r',
        state: 'resolved',
        value: 1,
        threshold: 0,
        at: 'x',
      }),
    ).toBe(false);
  });
});
