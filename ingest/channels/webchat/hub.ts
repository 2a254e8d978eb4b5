import type { ServerFrame } from './protocol.js';

export type HubListener = (frame: ServerFrame) => void;

/**
 * Fan-out of live frames to every socket of a conversation (two tabs, two
 * devices). The conversation log is the source of truth: a frame lost by the
 * hub is recovered by the client's next resume, and sockets catch up from the
 * log when they see a seq gap, so an adapter may be at-most-once.
 *
 * This in-process hub reaches the sockets of this process; `RedisHub`
 * (redis-hub.ts) implements the same interface over Redis pub/sub for several
 * processes and is chosen when REDIS_URL is set.
 */
export interface WebchatHub {
  /** Registers a listener; returns the function that removes it. */
  subscribe(conversationId: string, listener: HubListener): () => void;
  publish(conversationId: string, frame: ServerFrame): Promise<void>;
  /** Number of local listeners of a conversation (for tests and health). */
  listeners(conversationId: string): number;
}

export class InProcessHub implements WebchatHub {
  private readonly subs = new Map<string, Set<HubListener>>();

  subscribe(conversationId: string, listener: HubListener): () => void {
    let set = this.subs.get(conversationId);
    if (!set) this.subs.set(conversationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.subs.get(conversationId) === set) this.subs.delete(conversationId);
    };
  }

  async publish(conversationId: string, frame: ServerFrame): Promise<void> {
    for (const listener of [...(this.subs.get(conversationId) ?? [])]) {
      try {
        listener(frame);
      } catch {
        // one broken socket must not keep the frame from the others
      }
    }
  }

  listeners(conversationId: string): number {
    return this.subs.get(conversationId)?.size ?? 0;
  }
}
