import type { StateStore } from '../../shared/ports/state-store.js';
import { OPEN_KEY, convStateKey, parseOpen, parseQueue, queueKey, type OpenEntry, type QueueEntry, assignmentKey, agentLoadKey } from './queue-keys.js';
import { acceptScript, enqueueScript, escalateScript, offerScript, type AcceptResult, type EnqueueResult, type OfferResult } from './queue-scripts.js';
import { regroupScript, type RegroupResult } from './queue-regroup-script.js';
import { closeScript, requeueScript, transferScript, type CloseResult, type RequeueResult, type TransferResult } from './queue-release-scripts.js';

/** A conversation's routing state as stored in `rt:cs:<id>`. */
export interface ConvState {
  status: 'queued' | 'offered' | 'active' | 'closed';
  group: string;
  agent: string;
  loadCh: string;
  sort: string;
  enqueuedAt: number;
  offeredAt: number | null;
  acceptBy: number | null;
  assignedAt: number | null;
  /** Assignments so far (event ids of conversation.assigned are numbered by it). */
  n: number;
  declined: string[];
  escalated: boolean;
  /** Triaged without the customer's words; their first message triages it again (once) while it waits. */
  awaitingWords: boolean;
  /** Id of the message whose words re-triaged it ('' when none did). */
  triagedBy: string;
}

/** How a conversation was triaged, for enqueue: see enqueueScript. */
export interface TriageMark {
  /** Triaged without the customer's words (no text, no stated intent). */
  awaitingWords?: boolean;
  /** Id of the customer message the triage read (`producer/id`); re-triages a conversation still awaiting words. */
  words?: string;
}

/** A candidate for the offer script: the load counter its capacity is on ('*' = all channels). */
export interface SlotCandidate {
  agentId: string;
  capacity: number;
  loadCh: string;
}

const numOrNull = (s: string | undefined) => (s === undefined || s === '' || s === '0' ? null : Number(s));
/**
 * Candidates handed to one offer script, best first. The snapshot the policy
 * ranked is at most a few ms old, so the first few nearly always have room;
 * a shorter list keeps the script (and its key list) small. When all of them
 * filled up meanwhile, the conversation stays queued for the next pass.
 */
export const MAX_OFFER_CANDIDATES = 4;
/** Retries after a `stale` answer (the holder changed between our read and the script). */
const MAX_STALE_RETRIES = 8;

/**
 * Typed calls of the queue scripts over a StateStore: builds keys and args,
 * and re-reads and retries when a script answers `stale`. Reads outside
 * scripts (queues, states) are snapshots for display and ranking only.
 */
export class QueueStore {
  constructor(
    private readonly state: StateStore,
    /** TTL of a conversation's routing state, ms. */
    private readonly ttlMs: number,
  ) {}

  async conv(id: string): Promise<ConvState | null> {
    const h = await this.state.hgetall(convStateKey(id));
    if (!h.status) return null;
    return {
      status: h.status as ConvState['status'],
      group: h.group ?? '',
      agent: h.agent ?? '',
      loadCh: h.load_ch ?? '',
      sort: h.sort ?? '',
      enqueuedAt: Number(h.enq ?? 0),
      offeredAt: numOrNull(h.off),
      acceptBy: numOrNull(h.by),
      assignedAt: numOrNull(h.asg_at),
      n: Number(h.n ?? 0),
      declined: h.declined ? h.declined.split(',') : [],
      escalated: h.esc === '1',
      awaitingWords: h.tri === '1',
      triagedBy: h.tri && h.tri !== '1' ? h.tri : '',
    };
  }

  async queue(group: string): Promise<QueueEntry[]> {
    return parseQueue(await this.state.hgetall(queueKey(group)));
  }

  async open(): Promise<Record<string, OpenEntry>> {
    return parseOpen(await this.state.hgetall(OPEN_KEY));
  }

  async load(agentId: string, loadCh: string): Promise<number> {
    return Number((await this.state.get(agentLoadKey(agentId, loadCh))) ?? 0);
  }

  /**
   * Queues a triaged conversation (idempotent by id), or re-triages one that
   * still awaits the customer's words when `mark.words` names their first
   * message (enqueueScript). Only a re-triage reads the holder first.
   */
  async enqueue(id: string, group: string, sortKey: string, now: number, mark: TriageMark = {}): Promise<EnqueueResult> {
    const words = mark.words ?? '';
    for (let i = 0; i < MAX_STALE_RETRIES; i++) {
      const c = words ? await this.conv(id) : null;
      const r = await this.state.atomic(
        enqueueScript,
        [convStateKey(id), queueKey(group), assignmentKey(id), OPEN_KEY, queueKey(c?.group || group), agentLoadKey(c?.agent || '_', c?.loadCh || '_')],
        [
          id,
          group,
          sortKey,
          String(now),
          String(this.ttlMs),
          mark.awaitingWords ? '1' : '',
          words,
          c?.status ?? '',
          c?.group ?? '',
          c?.agent ?? '',
          c?.loadCh ?? '',
        ],
      );
      if (r.status !== 'stale') return r;
    }
    return { status: 'stale' };
  }

