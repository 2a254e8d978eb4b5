import type { LiveStatus } from '../live/live-client.js';
import { consoleApi, type ConsoleApi, type ConsoleResult } from './api.js';
import { followConsole, type ConsoleEventName } from './console-live.js';
import {
  closeRequest,
  initialConsoleState,
  isManager,
  newClientMsgId,
  reduceConsole,
  replyAgentId,
  transferRequest,
  type ConsoleAction,
  type ConsoleState,
  type Notice,
} from './state.js';
import type { LiveMessage, Outcome, Presence } from './types.js';
import { idleSearch, searchError, searchRequest, type SearchKind } from './search.js';
import { qualifyRequest } from './opportunity-pane.js';

export interface ConsoleControllerDeps {
  fetch: typeof fetch;
  getKey(): string | null;
  /** the server rejected the key (401) */
  onUnauthorized(): void;
  onChange(state: ConsoleState): void;
  onLiveStatus?(status: LiveStatus): void;
  now?: () => number;
  random?: () => number;
  /** Lists are also reloaded this often, in case a live event was missed. */
  pollMs?: number;
}

export type ConsoleController = ReturnType<typeof createConsoleController>;

const isLiveMessage = (d: unknown): d is LiveMessage =>
  !!d && typeof d === 'object' && typeof (d as LiveMessage).conversation_id === 'string' && typeof (d as LiveMessage).text === 'string';

/**
 * The console's effects: loads what the key may see, follows `/v1/console/live`, and runs the agent's actions
 * (accept, reply, transfer, close, presence, queue policy), feeding every answer through the pure reducer.
 */
