/**
 * The widget's conversation state as pure functions, so resume, dedup and the
 * outgoing queue are unit-tested without a socket or a DOM.
 */
export interface ChatMsg {
  /** seq once stored; pending messages have none yet. */
  seq?: number;
  from: 'visitor' | 'agent';
  text: string;
  at: number;
  client_msg_id?: string;
  status: 'pending' | 'sent' | 'failed';
}

export interface Outgoing {
  client_msg_id: string;
  text: string;
}

export interface ChatState {
  conversationId: string | null;
  /** Highest seq received: sent as last_seq on resume. */
  lastSeq: number;
  messages: ChatMsg[];
  /** Messages not acked yet, oldest first; resent with the same id after a reconnect. */
  queue: Outgoing[];
  /** How far the agent has read (for read receipts). */
  agentReadSeq: number;
}

export const MAX_KEPT = 200;

export const emptyState = (): ChatState => ({ conversationId: null, lastSeq: 0, messages: [], queue: [], agentReadSeq: 0 });

/** Welcome: same conversation keeps everything; a new one (expired or unknown) starts clean but keeps the queue. */
export function applyWelcome(s: ChatState, conversationId: string, readSeq: number): ChatState {
  if (s.conversationId === conversationId) return { ...s, agentReadSeq: Math.max(s.agentReadSeq, readSeq) };
  const pending = s.messages.filter((m) => m.status === 'pending');
  return { conversationId, lastSeq: 0, messages: pending, queue: s.queue, agentReadSeq: readSeq };
}

/** A visitor types a message: shown at once as pending and queued. */
export function enqueue(s: ChatState, out: Outgoing, at: number): ChatState {
  return {
    ...s,
    queue: [...s.queue, out],
    messages: [...s.messages, { from: 'visitor', text: out.text, at, client_msg_id: out.client_msg_id, status: 'pending' }],
  };
}

/** A stored message (replay or live push): never shown twice, merges into its pending copy. */
export function applyMessage(s: ChatState, m: { seq: number; from: 'visitor' | 'agent'; text: string; at: number; client_msg_id?: string }): ChatState {
  const lastSeq = Math.max(s.lastSeq, m.seq);
  if (s.messages.some((x) => x.seq === m.seq)) return { ...s, lastSeq };
  const stored: ChatMsg = { ...m, status: 'sent' };
  const i = m.client_msg_id ? s.messages.findIndex((x) => x.seq === undefined && x.client_msg_id === m.client_msg_id) : -1;
  let messages = i >= 0 ? s.messages.map((x, j) => (j === i ? stored : x)) : [...s.messages, stored];
  messages = sortMessages(messages).slice(-MAX_KEPT);
  const queue = m.client_msg_id ? s.queue.filter((q) => q.client_msg_id !== m.client_msg_id) : s.queue;
  return { ...s, lastSeq, messages, queue };
}

/** Ack: the message is stored under seq; it leaves the queue. */
export function applyAck(s: ChatState, clientMsgId: string, seq: number): ChatState {
  const queue = s.queue.filter((q) => q.client_msg_id !== clientMsgId);
  if (s.messages.some((x) => x.seq === seq))
    return { ...s, queue, messages: s.messages.filter((x) => !(x.seq === undefined && x.client_msg_id === clientMsgId)) };
  const messages = s.messages.map((x) => (x.client_msg_id === clientMsgId && x.seq === undefined ? { ...x, seq, status: 'sent' as const } : x));
  return { ...s, queue, messages: sortMessages(messages) };
}

/** A refused message that no resend can fix (bad payload): dropped from the queue, marked failed. */
export function applyRefused(s: ChatState, clientMsgId: string): ChatState {
  return {
    ...s,
    queue: s.queue.filter((q) => q.client_msg_id !== clientMsgId),
    messages: s.messages.map((x) => (x.client_msg_id === clientMsgId && x.seq === undefined ? { ...x, status: 'failed' as const } : x)),
  };
}

/** Highest agent seq: what a read receipt acknowledges. */
export function lastAgentSeq(s: ChatState): number {
  return s.messages.reduce((n, m) => (m.from === 'agent' && m.seq !== undefined ? Math.max(n, m.seq) : n), 0);
}

/** Stored messages by seq; pending ones stay after them in typing order. */
function sortMessages(ms: ChatMsg[]): ChatMsg[] {
  const stored = ms.filter((m) => m.seq !== undefined).sort((a, b) => a.seq! - b.seq!);
  return [...stored, ...ms.filter((m) => m.seq === undefined)];
}

/** Reconnect delay: exponential from 500 ms to 15 s, with ±20 % jitter from `rand` in [0, 1). */
export function backoffMs(attempt: number, rand: number): number {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * rand));
}
