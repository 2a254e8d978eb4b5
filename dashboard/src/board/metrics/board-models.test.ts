import { describe, expect, it } from 'vitest';
import { translator } from '../../i18n/index.js';
import { alertLines } from '../alerts/alert-model.js';
import { FUNNEL_DRILL } from '../charts/definitions.js';
import { boardWindow, bucketDrill, consoleLink, drillRows, windowDrill } from '../drill/drill-request.js';
import { heatmapQuery, seriesQuery } from './queries.js';
import { createRefresher, type Timers } from './refresher.js';

const board = { generated_at: '2026-11-24T01:00:30.000Z', window_minutes: 60 };
const T = Date.parse('2026-11-24T01:01:00.000Z');

describe('drill-down requests', () => {
  it('cover the board window the way the API does (to the end of the current minute)', () => {
    expect(boardWindow(board)).toEqual({ from: T - 3_600_000, to: T });
    const req = windowDrill('deals', board);
    expect(req.query).toEqual({ kpi: 'deals', from: T - 3_600_000, to: T });
    expect(req.scope(translator('zh-CN'))).toBe('最近 60 分钟');
  });

  it('describe a bucket with its time in the KPI zone and the group', () => {
    const req = bucketDrill('agent_load', Date.parse('2026-11-24T01:05:00.000Z'), 'minute', 'agent', 'amy', 'Asia/Shanghai');
    expect(req.query).toEqual({ kpi: 'agent_load', bucket: Date.parse('2026-11-24T01:05:00.000Z'), granularity: 'minute', group_by: 'agent', group: 'amy' });
    expect(req.scope(translator('en'))).toBe('11-24 09:05 · amy');
    expect(FUNNEL_DRILL.opportunities).toBe('inquiry_to_opportunity');
  });

  it('format rows: channels and outcomes translated, no data as "—"', () => {
    const rows = drillRows(
      [
        {
          conversation_id: 'conv-1',
          customer_key: 'c1',
          channel: 'wechat',
          source: '',
          team: '',
          agent: '',
          tag: '',
          started_at: '',
          first_response_ms: 90_000,
          outcome: 'deal',
        },
        {
          conversation_id: 'conv-2',
          customer_key: 'c2',
          channel: 'web',
          source: '',
          team: '',
          agent: 'amy',
          tag: '',
          started_at: '',
          first_response_ms: null,
          outcome: '',
        },
      ],
      'zh-CN',
      translator('zh-CN'),
    );
    expect(rows.map((r) => [r.conversationId, r.customerKey, r.channel, r.agent, r.firstResponse, r.outcome])).toEqual([
      ['conv-1', 'c1', '微信', '—', '1分30秒', '成交'],
      ['conv-2', 'c2', '网站', 'amy', '—', '进行中'],
    ]);
    expect(consoleLink.conversation('a b')).toBe('#/console&conversation=a%20b');
  });
});

describe('alert lines', () => {
  const alert = {
    rule_id: 'frt_p90',
    kpi: 'first_response',
    stat: 'p90',
    op: '>',
    threshold: 60_000,
    value: 90_000,
    since: '2026-11-24T01:00:00.000Z',
    message_en: 'First response p90 above 60 s',
    message_zh: '首次响应 p90 超过 60 秒',
  };

  it('speak the current language, oldest first, falling back to a description', () => {
    const later = { ...alert, rule_id: 'b', since: '2026-11-24T01:05:00.000Z', message_zh: '', message_en: 'B en' };
    expect(alertLines([later, alert], 'zh-CN').map((l) => [l.ruleId, l.message])).toEqual([
      ['frt_p90', '首次响应 p90 超过 60 秒'],
      ['b', 'B en'],
    ]);
    expect(alertLines([{ ...alert, message_en: '', message_zh: '' }], 'en')[0].message).toBe('first_response p90 1m 30s > 1m');
  });
});

describe('metric queries', () => {
  it('end the series at the end of the current minute and span the chosen range', () => {
    expect(seriesQuery({ kpi: 'nps', granularity: 'hour', groupBy: 'team', range: '24h' }, Date.parse(board.generated_at))).toEqual({
      kpi: 'nps',
      from: T - 86_400_000,
      to: T,
      granularity: 'hour',
      group_by: 'team',
    });
  });

  it('ask the heatmap for agents or queues over the board window', () => {
    expect(heatmapQuery('agents', board)).toMatchObject({ kpi: 'agent_load', group_by: 'agent', granularity: 'minute', to: T });
    expect(heatmapQuery('queues', { ...board, window_minutes: 720 })).toMatchObject({ kpi: 'queue_length', group_by: 'group', granularity: 'hour' });
  });
});

/** Manual clock and timers. */
function fakeTimers() {
  let now = 0;
  let queue: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      queue.push({ at: now + ms, fn, id: ++ids });
      return ids;
    },
    clearTimeout: (id) => void (queue = queue.filter((q) => q.id !== id)),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const due of queue.filter((q) => q.at <= now)) {
      queue = queue.filter((q) => q !== due);
      due.fn();
    }
    await new Promise((r) => setTimeout(r, 0));
  };
  return { timers, advance };
}

describe('refresher', () => {
  it('loads at once, collapses pokes within the interval into one trailing load, and never overlaps', async () => {
    const { timers, advance } = fakeTimers();
    const starts: number[] = [];
    let finish: (() => void) | null = null;
    const r = createRefresher(
      () => {
        starts.push(timers.now());
        return new Promise<void>((res) => (finish = res));
      },
      3000,
      timers,
    );
    r.poke();
    r.poke();
    r.poke();
    expect(starts).toEqual([0]);
    await advance(5000);
    expect(starts).toEqual([0]); // still in flight: waits for it
    finish!();
    await advance(0);
    expect(starts).toEqual([0, 5000]);
    finish!();
    await advance(100);
    r.poke();
    await advance(100);
    expect(starts).toEqual([0, 5000]); // within 3 s of the last start
    await advance(2800);
    expect(starts).toEqual([0, 5000, 8000]);
  });

  it('force aborts the load in flight and starts another', async () => {
    const { timers } = fakeTimers();
    const signals: AbortSignal[] = [];
    const r = createRefresher((s) => (signals.push(s), new Promise<void>(() => undefined)), 3000, timers);
    r.poke();
    r.force();
    expect(signals).toHaveLength(2);
    expect(signals[0].aborted).toBe(true);
    r.stop();
    expect(signals[1].aborted).toBe(true);
  });
});
