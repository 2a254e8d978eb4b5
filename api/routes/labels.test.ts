import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCorrections } from '../../stream/intent/model-files.js';
import { FileLabelStore, labelPaths } from '../../stream/labels/index.js';
import { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { RoutingService } from '../../stream/routing/routing-service.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp, requestAs } from '../../test/support/app.js';
import { routeTestBed, testRouting } from '../../test/support/routing.js';

/** The labelling loop through app.inject: intent corrections, bot verdicts, the agreement report. */
describe('label routes', () => {
  const bed = routeTestBed('labels', Date.UTC(2026, 10, 24, 9, 30));
  const { dir, clock, roster, state, bus, key, event } = bed;
  const dataDir = join(dir, 'data');
  let warehouse: DuckDbWarehouse;
  let service: RoutingService;
  let desk: RoutingDesk;
  let app: FastifyInstance;
  const req = requestAs(() => app);

  beforeAll(async () => {
    const opened = await bed.open();
    warehouse = opened.warehouse;
    ({ desk, service } = testRouting({ state, bus, clock, roster, warehouse }));
    app = await buildTestApp({ warehouse, clock, access: opened.keys.access }, { routing: desk, labels: new FileLabelStore(dataDir) });
  });
  afterAll(() => bed.close(app));

  it('documents the routes in /openapi.json with the nine intents as an enum', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, any> }>();
    for (const p of ['/v1/conversations/{id}/intent', '/v1/conversations/{id}/bot-feedback', '/v1/labels/intent/agreement'])
      expect(doc.paths[p], p).toBeDefined();
    expect(JSON.stringify(doc.paths['/v1/conversations/{id}/intent'].post.requestBody)).toContain('human_agent');
  });

  it('stores a correction with the server-side text and the model prediction, scoped to the holder or a manager', async () => {
    await service.intake(event('s1', 'conversation.started', 'c-lab', { text: '这个多少钱' }));
    await service.intake(event('m1', 'message.received', 'c-lab', { text: '能寄到公司吗？' }));
    // Queued in ag_zhang's group but not held by ag_zhang: may see it, may not label it.
    expect((await req('POST', '/v1/conversations/c-lab/intent', key('ag_zhang'), { intent: 'logistics' })).status).toBe(403);
    expect((await req('POST', '/v1/console/conversations/c-lab/accept', key('ag_zhang'))).status).toBe(200);

    // Another team's agent and manager: not found (no hint it exists).
    expect((await req('POST', '/v1/conversations/c-lab/intent', key('ag_liu'), { intent: 'logistics' })).status).toBe(404);
    expect((await req('POST', '/v1/conversations/c-lab/intent', key('mgr_grace'), { intent: 'logistics' })).status).toBe(404);

    // A bad or old label, or none: 400 before anything is stored.
    for (const body of [{ intent: 'pre_sale' }, { intent: 'nonsense' }, {}, { intent: 'logistics', message_id: '' }]) {
      const r = await req('POST', '/v1/conversations/c-lab/intent', key('ag_zhang'), body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('API_ERR_VALIDATION');
    }

    // Text from the client is never used (the schema strips unknown fields): the stored text is the server's.
    const ok = await req('POST', '/v1/conversations/c-lab/intent', key('ag_zhang'), { intent: 'after_sale', text: 'injected' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ intent: 'after_sale', message_id: 'test/m1' });
    expect(ok.body.model_intent).toBe('logistics');
    expect(ok.body.model_confidence).toBeGreaterThan(0);

    const detail = await req('GET', '/v1/console/conversations/c-lab', key('ag_zhang'));
    expect(detail.body.conversation.intent).toBe('after_sale');
    expect(detail.body.messages.find((m: { id: string }) => m.id === 'test/m1')).toBeDefined();

    // The manager of the holder's team may correct too; an agent message is not a customer message.
    expect((await req('POST', '/v1/conversations/c-lab/intent', key('mgr_lin'), { intent: 'logistics', message_id: 'test/m1' })).status).toBe(200);
    expect((await req('POST', '/v1/conversations/c-lab/intent', key('mgr_lin'), { intent: 'logistics', message_id: 'test/none' })).status).toBe(404);

    // The file is what `omnilane intent train` reads, with the prediction beside it.
    const lines = readFileSync(labelPaths.corrections(dataDir), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      text: '能寄到公司吗？',
      intent: 'after_sale',
      agent_id: 'ag_zhang',
      at: '2026-11-24T09:30:00.000Z',
      model_intent: 'logistics',
      model_confidence: ok.body.model_confidence,
      conversation_id: 'c-lab',
      message_id: 'test/m1',
    });
    expect(Object.keys(lines[0]).slice(0, 4)).toEqual(['text', 'intent', 'agent_id', 'at']);
    expect(lines[1]).toMatchObject({ agent_id: 'mgr_lin', intent: 'logistics' });
    const parsed = readCorrections(labelPaths.corrections(dataDir));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(2);
  });

  it('records verdicts on bot answers only, and reports agreement to managers, not agents', async () => {
    await service.intake(event('b1', 'message.sent', 'c-lab', { text: '付款成功后，管理员可在账单页开具发票。', bot: true, article_id: 'invoice-zh' }, 'bot'));
    const detail = await req('GET', '/v1/console/conversations/c-lab', key('ag_zhang'));
    const bot = detail.body.messages.find((m: { bot?: boolean }) => m.bot);
    expect(bot).toMatchObject({ id: 'bot/b1', bot: true });

    expect((await req('POST', '/v1/conversations/c-lab/bot-feedback', key('ag_zhang'), { message_id: 'test/m1', verdict: 'wrong' })).status).toBe(400);
    expect((await req('POST', '/v1/conversations/c-lab/bot-feedback', key('ag_zhang'), { message_id: 'bot/b1', verdict: 'maybe' })).status).toBe(400);
    expect((await req('POST', '/v1/conversations/c-lab/bot-feedback', key('ag_liu'), { message_id: 'bot/b1', verdict: 'wrong' })).status).toBe(404);
    const ok = await req('POST', '/v1/conversations/c-lab/bot-feedback', key('ag_zhang'), { message_id: 'bot/b1', verdict: 'wrong', note: ' 问的是物流 ' });
    expect(ok).toEqual({ status: 200, body: { recorded: true } });
    const fb = JSON.parse(readFileSync(labelPaths.botFeedback(dataDir), 'utf8').trim());
    expect(fb).toMatchObject({
      conversation_id: 'c-lab',
      message_id: 'bot/b1',
      verdict: 'wrong',
      note: '问的是物流',
      question: '能寄到公司吗？',
      agent_id: 'ag_zhang',
    });

    expect((await req('GET', '/v1/labels/intent/agreement', key('ag_zhang'))).status).toBe(403);
    const r = await req('GET', '/v1/labels/intent/agreement', key('mgr_lin'));
    expect(r.status).toBe(200);
    // One message corrected twice: the latest (manager's logistics) counts, and agrees with the model.
    expect(r.body).toMatchObject({ n: 1, agreed: 1, rate: 1, skipped: 0, bot: { wrong: 1, right: 0 } });
    expect(r.body.confusion.logistics.logistics).toBe(1);
    expect(r.body.per_intent.logistics).toEqual({ model: 1, agent: 1, agreed: 1 });
    expect((await req('GET', '/v1/labels/intent/agreement', bed.keys().admin)).status).toBe(200);
  });
});
