import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { RoutingService } from '../../stream/routing/routing-service.js';
import { SuggestStore } from '../../stream/suggest/suggest-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp, requestAs } from '../../test/support/app.js';
import { routeTestBed, testRouting } from '../../test/support/routing.js';

/** Reply suggestion routes through app.inject: top three per context, used, outcome learning, the library. */
describe('suggestion routes', () => {
  const bed = routeTestBed('suggest', Date.UTC(2026, 5, 20, 3, 0));
  const { clock, roster, state, bus, key, event } = bed;
  const store = new SuggestStore(state);
  let warehouse: DuckDbWarehouse;
  let service: RoutingService;
  let app: FastifyInstance;
  const req = requestAs(() => app);

  beforeAll(async () => {
    const opened = await bed.open();
    warehouse = opened.warehouse;
    let desk: RoutingDesk;
    ({ desk, service } = testRouting({ state, bus, clock, roster, warehouse, suggestions: store }));
    app = await buildTestApp({ warehouse, clock, access: opened.keys.access }, { routing: desk });
  });
  afterAll(() => bed.close(app));

  it('documents the routes in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    for (const p of ['/v1/conversations/{id}/suggestions', '/v1/conversations/{id}/suggestions/{script_id}/used', '/v1/suggestions/scripts'])
      expect(doc.paths[p], p).toBeDefined();
  });

  it('suggests the time-limited offer to a price-sensitive customer, follows the customer as they write, and learns from the deal', async () => {
    await service.intake(event('s1', 'conversation.started', 'c-price', { text: '这个太贵了，有没有优惠？企业版多少钱' }));
    expect((await req('POST', '/v1/console/conversations/c-price/accept', key('ag_zhang'))).status).toBe(200);

    const first = await req('GET', '/v1/conversations/c-price/suggestions', key('ag_zhang'));
    expect(first.status).toBe(200);
    expect(first.body.context).toEqual({ tag: 'price_sensitive', stage: 'opening', intent: 'price_inquiry', lang: 'zh' });
    expect(first.body.suggestions).toHaveLength(3);
    const offer = first.body.suggestions.find((s: { script_id: string }) => s.script_id === 'offer-limited-zh');
    expect(offer.text).toContain('6月23日'); // three days after 20 June, Asia/Shanghai
    for (const s of first.body.suggestions) expect(s.text).not.toMatch(/\{\{|\}\}/);

    // Not the agent's conversation: not found; a viewer: forbidden.
    expect((await req('GET', '/v1/conversations/c-price/suggestions', key('ag_liu'))).status).toBe(404);

    // The customer writes again, in English, about a login error: the suggestions follow.
    await service.intake(event('m1', 'message.received', 'c-price', { text: 'I cannot log in, the app shows an error' }));
    const later = await req('GET', '/v1/conversations/c-price/suggestions', key('ag_zhang'));
    expect(later.body.context).toMatchObject({ intent: 'tech_support', lang: 'en' });
    expect(later.body.suggestions[0].script_id).toBe('tech-help-en');

    // Used (edited), once; the deal rewards it once, however often the event comes.
    expect((await req('POST', '/v1/conversations/c-price/suggestions/offer-limited-zh/used', key('ag_zhang'), { edited: true })).body).toEqual({
      recorded: true,
      context: 'price_sensitive|opening|price_inquiry',
    });
    expect((await req('POST', '/v1/conversations/c-price/suggestions/offer-limited-zh/used', key('ag_zhang'), {})).body.recorded).toBe(false);
    expect((await req('POST', '/v1/conversations/c-price/suggestions/nope/used', key('ag_zhang'), {})).body).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
    expect((await req('POST', '/v1/console/conversations/c-price/close', key('ag_zhang'), { outcome: 'deal', value: 900 })).status).toBe(200);
    const won = event('deal:c-price', 'deal.won', 'c-price', { value: 900 }, 'routing');
    await service.intake(won);
    await service.intake(won);
    const p = await store.posteriors('price_sensitive|opening|price_inquiry');
    expect(p['offer-limited-zh']).toEqual({ trials: 1, reward: 0.95 });
    expect(p['quote-clear-zh']).toEqual({ trials: 1, reward: 0 });
    // The customer's CSAT answer (5) rewards it too, once, through the same routing consumer.
    const csat = event('csat-c-price', 'csat.submitted', 'c-price', { score: 5 });
    await service.intake(csat);
    await service.intake(csat);
    expect((await store.posteriors('price_sensitive|opening|price_inquiry'))['offer-limited-zh'].reward).toBeCloseTo(1.45, 6);
  });

  it('lets managers read and replace the library, with coded errors for bad scripts; agents cannot', async () => {
    expect((await req('GET', '/v1/suggestions/scripts', key('ag_zhang'))).status).toBe(403);
    const lib = await req('GET', '/v1/suggestions/scripts', key('mgr_lin'));
    expect(lib.status).toBe(200);
    expect(lib.body.scripts.length).toBeGreaterThanOrEqual(20);
    const bad = await req('PUT', '/v1/suggestions/scripts', key('mgr_lin'), {
      scripts: [{ id: 'x', lang: 'zh', tags: [], stages: [], intents: [], text: '{{nmae}}' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('API_ERR_VALIDATION');
    const dup = await req('PUT', '/v1/suggestions/scripts', key('mgr_lin'), { scripts: [lib.body.scripts[0], lib.body.scripts[0]] });
    expect(dup.status).toBe(400);
    const own = [{ id: 'only-one', lang: 'zh', tags: [], stages: [], intents: [], text: '{{name}}，欢迎！' }];
    expect((await req('PUT', '/v1/suggestions/scripts', key('mgr_lin'), { scripts: own })).body).toEqual({ scripts: 1 });
    await service.intake(event('s2', 'conversation.started', 'c-two', { text: 'how much is the team plan?' }));
    await req('POST', '/v1/console/conversations/c-two/accept', key('ag_zhang'));
    const s = await req('GET', '/v1/conversations/c-two/suggestions', key('ag_zhang'));
    expect(s.body.suggestions).toEqual([]); // only a zh script and an English customer: nothing fits, nothing invented
    await req('PUT', '/v1/suggestions/scripts', key('mgr_lin'), { scripts: lib.body.scripts });
  });

  it('creates, edits and deletes one script for managers and admins; agents get 403; bad ones a coded 400', async () => {
    const one = { id: 'vip-welcome-en', lang: 'en', tags: ['VIP'], stages: ['opening'], intents: [], text: 'Welcome back, {{name}}!' };
    const req2 = (method: 'PUT' | 'DELETE', id: string, k: string, body?: unknown) =>
      app
        .inject({ method, url: `/v1/suggestions/scripts/${id}`, headers: { authorization: `Bearer ${k}` }, ...(body ? { payload: body } : {}) })
        .then((r) => ({ status: r.statusCode, body: r.json<Record<string, any>>() }));
    const before = (await req('GET', '/v1/suggestions/scripts', key('mgr_lin'))).body.scripts.length as number;
    expect((await req2('PUT', one.id, key('ag_zhang'), one)).status).toBe(403);
    expect((await req2('DELETE', 'offer-limited-zh', key('ag_zhang'))).status).toBe(403);
    expect((await req2('PUT', one.id, key('mgr_lin'), one)).body).toEqual({ script: one, created: true, scripts: before + 1 });
    const edited = { ...one, text: 'Welcome back, {{name}}: {{product}} is waiting for you.' };
    expect((await req2('PUT', one.id, key('mgr_lin'), edited)).body).toMatchObject({ created: false, scripts: before + 1 });
    const lib = (await req('GET', '/v1/suggestions/scripts', key('mgr_lin'))).body.scripts as Array<{ id: string; text: string }>;
    expect(lib.find((x) => x.id === one.id)?.text).toBe(edited.text);
    expect((await req2('PUT', one.id, key('mgr_lin'), { ...one, text: 'Hi {{nmae}}' })).body.code).toBe('API_ERR_VALIDATION');
    expect((await req2('PUT', 'other-id', key('mgr_lin'), one)).body.code).toBe('API_ERR_VALIDATION');
    expect((await req2('PUT', one.id, key('mgr_lin'), { ...one, stages: ['later'] })).status).toBe(400);
    expect((await req2('DELETE', one.id, key('mgr_lin'))).body).toEqual({ deleted: true, scripts: before });
    expect((await req2('DELETE', one.id, key('mgr_lin'))).body.code).toBe('API_ERR_NOT_FOUND');
  });
});
