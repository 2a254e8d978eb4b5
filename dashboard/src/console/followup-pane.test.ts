import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/index.js';
import { followupFigures } from '../board/followup/followup-panel.js';
import { canCancel, followupSummary, type FollowupView } from './followup-pane.js';

const view: FollowupView = {
  customer_id: 'cus_1',
  state: 'stopped',
  sequence_id: 'sales-nurture',
  next_step: 1,
  steps_total: 3,
  next_at: null,
  stop: { reason: 'opted_out', at: '2026-12-02T04:00:00.000Z' },
  history: [],
  consent: [
    { channel: 'sms', state: 'opted_out', at: '2026-12-02T04:00:00.000Z', source: 'sms_keyword' },
    { channel: 'email', state: 'opted_in', at: '2026-12-02T04:00:00.000Z', source: 'x' },
  ],
};

describe('follow-up pane and panel', () => {
  it('says state, progress, why it stopped and the channels opted out of, in both languages', () => {
    expect(followupSummary(view, translator('zh-CN'), 'zh-CN')).toEqual([
      '已停止',
      '序列 sales-nurture：第 2 / 3 步',
      '停止原因：客户已退订',
      '已退订渠道：短信',
    ]);
    expect(followupSummary(view, translator('en'), 'en')).toEqual([
      'Stopped',
      'Sequence sales-nurture: step 2 of 3',
      'Stopped: opted out',
      'Opted out of: SMS',
    ]);
  });
  it('offers cancel only while something runs or waits to start', () => {
    expect([canCancel(view), canCancel({ ...view, state: 'active' }), canCancel({ ...view, state: 'pending' }), canCancel(null)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
  it('lists the board figures in order', () => {
    expect(followupFigures({ window_minutes: 1440, sent: 5, replied: 2, converted: 1, opted_out: 1, running: 3 }).map(([, n]) => n)).toEqual([5, 2, 1, 1, 3]);
  });
});