export function createConsoleController(deps: ConsoleControllerDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  let state: ConsoleState = initialConsoleState;
  let api: ConsoleApi | null = null;
  let live: { stop(): void } | null = null;
  let poll: ReturnType<typeof setInterval> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let timelineTimers: Array<ReturnType<typeof setTimeout>> = [];
  let suggestTimer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  /** Profiles load concurrently (a conversation's, a search's, timeline reloads): only the latest request shows. */
  let customerLoads = 0;

  const dispatch = (a: ConsoleAction) => {
    state = reduceConsole(state, a);
    deps.onChange(state);
  };
  const notice = (n: Notice | null) => dispatch({ type: 'notice', notice: n });

  /** The data of a result, or null after reporting the failure (401 signs out). */
  function settle<T>(r: ConsoleResult<T>, onError?: (r: Extract<ConsoleResult<T>, { ok: false }>) => void): T | null {
    if (r.ok) return r.data;
    if (r.status === 401) deps.onUnauthorized();
    else if (onError) onError(r);
    else notice({ key: r.status === 409 ? 'console.error.conflict' : 'console.error', params: { message: `${r.code}: ${r.message}` }, tone: 'error' });
    return null;
  }

  async function refreshLists() {
    if (!api) return;
    const mine = generation;
    const [q, offered, active] = await Promise.all([api.queue(), api.conversations('offered'), api.conversations('active')]);
    if (mine !== generation) return;
    dispatch({ type: 'lists', queues: settle(q)?.queues, offered: settle(offered)?.conversations, active: settle(active)?.conversations });
    if (isManager(state.me)) {
      const r = await api.routing();
      if (mine === generation) dispatch({ type: 'routing', routing: settle(r, () => undefined) });
    }
  }
  const scheduleRefresh = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refreshLists(), 150);
  };

  async function loadCustomer(customerId: string) {
    if (!api) return;
    const mine = ++customerLoads;
    const [p, t] = await Promise.all([api.customer(customerId), api.timeline(customerId)]);
    if (mine !== customerLoads) return;
    const errors: string[] = [];
    const profile = settle(p, (e) => errors.push(`${e.code}: ${e.message}`));
    const timeline = settle(t, (e) => errors.push(`${e.code}: ${e.message}`));
    dispatch({ type: 'customer', id: customerId, profile, timeline: timeline?.events ?? null, error: errors.length ? errors.join(' · ') : null });
  }

  async function loadDetail(id: string) {
    if (!api) return;
    // 404: the conversation left this key's sight (transferred away); the chat keeps what it showed.
    const detail = settle(
      await api.detail(id),
      (e) => e.status !== 404 && notice({ key: 'console.error', params: { message: `${e.code}: ${e.message}` }, tone: 'error' }),
    );
    if (!detail || state.selected?.id !== id) return;
    dispatch({ type: 'detail', id, detail });
    void loadSuggestions(id);
    const customerId = detail.customer_id || detail.conversation?.customer_id;
    if (customerId) await loadCustomer(customerId);
  }

  /** The top three reply suggestions for the conversation now; quietly keeps the old ones when the call fails. */
  async function loadSuggestions(id: string) {
    if (!api) return;
    const r = await api.suggestions(id);
    if (r.ok && state.selected?.id === id) dispatch({ type: 'suggestions', id, suggestions: r.data?.suggestions ?? [] });
    else if (!r.ok && r.status === 401) deps.onUnauthorized();
  }

  /**
   * The customer's timeline is written by the stream worker (then the warehouse) a moment after a message:
   * reload it shortly after, and once more a little later in case the first reload was too early.
   */
  const scheduleTimeline = () => {
    for (const t of timelineTimers) clearTimeout(t);
    const reload = () => {
      const id = state.customer?.id;
      if (id) void loadCustomer(id);
    };
    timelineTimers = [setTimeout(reload, 1500), setTimeout(reload, 6000)];
  };

  function onEvent(name: ConsoleEventName, data: unknown) {
    if (name === 'message') {
      if (!isLiveMessage(data)) return;
      dispatch({ type: 'message', message: data });
      if (state.selected?.id === data.conversation_id) {
        scheduleTimeline();
        // The customer wrote: the context (intent, price sensitivity, language) may have changed.
        if (data.direction === 'in') {
          clearTimeout(suggestTimer);
          suggestTimer = setTimeout(() => state.selected?.id === data.conversation_id && void loadSuggestions(data.conversation_id), 200);
        }
      }
      return;
    }
    scheduleRefresh();
    const id = (data as { conversation_id?: unknown } | null)?.conversation_id;
    if ((name === 'assigned' || name === 'closed') && typeof id === 'string' && id === state.selected?.id) void loadDetail(id);
  }

  async function start() {
    const key = deps.getKey();
    if (!key) return;
    const mine = ++generation;
    api = consoleApi(deps.fetch, key);
    const r = await api.me();
    if (mine !== generation) return;
    const me = settle(r, (e) =>
      dispatch({
        type: 'blocked',
        notice: {
          key: e.status === 403 ? 'console.blocked.forbidden' : e.status === 404 ? 'console.blocked.unavailable' : 'console.error',
          params: { message: `${e.code}: ${e.message}` },
          tone: 'error',
        },
      }),
    );
    if (!me) return;
    dispatch({ type: 'me', me });
    await refreshLists();
    if (mine !== generation) return;
    live = followConsole({
      key,
      fetch: deps.fetch,
      random,
      onEvent,
      onStatus: (s) => {
        dispatch({ type: 'live', status: s });
        deps.onLiveStatus?.(s);
      },
      onOpen: () => {
        scheduleRefresh();
        if (state.selected) void loadDetail(state.selected.id);
      },
      onRejected: (status) => (status === 401 ? deps.onUnauthorized() : notice({ key: 'console.blocked.forbidden', tone: 'error' })),
    });
    poll = setInterval(() => void refreshLists(), deps.pollMs ?? 15_000);
  }

  function stop() {
    generation++;
    live?.stop();
    live = null;
    api = null;
    clearInterval(poll);
    clearTimeout(refreshTimer);
    for (const t of timelineTimers) clearTimeout(t);
    clearTimeout(suggestTimer);
    state = initialConsoleState;
    deps.onChange(state);
  }

  /** Runs an action that changes a conversation's status and reloads what it touched. */
  async function statusAction(id: string, run: (a: ConsoleApi) => Promise<ConsoleResult<{ status: string; agent_id?: string | null }>>, done: Notice) {
    if (!api) return;
    const r = settle(await run(api));
    if (!r) return;
    dispatch({ type: 'status', conversationId: id, status: r.status, agentId: r.agent_id });
    notice(done);
    scheduleRefresh();
    const stillMine = r.agent_id === undefined || r.agent_id === state.me?.agent?.id || r.status === 'closed';
    if (state.selected?.id === id && stillMine) void loadDetail(id);
  }

  return {
    get state() {
      return state;
    },
    start,
    stop,
    refresh: refreshLists,
    select(id: string | null) {
      dispatch({ type: 'select', id });
      if (id) void loadDetail(id);
    },
    async accept(id: string) {
      await statusAction(id, (a) => a.accept(id), { key: 'console.done.accepted', tone: 'ok' });
      if (state.selected?.id !== id) this.select(id);
    },
    async transfer(kind: 'agent' | 'group', target: string, note: string) {
      const id = state.selected?.id;
      const req = transferRequest(kind, target, note);
      if (!id) return;
      if (!req.ok) return notice({ key: req.key, tone: 'error' });
      await statusAction(id, (a) => a.transfer(id, req.body), { key: 'console.done.transferred', params: { target: target.trim() }, tone: 'ok' });
    },
    async close(outcome: Outcome, valueText: string) {
      const id = state.selected?.id;
      const req = closeRequest(outcome, valueText);
      if (!id) return;
      if (!req.ok) return notice({ key: req.key, tone: 'error' });
      await statusAction(id, (a) => a.close(id, req.outcome, req.value), { key: 'console.done.closed', tone: 'ok' });
    },
    /** Qualify the selected sales conversation as an opportunity, then show the customer's opportunities again. */
    async qualify(valueText: string, productText: string) {
      const id = state.selected?.id;
      const req = qualifyRequest(valueText, productText);
      if (!api || !id) return;
      if (!req.ok) return notice({ key: req.key, tone: 'error' });
      const r = settle(await api.qualify(id, req.body), (e) =>
        notice(
          e.code === 'API_ERR_NOT_SALES_CONVERSATION'
            ? { key: 'console.opportunity.notSales', tone: 'error' }
            : { key: 'console.error', params: { message: `${e.code}: ${e.message}` }, tone: 'error' },
        ),
      );
      if (!r) return;
      notice({ key: 'console.opportunity.done', params: { id: r.opportunity.id }, tone: 'ok' });
      if (state.customer?.id) void loadCustomer(state.customer.id);
    },
    async reply(text: string) {
      const id = state.selected?.id;
      const body = text.trim();
      if (!api || !id || !body) return false;
      const clientMsgId = newClientMsgId(now(), random);
      const agentId = replyAgentId(state.me);
      dispatch({ type: 'sending', conversationId: id, clientMsgId, text: body, agentId, at: now() });
      const r = settle(await api.reply(id, body, agentId, clientMsgId));
      if (!r) {
        dispatch({ type: 'sendFailed', conversationId: id, clientMsgId });
        return false;
      }
      // The live stream normally echoes the reply; a reload covers a server that does not.
      setTimeout(() => state.selected?.id === id && state.selected.messages.some((m) => m.pending === clientMsgId) && void loadDetail(id), 2000);
      scheduleTimeline();
      return true;
    },
    /** Tells the suggestion bandit a suggestion went out in a reply (edited: changed first). Never sends a message. */
    async suggestionUsed(scriptId: string, edited: boolean) {
      const id = state.selected?.id;
      if (!api || !id || !scriptId) return;
      await api.suggestionUsed(id, scriptId, edited);
    },
    /** Corrects the open conversation's intent (stored as a label with the server's copy of the text), then reloads it. */
    async correctIntent(intent: string) {
      const id = state.selected?.id;
      if (!api || !id) return false;
      const ok = settle(await api.correctIntent(id, intent), (e) =>
        notice({ key: 'console.label.failed', params: { message: `${e.code}: ${e.message}` }, tone: 'error' }),
      );
      await loadDetail(id);
      return ok !== null;
    },
    /** Marks a bot answer in the open conversation wrong (a label for the FAQ bot; nothing is sent). */
    async markWrong(messageId: string) {
      const id = state.selected?.id;
      if (!api || !id) return false;
      const ok = settle(await api.botFeedback(id, messageId, 'wrong'), (e) =>
        notice({ key: 'console.label.failed', params: { message: `${e.code}: ${e.message}` }, tone: 'error' }),
      );
      return ok !== null;
    },
    /** Finds a customer by what was typed (search.ts) and opens the profile when exactly one matches. */
    async search(kind: SearchKind, text: string) {
      if (!api) return;
      const req = searchRequest(kind, text);
      const base = { ...idleSearch, text: text.trim() };
      if (!req.ok) return dispatch({ type: 'search', search: { ...base, status: 'error', error: { key: req.key } } });
      if ('open' in req) {
        dispatch({ type: 'search', search: base });
        return this.openCustomer(req.open);
      }
      dispatch({ type: 'search', search: { ...base, status: 'searching' } });
      const r = await api.findCustomers(req.query);
      if (!r.ok) {
        if (r.status === 401) return deps.onUnauthorized();
        return dispatch({ type: 'search', search: { ...base, status: 'error', error: searchError(r.code, r.message) } });
      }
      const hits = r.data?.customers ?? [];
      dispatch({ type: 'search', search: { ...base, status: hits.length ? 'found' : 'none', hits } });
      if (hits.length === 1) await this.openCustomer(hits[0].id);
    },
    /** Shows a customer's profile and timeline beside an empty chat (no conversation selected). */
    async openCustomer(id: string) {
      dispatch({ type: 'select', id: null });
      dispatch({ type: 'customer', id });
      await loadCustomer(id);
    },
    async setPresence(presence: Presence) {
      if (!api) return;
      const r = settle(await api.setPresence(presence));
      if (r) dispatch({ type: 'presence', presence: r.presence ?? presence });
      scheduleRefresh();
    },
    async setPolicy(group: string, policy: string) {
      if (!api) return;
      const r = await api.setPolicy(group, policy);
      settle(r);
      if (r.ok) notice({ key: 'console.done.policy', params: { group, policy }, tone: 'ok' });
      scheduleRefresh();
    },
  };
}
