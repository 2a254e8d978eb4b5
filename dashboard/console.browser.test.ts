import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestVisitor } from '../ingest/channels/webchat/ws-test-client.js';
import { ARTIFACTS, launchChromium, signInAsKeyOwner } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * The agent console end to end (issue 5, item 7): an agent signs in with their key, goes online, a web chat
 * visitor writes in Chinese, the agent accepts the offered (or queued) conversation, replies (the visitor gets
 * it and the customer's timeline records message.sent), transfers to a colleague, who signs in through the
 * form and closes with outcome deal (deal.won recorded). A manager changes a queue's policy from the console.
 * Written against docs/routing.md; uses the built-in demo roster and its per-agent keys.
 */
const SITE_KEY = 'pk_console_12345678';
const ORIGIN = 'http://shop.test';
const GROUP = 'pre_sale';
const ASK = '你好，我想买这款手机，请问多少钱？有现货吗？';
const REPLY = '您好！这款手机现在有货，价格 3999 元，今天下单明天送达。';

interface Agent {
  id: string;
  name: string;
  role: string;
  team: string;
  groups: string[];
  presence: string;
}
let om: TestOmnilane;
let browser: Browser;
let agentKeys: Array<{ id: string; secret: string }> = [];
const visitors: TestVisitor[] = [];

const call = async (key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(om.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as Record<string, unknown> };
};
/** Fails with the exact call and answer, so a missing backend reads as such. */
const ok = async (key: string, method: string, path: string, body?: unknown) => {
  const r = await call(key, method, path, body);
  expect(r.status, `${method} ${path} → ${r.status} ${JSON.stringify(r.json)}`).toBeLessThan(300);
  return r.json;
};

async function me(key: string): Promise<Agent> {
  return (await ok(key, 'GET', '/v1/console/me')).agent as Agent;
}

/** A page signed in (through the form) as the person whose test key is `key`, on the console. */
async function open(locale: string, key: string): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1440, height: 960 } });
  const page = await ctx.newPage();
  await signInAsKeyOwner(page, om, key, '#/console');
  return page;
}

/** Waits for the console's notice to report `key` or an error, and fails with the notice's text on an error. */
async function expectNotice(page: Page, key: string): Promise<void> {
  const notice = page.locator('[data-testid=console-notice]');
  const settled = async () => {
    const k = await notice.getAttribute('data-key');
    return k === key || !!k?.startsWith('console.error');
  };
  await expect.poll(settled, { timeout: 10_000 }).toBe(true);
  expect(await notice.getAttribute('data-key'), (await notice.textContent()) ?? '').toBe(key);
}

const item = (page: Page, list: 'offered' | 'active' | 'queue', conv: string) => page.locator(`[data-testid=${list}-list] [data-conversation="${conv}"]`);

async function timeline(
  customer: string,
): Promise<Array<{ type: string; properties: Record<string, unknown>; conversation_id: string | null; agent_id: string | null }>> {
  return ((await ok(om.adminKey, 'GET', `/v1/customers/${encodeURIComponent(customer)}/timeline?limit=200`)).events ?? []) as never;
}

beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}` });
  // A personal key per roster member for the test's own API calls; the pages sign in with the member's password.
  agentKeys = await om.rosterKeys();
  browser = await launchChromium();
});
afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await om?.cleanup();
});

describe('agent console in Chromium', () => {
  it('accept → reply → transfer → close (deal), with Chinese text intact', async () => {
    expect(agentKeys.length, 'the demo roster gives every member a user').toBeGreaterThanOrEqual(2);
    const roster = await Promise.all(agentKeys.map(async (k) => ({ key: k.secret, agent: await me(k.secret) })));
    const sellers = roster.filter((r) => r.agent.role === 'agent' && r.agent.groups.includes(GROUP));
    expect(sellers.length, `two agents of ${GROUP} in the demo roster`).toBeGreaterThanOrEqual(2);
    const [a, b] = sellers;
    // Only agent A is available, so routing can only offer the conversation to A (or queue it for A's group).
    for (const r of roster) await ok(r.key, 'PUT', '/v1/console/me/presence', { presence: 'offline' });

    // A signs in with their password, in Chinese, lands on the console and goes online with the toggle.
    const pa = await open('zh-CN', a.key);
    await expect.poll(() => pa.locator('[data-testid=console-whoami]').getAttribute('data-agent-id'), { timeout: 15_000 }).toBe(a.agent.id);
    expect(pa.url()).not.toContain('key=');
    expect(await pa.locator('[data-testid=console-whoami]').textContent()).toContain(a.agent.name);
    expect(await pa.locator('[data-testid=board]').isVisible()).toBe(false);
    expect(await pa.locator('[data-testid=nav-board]').isVisible()).toBe(false);
    await pa.locator('[data-testid=presence-online]').click();
    await expect.poll(() => pa.locator('[data-testid=presence-online]').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await me(a.key)).presence).toBe('online');
    await expect.poll(() => pa.locator('[data-testid=console-live]').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => pa.locator('[data-testid=live-status]').getAttribute('data-state')).toBe('live');

    // A customer writes on the web chat, in Chinese.
    const visitor = await TestVisitor.connect(om.url, ORIGIN);
    visitors.push(visitor);
    visitor.send({ type: 'hello', site_key: SITE_KEY, visitor_id: 'visitor-console-01' });
    const conv = (await visitor.next((f) => f.type === 'welcome')).conversation_id as string;
    visitor.send({ type: 'message', client_msg_id: 'q1', text: ASK });
    await visitor.next((f) => f.type === 'ack' && f.client_msg_id === 'q1');

    // It reaches A: offered (with a countdown) or waiting in A's group queue; either way A takes it.
    const offered = item(pa, 'offered', conv);
    const queued = item(pa, 'queue', conv);
    await expect.poll(async () => (await offered.count()) + (await queued.count()), { timeout: 30_000 }).toBeGreaterThan(0);
    if (await offered.count()) {
      await expect.poll(() => offered.locator('[data-testid=countdown]').textContent()).toMatch(/\d+:\d\d/);
      await offered.locator('[data-testid=accept]').click();
    } else {
      await queued.locator('[data-testid=queue-take]').click();
    }
    await expect.poll(() => item(pa, 'active', conv).count(), { timeout: 15_000 }).toBe(1);
    await item(pa, 'active', conv).click();
    await expect.poll(() => pa.locator('[data-testid=chat-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('active');
    await expect.poll(() => pa.locator('[data-testid=chat-messages] .msg-in .msg-text').allTextContents(), { timeout: 10_000 }).toContain(ASK);
    // Reply suggestions for the price question fill the slot (dashboard/console-suggestions.browser.test.ts tests them).
    await expect.poll(() => pa.locator('[data-testid=suggestion]').count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // The reply leaves through the web chat and is recorded as message.sent on the customer's timeline.
    await pa.locator('[data-testid=chat-input]').fill(REPLY);
    await pa.locator('[data-testid=chat-send]').click();
    expect(await visitor.next((f) => f.type === 'message' && f.from === 'agent', 10_000)).toMatchObject({ text: REPLY, agent_id: a.agent.id });
    await expect
      .poll(() => pa.locator('[data-testid=chat-messages] .msg-out:not([data-pending]) .msg-text').allTextContents(), { timeout: 10_000 })
      .toContain(REPLY);
    const detail = await ok(a.key, 'GET', `/v1/console/conversations/${conv}`);
    const customer = String(detail.customer_id);
    await om.drained();
    await expect
      .poll(async () => (await timeline(customer)).find((e) => e.type === 'message.sent' && e.conversation_id === conv)?.properties.text, { timeout: 15_000 })
      .toBe(REPLY);
    // beside the chat: the profile and the cross-channel timeline with the customer's own words (agents may read them)
    await ok(a.key, 'GET', `/v1/customers/${encodeURIComponent(customer)}`);
    await ok(a.key, 'GET', `/v1/customers/${encodeURIComponent(customer)}/timeline`);
    await expect
      .poll(() => pa.locator('[data-testid=customer-timeline] li[data-type="message.received"]').allTextContents(), { timeout: 10_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining(ASK)]));
    expect(await pa.locator('[data-testid=customer-profile]').textContent()).toContain(customer);
    await expect
      .poll(() => pa.locator('[data-testid=customer-timeline] li[data-type="message.sent"]').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining(REPLY)]));
    await pa.screenshot({ path: join(ARTIFACTS, 'console-zh.png'), fullPage: true });

    // The UI follows the language switch.
    await pa.locator('[data-testid=lang-switch] [data-lang=en]').click();
    await expect.poll(() => pa.locator('[data-testid=chat-send]').textContent()).toBe('Send');
    expect(await pa.locator('[data-testid=chat-messages] .msg-in .msg-text').first().textContent()).toBe(ASK);

    // Transfer to B (now online).
    await ok(b.key, 'PUT', '/v1/console/me/presence', { presence: 'online' });
    await pa.locator('[data-testid=transfer-kind]').selectOption('agent');
    await pa.locator('[data-testid=transfer-target]').fill(b.agent.id);
    await pa.locator('[data-testid=transfer-submit]').click();
    await expectNotice(pa, 'console.done.transferred');
    await expect.poll(() => item(pa, 'active', conv).count(), { timeout: 10_000 }).toBe(0);
    expect(await pa.locator('[data-testid=chat-input]').isDisabled()).toBe(true);
    const mineOf = async (key: string) => {
      const lists = await Promise.all(['offered', 'active'].map((s) => ok(key, 'GET', `/v1/console/conversations?status=${s}`)));
      return lists.flatMap((l) => (l.conversations as Array<{ conversation_id: string; agent_id: string }>) ?? []).filter((c) => c.conversation_id === conv);
    };
    await expect.poll(async () => (await mineOf(b.key)).map((c) => c.agent_id), { timeout: 15_000 }).toEqual([b.agent.id]);
    expect(await mineOf(a.key)).toEqual([]);

    // B signs in through the form (an agent: the console opens, not the board), accepts and closes with a deal.
    const pb = await open('en-US', b.key);
    await expect.poll(() => pb.locator('[data-testid=console-whoami]').getAttribute('data-agent-id'), { timeout: 15_000 }).toBe(b.agent.id);
    const bOffered = item(pb, 'offered', conv);
    await expect.poll(async () => (await bOffered.count()) + (await item(pb, 'active', conv).count()), { timeout: 15_000 }).toBeGreaterThan(0);
    if (await bOffered.count()) await bOffered.locator('[data-testid=accept]').click();
    await expect.poll(() => item(pb, 'active', conv).count(), { timeout: 15_000 }).toBe(1);
    // the key is remembered: a reload opens the console again without asking
    await pb.reload();
    await expect.poll(() => item(pb, 'active', conv).count(), { timeout: 15_000 }).toBe(1);
    expect(await pb.locator('[data-testid=signin-form]').isVisible()).toBe(false);
    await item(pb, 'active', conv).click();
    await expect
      .poll(() => pb.locator('[data-testid=chat-messages] .msg-text').allTextContents(), { timeout: 10_000 })
      .toEqual(expect.arrayContaining([ASK, REPLY]));
    await pb.locator('[data-testid=close-outcome]').selectOption('deal');
    await pb.locator('[data-testid=close-value]').fill('3999');
    await pb.locator('[data-testid=close-submit]').click();
    await expectNotice(pb, 'console.done.closed');
    await expect.poll(() => pb.locator('[data-testid=chat-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('closed');
    expect(await pb.locator('[data-testid=chat-input]').isDisabled()).toBe(true);
    await pb.screenshot({ path: join(ARTIFACTS, 'console-en.png'), fullPage: true });
    await om.drained();
    // this visitor's only conversation: its deal.won, closed outcome and both assignments (A, then B by transfer)
    await expect
      .poll(async () => (await timeline(customer)).filter((e) => e.type === 'deal.won').map((e) => Number(e.properties.value)), { timeout: 15_000 })
      .toEqual([3999]);
    const events = await timeline(customer);
    expect(events.find((e) => e.type === 'conversation.closed')?.properties.outcome).toBe('deal');
    const assignedTo = events.filter((e) => e.type === 'conversation.assigned').map((e) => e.agent_id);
    expect(assignedTo).toEqual(expect.arrayContaining([a.agent.id, b.agent.id]));
    await pa.context().close();
    await pb.context().close();
  });

  it("lets a manager change a queue's routing policy", async () => {
    const roster = await Promise.all(agentKeys.map(async (k) => ({ key: k.secret, agent: await me(k.secret) })));
    const manager = roster.find((r) => r.agent.role === 'manager');
    expect(manager, 'the demo roster has a manager').toBeDefined();
    const page = await open('zh-CN', manager!.key);
    const select = page.locator('[data-testid=team-queues] select[data-testid=policy-select]').first();
    await expect.poll(() => select.count(), { timeout: 15_000 }).toBe(1);
    const group = (await select.getAttribute('data-group'))!;
    const next = (await select.inputValue()) === 'round_robin' ? 'least_loaded' : 'round_robin';
    await select.selectOption(next);
    await expectNotice(page, 'console.done.policy');
    const queues = (await ok(manager!.key, 'GET', '/v1/routing/queues')).queues as Array<{ group: string; policy: string }>;
    expect(queues.find((q) => q.group === group)?.policy).toBe(next);
    expect(await page.locator('[data-testid=team-pane] .panel-title').textContent()).toBe('团队');
    await page.context().close();
  });
});
