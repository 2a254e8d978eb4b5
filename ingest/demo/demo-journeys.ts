import type { EventInput } from '../../shared/envelope.js';
import { logNormal, pick, weighted, type Rng } from '../../shared/random.js';

/**
 * Realistic multi-channel demo traffic as a pure function: one customer's
 * journey (marketing touches, a conversation with replies, maybe an
 * opportunity and a deal, surveys) as events with their event times.
 */
export interface ScheduledEvent {
  at: number;
  event: EventInput;
}

const CONVERSATION_CHANNELS = [
  ['web', 30],
  ['wechat', 22],
  ['app', 14],
  ['whatsapp', 10],
  ['sms', 8],
  ['email', 8],
  ['voice', 8],
] as const;
const TOUCH_CHANNELS = [
  ['ad', 35],
  ['social', 25],
  ['web', 25],
  ['email', 15],
] as const;
const SOURCES = ['baidu', 'wechat_moments', 'douyin', 'google', 'newsletter', 'direct'] as const;
const TAGS = [
  ['normal', 70],
  ['high_value', 22],
  ['VIP', 8],
] as const;
const INTENTS = [
  ['pre_sale', 55],
  ['tech_support', 20],
  ['after_sale', 15],
  ['complaint', 5],
  ['other', 5],
] as const;
const FIRST_MESSAGES: Record<string, string[]> = {
  pre_sale: ['你好，我想了解一下企业版的价格', '请问现在有优惠活动吗？', 'Hi, can I get a quote for 50 seats?', '这款产品支持私有化部署吗？'],
  tech_support: ['登录的时候一直提示密码错误', 'The app crashes when I upload a file', '数据导出失败怎么办？'],
  after_sale: ['我的订单什么时候发货？', 'I would like to change my invoice address', '怎么申请退款？'],
  complaint: ['客服一直没人回复，非常不满意', 'This is the third time my order is late!'],
  other: ['你们的办公地址在哪里？', 'Do you have an office in Shenzhen?'],
};
const AGENTS = ['agent-li', 'agent-wang', 'agent-zhang', 'agent-chen', 'agent-liu', 'agent-emma', 'agent-noah'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '杰'];

let seq = 0;

/**
 * Builds one customer's journey starting at `start`. Ids are unique per process run via `runId`. `kind`
 * forces whether it reaches a conversation ('browse': touches only); by default about a third browse and leave.
 */
export function demoJourney(rng: Rng, start: number, runId: string, kind?: 'conversation' | 'browse'): ScheduledEvent[] {
  const n = ++seq;
  const cust = `${runId}-c${n}`;
  const tag = weighted(rng, TAGS);
  const source = pick(rng, SOURCES);
  const name = pick(rng, SURNAMES) + pick(rng, GIVEN) + (rng() < 0.5 ? pick(rng, GIVEN) : '');
  const customer = { external_id: cust, phone: `+86 138${String(10_000_000 + Math.floor(rng() * 89_999_999)).slice(0, 8)}` };
  const out: ScheduledEvent[] = [];
  let t = start;
  let k = 0;
  const ev = (type: EventInput['type'], channel: string, extra: Partial<EventInput> = {}, properties: Record<string, unknown> = {}) => {
    out.push({ at: t, event: { id: `${cust}-e${++k}`, type, channel, occurred_at: t, customer, properties: { tag, source, ...properties }, ...extra } });
  };

  const touches = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < touches; i++) {
    ev('touchpoint', weighted(rng, TOUCH_CHANNELS), {}, { campaign: `${source}-q4`, name: i === 0 ? name : undefined });
    t += Math.round(logNormal(rng, 40_000, 0.8));
  }
  const browses = rng() < 0.35;
  if (kind === 'browse' || (kind === undefined && browses)) return out; // browsed and left

  const channel = weighted(rng, CONVERSATION_CHANNELS);
  const intent = weighted(rng, INTENTS);
  const conv = `${cust}-conv`;
  const agent = pick(rng, AGENTS);
  ev('conversation.started', channel, { conversation_id: conv }, { intent });
  ev('message.received', channel, { conversation_id: conv }, { intent, text: pick(rng, FIRST_MESSAGES[intent]) });
  // VIPs are answered faster: the kind of difference the board should show.
  const median = tag === 'VIP' ? 8_000 : tag === 'high_value' ? 15_000 : 25_000;
  t += Math.round(logNormal(rng, channel === 'email' ? median * 4 : median, 0.7));
  ev('conversation.assigned', channel, { conversation_id: conv, agent_id: agent });
  ev('message.sent', channel, { conversation_id: conv, agent_id: agent }, { text: '您好，很高兴为您服务！' });
  const turns = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < turns; i++) {
    t += Math.round(logNormal(rng, 20_000, 0.6));
    ev('message.received', channel, { conversation_id: conv }, { text: '好的，谢谢' });
    t += Math.round(logNormal(rng, 12_000, 0.6));
    ev('message.sent', channel, { conversation_id: conv, agent_id: agent }, { text: '不客气，还有其他问题吗？' });
  }
  if (intent === 'pre_sale' && rng() < 0.45) {
    const value = Math.round(logNormal(rng, tag === 'VIP' ? 80_000 : 12_000, 0.6));
    ev('opportunity.created', channel, { conversation_id: conv, agent_id: agent }, { value, currency: 'CNY' });
    if (rng() < 0.5) {
      t += Math.round(logNormal(rng, 90_000, 0.5));
      if (rng() < 0.6) ev('touchpoint', 'voice', { agent_id: agent }, { step: 'phone_follow_up' });
      ev(rng() < 0.55 ? 'deal.won' : 'deal.lost', channel, { conversation_id: conv, agent_id: agent }, { value, currency: 'CNY' });
    }
  }
  t += 5_000;
  ev('conversation.closed', channel, { conversation_id: conv, agent_id: agent });
  if (intent === 'complaint' && rng() < 0.6) ev('complaint.filed', channel, { conversation_id: conv }, { reason: 'slow_response' });
  if (rng() < 0.5)
    ev(
      'csat.submitted',
      channel,
      { conversation_id: conv, agent_id: agent },
      { score: 1 + Math.min(4, Math.floor(rng() * 5 + (intent === 'complaint' ? 0 : 1))) },
    );
  if (rng() < 0.25) ev('nps.submitted', channel, { conversation_id: conv }, { score: Math.min(10, Math.floor(rng() * 11 + (tag === 'VIP' ? 2 : 0))) });
  return out;
}