  /** Offers (or with mode `active`, assigns) a queued conversation to the first candidate with room. */
  offer(id: string, group: string, ranked: readonly SlotCandidate[], now: number, acceptBy: number, mode: 'offered' | 'active'): Promise<OfferResult> {
    if (ranked.length === 0) return Promise.resolve({ status: 'no_capacity' });
    ranked = ranked.slice(0, MAX_OFFER_CANDIDATES);
    return this.state.atomic(
      offerScript,
      [convStateKey(id), queueKey(group), assignmentKey(id), OPEN_KEY, ...ranked.map((c) => agentLoadKey(c.agentId, c.loadCh))],
      [id, group, String(now), String(acceptBy), mode, ...ranked.flatMap((c) => [c.agentId, String(c.capacity), c.loadCh])],
    );
  }

  accept(id: string, agentId: string, now: number): Promise<AcceptResult> {
    return this.state.atomic(acceptScript, [convStateKey(id), OPEN_KEY], [id, agentId, String(now)]);
  }

  escalate(id: string, group: string, sortKey: string, priority: number): Promise<boolean> {
    return this.state.atomic(escalateScript, [convStateKey(id), queueKey(group)], [id, sortKey, String(priority)]);
  }

  /** Back to the queue head after an unanswered offer (`force`: now, whatever the accept time). */
  async requeue(id: string, now: number, headSort: (c: ConvState) => string, force = false): Promise<RequeueResult> {
    for (let i = 0; i < MAX_STALE_RETRIES; i++) {
      const c = await this.conv(id);
      if (!c || c.status !== 'offered') return { status: 'not_offered', current: c?.status ?? 'none' };
      const r = await this.state.atomic(
        requeueScript,
        [convStateKey(id), queueKey(c.group), assignmentKey(id), OPEN_KEY, agentLoadKey(c.agent, c.loadCh)],
        [id, c.agent, c.loadCh, String(now), force ? '1' : '0', headSort(c)],
      );
      if (r.status !== 'stale') return r;
    }
    return { status: 'stale' };
  }

  /** Transfer from the current holder `fromAgent` to an agent (with room) or to a group's queue head. */
  async transfer(
    id: string,
    fromAgent: string,
    to: { group: string; agent?: SlotCandidate },
    now: number,
    headSort: (c: ConvState) => string,
  ): Promise<TransferResult> {
    for (let i = 0; i < MAX_STALE_RETRIES; i++) {
      const c = await this.conv(id);
      if (!c) return { status: 'conflict', current: 'none' };
      const toLoad = to.agent ? agentLoadKey(to.agent.agentId, to.agent.loadCh) : agentLoadKey(fromAgent, c.loadCh);
      const r = await this.state.atomic(
        transferScript,
        [convStateKey(id), assignmentKey(id), OPEN_KEY, agentLoadKey(c.agent || fromAgent, c.loadCh), queueKey(to.group), toLoad],
        [
          id,
          fromAgent,
          c.loadCh,
          String(now),
          to.group,
          to.agent?.agentId ?? '',
          String(to.agent?.capacity ?? 0),
          to.agent?.loadCh ?? '',
          headSort({ ...c, group: to.group }),
        ],
      );
      if (r.status !== 'stale') return r;
    }
    return { status: 'stale' };
  }

  /** Moves a conversation still queued in `from` to `to`'s queue, keeping its place (regroupScript). */
  regroup(id: string, from: string, to: string): Promise<RegroupResult> {
    return this.state.atomic(regroupScript, [convStateKey(id), queueKey(from), queueKey(to)], [id, from, to]);
  }

  /** Closes wherever it is; `byAgent` non-empty: only that holder may. */
  async close(id: string, byAgent = ''): Promise<CloseResult> {
    for (let i = 0; i < MAX_STALE_RETRIES; i++) {
      const c = await this.conv(id);
      if (!c) return { status: 'unknown' };
      const r = await this.state.atomic(
        closeScript,
        [convStateKey(id), assignmentKey(id), OPEN_KEY, agentLoadKey(c.agent || '_', c.loadCh || '_'), queueKey(c.group)],
        [id, byAgent, c.loadCh, c.group],
      );
      if (r.status !== 'stale') return r;
    }
    return { status: 'stale' };
  }
}
