import { applyAck, applyMessage, applyRefused, applyWelcome, backoffMs, emptyState, enqueue, lastAgentSeq, type ChatState } from './chat-state.js';

export type Status = 'connecting' | 'online' | 'offline';

export interface ChatClientOptions {
  /** The Omnilane app's origin, e.g. https://omnilane.example. */
  baseUrl: string;
  siteKey: string;
  storage: Storage;
  onChange(state: ChatState, status: Status): void;
  onAgentTyping(): void;
}

interface ServerFrame {
  type: string;
  [k: string]: unknown;
}

const randomId = (prefix: string) => {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return (
    prefix +
    Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
      .join('')
      .slice(0, 20)
  );
};

/**
 * The visitor's side of the web chat protocol: connects, resumes with the
 * stored conversation and last seq, resends unacked messages with their ids,
 * and reconnects with backoff. State survives page loads in localStorage.
 */
export class ChatClient {
  state: ChatState;
  status: Status = 'connecting';
  private ws: WebSocket | null = null;
  private attempt = 0;
  private welcomed = false;
  private lastTypingAt = 0;
  private readonly visitorId: string;
  private readonly key: string;

  constructor(private readonly o: ChatClientOptions) {
    this.key = `omnilane.webchat.${o.siteKey}`;
    const visitorKey = 'omnilane.webchat.visitor';
    this.visitorId = o.storage.getItem(visitorKey) ?? randomId('v_');
    o.storage.setItem(visitorKey, this.visitorId);
    let saved: ChatState | null;
    try {
      saved = JSON.parse(o.storage.getItem(this.key) ?? 'null') as ChatState | null;
    } catch {
      saved = null;
    }
    this.state = saved && Array.isArray(saved.messages) ? saved : emptyState();
  }

  start(): void {
    this.connect();
  }

  send(text: string): void {
    const t = text.trim();
    if (!t) return;
    const out = { client_msg_id: randomId('c_'), text: t };
    this.update(enqueue(this.state, out, Date.now()));
    if (this.welcomed) this.frame({ type: 'message', ...out });
  }

  /** Throttled to one frame per 3 s while the visitor types. */
  typing(): void {
    const now = Date.now();
    if (!this.welcomed || now - this.lastTypingAt < 3000) return;
    this.lastTypingAt = now;
    this.frame({ type: 'typing' });
  }

  /** The panel is open and shows everything: acknowledge the agent's messages. */
  markRead(): void {
    const seq = lastAgentSeq(this.state);
    if (this.welcomed && seq > 0) this.frame({ type: 'read', seq });
  }

  private connect(): void {
    this.setStatus('connecting');
    const ws = new WebSocket(`${this.o.baseUrl.replace(/^http/, 'ws')}/v1/channels/webchat/socket`);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(
        JSON.stringify({
          type: 'hello',
          site_key: this.o.siteKey,
          visitor_id: this.visitorId,
          conversation_id: this.state.conversationId,
          last_seq: this.state.lastSeq,
        }),
      );
    };
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as ServerFrame);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      this.setStatus('offline');
      // A refused site key or origin will not get better by retrying often.
      const fatal = e.code === 4401 || e.code === 4403;
      setTimeout(() => this.connect(), fatal ? 60_000 : backoffMs(this.attempt++, Math.random()));
    };
  }

  private receive(f: ServerFrame): void {
    switch (f.type) {
      case 'welcome':
        this.welcomed = true;
        this.attempt = 0;
        this.update(applyWelcome(this.state, f.conversation_id as string, Number(f.read_seq ?? 0)));
        this.setStatus('online');
        for (const q of this.state.queue) this.frame({ type: 'message', ...q });
        return;
      case 'message':
        return this.update(applyMessage(this.state, f as unknown as Parameters<typeof applyMessage>[1]));
      case 'ack':
        return this.update(applyAck(this.state, f.client_msg_id as string, f.seq as number));
      case 'read':
        if (f.from === 'agent') this.update({ ...this.state, agentReadSeq: Math.max(this.state.agentReadSeq, Number(f.seq)) });
        return;
      case 'typing':
        if (f.from === 'agent') this.o.onAgentTyping();
        return;
      case 'error': {
        const id = f.client_msg_id as string | undefined;
        if (!id) return;
        if (f.code === 'ING_ERR_BAD_PAYLOAD') return this.update(applyRefused(this.state, id));
        const q = this.state.queue.find((x) => x.client_msg_id === id);
        if (q) setTimeout(() => this.welcomed && this.frame({ type: 'message', ...q }), Number(f.retry_after_ms ?? 2000));
        return;
      }
    }
  }

  private frame(f: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(f));
  }

  private update(s: ChatState): void {
    this.state = s;
    try {
      this.o.storage.setItem(this.key, JSON.stringify(s));
    } catch {
      // storage full or blocked: the conversation still works for this page
    }
    this.o.onChange(s, this.status);
  }

  private setStatus(st: Status): void {
    this.status = st;
    this.o.onChange(this.state, st);
  }
}
