import { authHeaders } from '../api/client.js';
import type { SearchHit } from './search.js';
import type {
  ConsoleConversation,
  ConsoleQueue,
  ConversationDetail,
  CrmOpportunity,
  CustomerProfile,
  Me,
  Outcome,
  Presence,
  RoutingOverview,
  SuggestionsReply,
  TimelineEvent,
} from './types.js';

/**
 * Outcome of a console request. Unlike the board's, failures keep the HTTP status and error code: the console
 * reacts differently to 401 (sign in again), 403 (not for this key), 409 (taken by someone else) and the rest.
 */
export type ConsoleResult<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string };

/** Reads `{code, message}` (the API's error body) or the `{error: {code, message}}` form the contract sketches. */
function errorOf(status: number, body: unknown): { code: string; message: string } {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
  const src = b.error && typeof b.error === 'object' ? b.error : b;
  const code = typeof src.code === 'string' ? src.code : `HTTP_${status}`;
  return { code, message: typeof src.message === 'string' ? src.message : `HTTP ${status}` };
}

export type Fetch = typeof fetch;

/** One JSON request; never throws (a network failure is status 0). */
export async function consoleRequest<T>(f: Fetch, key: string, method: string, url: string, body?: unknown): Promise<ConsoleResult<T>> {
  let res: Response;
  try {
    const headers: Record<string, string> = authHeaders(key);
    if (body !== undefined) headers['content-type'] = 'application/json';
    res = await f(url, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    return { ok: false, status: 0, code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
  }
  let parsed: unknown = null;
  try {
    parsed = await res.json();
  } catch {
    // judged by status below
  }
  // A 2xx without a body (PUT policy may answer an empty 200) still succeeded.
  if (res.ok) return { ok: true, data: parsed as T };
  return { ok: false, status: res.status, ...errorOf(res.status, parsed) };
}

const seg = encodeURIComponent;

/** Every call the console makes, bound to a fetch and a key. */
export function consoleApi(f: Fetch, key: string) {
  const get = <T>(url: string) => consoleRequest<T>(f, key, 'GET', url);
  const send = <T>(method: string, url: string, body: unknown) => consoleRequest<T>(f, key, method, url, body);
  return {
    me: () => get<Me>('/v1/console/me'),
    setPresence: (presence: Presence) => send<{ presence: Presence }>('PUT', '/v1/console/me/presence', { presence }),
    queue: () => get<{ queues: ConsoleQueue[] }>('/v1/console/queue'),
    conversations: (status: 'offered' | 'active' | 'closed') => get<{ conversations: ConsoleConversation[] }>(`/v1/console/conversations?status=${status}`),
    detail: (id: string) => get<ConversationDetail>(`/v1/console/conversations/${seg(id)}`),
    accept: (id: string) => send<{ status: string; agent_id: string }>('POST', `/v1/console/conversations/${seg(id)}/accept`, {}),
    transfer: (id: string, to: { to_agent?: string; to_group?: string; note?: string }) =>
      send<{ status: string; agent_id: string | null; group: string }>('POST', `/v1/console/conversations/${seg(id)}/transfer`, to),
    close: (id: string, outcome: Outcome, value?: number) =>
      send<{ status: string }>('POST', `/v1/console/conversations/${seg(id)}/close`, value === undefined ? { outcome } : { outcome, value }),
    reply: (id: string, text: string, agentId: string, clientMsgId: string) =>
      send<{ id: string; event_id: string }>('POST', `/v1/conversations/${seg(id)}/messages`, { text, agent_id: agentId, client_msg_id: clientMsgId }),
    /** `query` is URL-encoded parameters from search.ts (phone=…, email=…, channel=…&channel_id=…). */
    findCustomers: (query: string) => get<{ identifiers: string[]; customers: SearchHit[] }>(`/v1/customers?${query}`),
    customer: (id: string) => get<CustomerProfile>(`/v1/customers/${seg(id)}`),
    timeline: (id: string) => get<{ events: TimelineEvent[] }>(`/v1/customers/${seg(id)}/timeline?limit=50`),
    suggestions: (id: string) => get<SuggestionsReply>(`/v1/conversations/${seg(id)}/suggestions`),
    /** Feedback for the suggestion bandit; sends nothing to the customer. */
    suggestionUsed: (id: string, scriptId: string, edited: boolean) =>
      send<{ recorded: boolean }>('POST', `/v1/conversations/${seg(id)}/suggestions/${seg(scriptId)}/used`, { edited }),
    /** Labels (docs/ai.md): the server takes the message text itself; only the label leaves the console. */
    correctIntent: (id: string, intent: string) => send<{ intent: string; model_intent: string }>('POST', `/v1/conversations/${seg(id)}/intent`, { intent }),
    botFeedback: (id: string, messageId: string, verdict: 'wrong' | 'right') =>
      send<{ recorded: boolean }>('POST', `/v1/conversations/${seg(id)}/bot-feedback`, { message_id: messageId, verdict }),
    /** Qualify a sales conversation: opportunity.created once, and the CRM opportunity created or updated. */
    qualify: (id: string, body: { value?: number; product?: string }) =>
      send<{ opportunity: CrmOpportunity; created: boolean; event: string }>('POST', `/v1/conversations/${seg(id)}/opportunity`, body),
    routing: () => get<RoutingOverview>('/v1/routing/queues'),
    setPolicy: (group: string, policy: string) => send<unknown>('PUT', `/v1/routing/queues/${seg(group)}/policy`, { policy }),
  };
}

export type ConsoleApi = ReturnType<typeof consoleApi>;
