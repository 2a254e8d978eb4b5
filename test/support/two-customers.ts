import type { EventEnvelope } from '../../shared/envelope.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { ConversationFactsRow, ConversationRow, DealFactsRow, ResponseTimeRow } from '../../shared/tables.js';
import type { IdentityService } from '../../stream/identity/identity-service.js';
import { factsRow } from '../contracts/kpi-fixture.js';
import { testEvent } from './events.js';

/** A conversations row (a session) on WeChat, open, nobody's yet, normal priority; `r` names it and its times. */
export function sessionRow(r: Pick<ConversationRow, 'id' | 'customer_id' | 'started_at' | 'last_event_at'> & Partial<ConversationRow>): ConversationRow {
  return {
    conversation_ids: JSON.stringify([r.id]),
    channels: '["wechat"]',
    last_channel: 'wechat',
    last_agent: null,
    intent: null,
    tags: '[]',
    urgent: 0,
    priority: 80,
    status: 'open',
    version: 1,
    ...r,
  };
}

/** Row builders for one customer's data at `now`: an event, a session, its facts, a reply time and a deal. */
export function customerRows(now: number) {
  const ev = (id: string, customer: EventEnvelope['customer'], over: Partial<EventEnvelope> = {}): EventEnvelope =>
    testEvent(id, now, { producer: 'p', occurred_at: now - 600_000 + Number(id.replace(/\D/g, '')) * 1000, customer, ...over });
  const session = (id: string, customer_id: string): ConversationRow =>
    sessionRow({ id, customer_id, started_at: now - 500_000, last_event_at: now - 400_000, last_agent: 'ag_1', version: 2 });
  const dims = { channel: 'wechat', source: 'baidu', team: 'team_east', agent: 'ag_1', tag: 'normal', version: 1 };
  const fact = (conversation_id: string, customer_key: string): ConversationFactsRow =>
    factsRow({
      ...dims,
      conversation_id,
      customer_key,
      started_at: now - 500_000,
      last_event_at: now - 400_000,
      first_response_at: now - 490_000,
      first_response_ms: 10_000,
      csat: 4.5,
    });
  const response = (conversation_id: string): ResponseTimeRow => ({
    ...dims,
    conversation_id,
    reply_id: `p/r-${conversation_id}`,
    replied_at: now - 490_000,
    inbound_at: now - 500_000,
    response_ms: 10_000,
  });
  const deal = (deal_id: string, customer_key: string, conversation_id: string): DealFactsRow => ({
    ...dims,
    deal_id,
    customer_key,
    conversation_id,
    won_at: now - 300_000,
    value: 99.5,
    first_touch_at: now - 600_000,
    cycle_ms: 300_000,
  });
  return { ev, session, fact, response, deal };
}

/**
 * Two people in every customer table, for the privacy route tests (export, erasure). Ana: two customers merged
 * into one (phone, then e-mail, then an event carrying both), each with a conversation; Bo: another customer with
 * one conversation, who must keep everything (`boEmail`: his phone and e-mail arrive together in a second event).
 * `keys` are the customer keys the events resolved to, in order (e1, e2, e3, e4[, e5]).
 */
export async function seedTwoCustomers(
  wh: Pick<Warehouse, 'append'>,
  identity: IdentityService,
  now: number,
  opts: { boEmail?: boolean } = {},
): Promise<{ ana: string; anaMerged: string; bo: string; keys: string[] }> {
  const { ev, session, fact, response, deal } = customerRows(now);
  const resolved = await identity.resolve([
    ev('e1', { phone: '13900000001' }, { conversation_id: 'conv-ana-1', properties: { text: 'hello from ana' } }),
    ev('e2', { email: 'ana@example.com' }, { channel: 'email', conversation_id: 'conv-ana-2', properties: { text: 'ana by mail' } }),
    ev('e3', { phone: '13900000001', email: 'ana@example.com' }, { conversation_id: 'conv-ana-1' }),
    ev('e4', { phone: '13900000002' }, { conversation_id: 'conv-bo-1', properties: { text: 'hello from bo' } }),
    ...(opts.boEmail ? [ev('e5', { phone: '13900000002', email: 'bo@example.com' }, { conversation_id: 'conv-bo-1' })] : []),
  ]);
  const keys = resolved.map((e) => e.customer_key);
  const profile = await identity.profile(keys[0]);
  if (profile?.merged.length !== 1) throw new Error(`seedTwoCustomers: Ana should be two customers merged, got ${JSON.stringify(profile)}`);
  const ana = profile.id;
  const anaMerged = profile.merged[0];
  const bo = keys[3];
  await wh.append(
    'events',
    resolved.map(({ identity_records: _, ...e }) => ({ ...e, customer: JSON.stringify(e.customer), properties: JSON.stringify(e.properties) })),
  );
  await wh.append(
    'identity_merges',
    resolved.flatMap((e) => e.identity_records ?? []),
  );
  await wh.append('conversations', [session('conv-ana-1', ana), session('conv-ana-2', anaMerged), session('conv-bo-1', bo)]);
  await wh.append('conversation_facts', [fact('conv-ana-1', ana), fact('conv-ana-2', anaMerged), fact('conv-bo-1', bo)]);
  await wh.append('response_times', [response('conv-ana-1'), response('conv-ana-2'), response('conv-bo-1')]);
  await wh.append('deal_facts', [deal('p/deal-ana', anaMerged, 'conv-ana-2'), deal('p/deal-bo', bo, 'conv-bo-1')]);
  return { ana, anaMerged, bo, keys };
}
