import { describe, expect, it } from 'vitest';
import { WebchatService } from '../channels/webchat/webchat-service.js';
import { VisitorConnection, type SocketLike } from '../channels/webchat/visitor-connection.js';
import type { IngestService } from '../ingest-service.js';
import { manualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { WebchatSender } from './webchat-sender.js';

const clock = manualClock(Date.UTC(2026, 0, 1));
const fakeIngest = { ingest: async () => ({ accepted: 1, duplicates: 0, rejected: [] }) } as unknown as IngestService;

function setup() {
  let n = 0;
  const svc = new WebchatService({
    ingest: fakeIngest,
    state: new MemoryStateStore({ clock }),
    clock,
    log: silentLogger(),
    siteKeys: [{ key: 'pk_unit_1234', origins: ['*'] }],
    replayMs: 3600_000,
    newId: () => `wc_${++n}`,
  });
  return { svc, sender: new WebchatSender(svc) };
}

class FakeSocket implements SocketLike {
  readyState = 1;
  sent: Array<Record<string, unknown>> = [];
  send(d: string) {
    this.sent.push(JSON.parse(d) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('WebchatSender', () => {
  it('stores agent replies once per outbound id and refuses unknown conversations', async () => {
    const { svc, sender } = setup();
    const m = await svc.open('visitor-unit-1', 'pk_unit_1234');
    const out = { id: 'o1', conversation_id: m.id, channel: 'web', to: { webchat_visitor: 'visitor-unit-1' }, text: 'hi', agent_id: 'a1' };
    expect(await sender.send(out)).toEqual({ provider_id: `${m.id}#1` });
    expect(await sender.send(out)).toEqual({ provider_id: `${m.id}#1` });
    expect((await svc.conversations.after(m.id, 0)).map((x) => x.text)).toEqual(['hi']);
    await expect(sender.send({ ...out, conversation_id: 'wc_missing' })).rejects.toMatchObject({ code: 'API_ERR_NOT_FOUND' });
  });

  it('a socket that sees a seq gap fills it from the log, in order, without repeats', async () => {
    const { svc, sender } = setup();
    const m = await svc.open('visitor-unit-2', 'pk_unit_1234');
    const ws = new FakeSocket();
    const conn = new VisitorConnection(ws, undefined, svc, svc.o.siteKeys, clock, silentLogger());
    conn.receive(JSON.stringify({ type: 'hello', site_key: 'pk_unit_1234', visitor_id: 'visitor-unit-2', conversation_id: m.id, last_seq: 0 }), false);
    await settle();
    // Stored without a push (as if the publishing process died), then a later push arrives.
    await svc.conversations.append(m.id, 'a:lost', { from: 'agent', text: 'lost push', at: clock.now() });
    await sender.send({ id: 'o2', conversation_id: m.id, channel: 'web', to: {}, text: 'second', agent_id: null });
    await svc.hub.publish(m.id, { type: 'message', seq: 2, from: 'agent', text: 'second', at: clock.now() });
    await settle();
    expect(ws.sent.filter((f) => f.type === 'message').map((f) => [f.seq, f.text])).toEqual([
      [1, 'lost push'],
      [2, 'second'],
    ]);
    conn.closedBySocket();
    expect(svc.hub.listeners(m.id)).toBe(0);
  });
});
