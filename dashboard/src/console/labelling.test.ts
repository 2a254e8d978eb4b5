import { afterEach, describe, expect, it } from 'vitest';
import { catalogues } from '../i18n/index.js';
import { createConsoleController, type ConsoleController } from './controller.js';
import { canMarkWrong, CORRECTABLE_INTENTS, intentOptions } from './labelling.js';

describe('labelling helpers', () => {
  it('offers the nine intents, with an old label kept first so the select still shows it', () => {
    expect(intentOptions('logistics')).toEqual([...CORRECTABLE_INTENTS]);
    expect(intentOptions('pre_sale')).toEqual(['pre_sale', ...CORRECTABLE_INTENTS]);
    for (const i of CORRECTABLE_INTENTS)
      for (const cat of [catalogues.en, catalogues['zh-CN']]) expect(cat[`console.intent.${i}` as keyof typeof cat], i).toBeTruthy();
    expect(catalogues['zh-CN']['console.label.wrong']).toBe('回答有误');
    expect(catalogues.en['console.label.wrong']).toBe('Wrong answer');
  });

  it('puts the wrong-answer button on server-side bot answers only', () => {
    const base = { at: 1, direction: 'out' as const, channel: 'web', text: 'x', agent_id: null };
    expect(canMarkWrong({ ...base, id: 'bot/1', bot: true })).toBe(true);
    expect(canMarkWrong({ ...base, id: 'agent/1' })).toBe(false);
    expect(canMarkWrong({ ...base, bot: true })).toBe(false);
  });
});

let controller: ConsoleController | null = null;
afterEach(() => controller?.stop());

describe('console controller labelling', () => {
  it('sends only the label (the server takes the text), reloads the conversation, and marks a bot answer wrong', async () => {
    let intent = 'price_inquiry';
    const calls: Array<{ method: string; url: string; body: unknown }> = [];
    const conv = () => ({
      conversation_id: 'wc_1',
      customer_id: 'cus_1',
      agent_id: 'a_li',
      status: 'active',
      channel: 'web',
      tag: 'normal',
      intent,
      group: 'pre_sale',
      offered_at: 0,
      accept_by: null,
      assigned_at: 1,
      preview: '能寄到公司吗',
    });
    const routes: Record<string, (body: any) => { status: number; body?: unknown }> = {
      'GET /v1/console/me': () => ({
        status: 200,
        body: {
          agent: { id: 'a_li', name: 'Li', role: 'agent', team: 't', groups: ['pre_sale'], manages: [], presence: 'online', capacity: {} },
          role: 'agent',
        },
      }),
      'GET /v1/console/queue': () => ({ status: 200, body: { queues: [] } }),
      'GET /v1/console/conversations?status=offered': () => ({ status: 200, body: { conversations: [] } }),
      'GET /v1/console/conversations?status=active': () => ({ status: 200, body: { conversations: [conv()] } }),
      'GET /v1/console/conversations/wc_1': () => ({
        status: 200,
        body: {
          conversation: conv(),
          customer_id: '',
          messages: [
            { id: 'web/m1', at: 1, direction: 'in', channel: 'web', text: '能寄到公司吗', agent_id: null },
            { id: 'bot/b1', bot: true, at: 2, direction: 'out', channel: 'web', text: '价格见…', agent_id: null },
          ],
          suggestions: [],
        },
      }),
      'GET /v1/conversations/wc_1/suggestions': () => ({ status: 200, body: { context: {}, suggestions: [] } }),
      'POST /v1/conversations/wc_1/intent': (b) => (
        (intent = b.intent),
        { status: 200, body: { intent: b.intent, model_intent: 'price_inquiry', model_confidence: 0.6, message_id: 'web/m1' } }
      ),
      'POST /v1/conversations/wc_1/bot-feedback': () => ({ status: 200, body: { recorded: true } }),
    };
    const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ method, url, body });
      if (url === '/v1/console/live') return new Promise<Response>(() => undefined);
      const r = routes[`${method} ${url}`]?.(body) ?? { status: 404, body: { code: 'API_ERR_NOT_FOUND', message: 'no' } };
      return new Response(JSON.stringify(r.body ?? null), { status: r.status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    controller = createConsoleController({ fetch: fetchImpl, getKey: () => 'k', onUnauthorized: () => undefined, onChange: () => undefined, pollMs: 60_000 });
    await controller.start();
    controller.select('wc_1');
    await new Promise((r) => setTimeout(r, 30));
    expect(controller.state.selected?.messages.map((m) => [m.id, m.bot ?? false])).toEqual([
      ['web/m1', false],
      ['bot/b1', true],
    ]);

    expect(await controller.correctIntent('logistics')).toBe(true);
    expect(calls.find((c) => c.method === 'POST' && c.url.endsWith('/intent'))?.body).toEqual({ intent: 'logistics' });
    expect(controller.state.selected?.conversation?.intent).toBe('logistics');

    expect(await controller.markWrong('bot/b1')).toBe(true);
    expect(calls.find((c) => c.url.endsWith('/bot-feedback'))?.body).toEqual({ message_id: 'bot/b1', verdict: 'wrong' });

    routes['POST /v1/conversations/wc_1/bot-feedback'] = () => ({ status: 400, body: { code: 'API_ERR_VALIDATION', message: 'not a bot answer' } });
    expect(await controller.markWrong('web/m1')).toBe(false);
    expect(controller.state.notice).toMatchObject({ key: 'console.label.failed', tone: 'error' });
  });
});
