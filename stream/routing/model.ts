/**
 * Routing model: agents, conversations waiting to be routed, and the queue
 * order. Plain data and pure functions; time is always passed in (epoch ms).
 */

export type Presence = 'online' | 'away' | 'offline';
export type CustomerTag = 'VIP' | 'high_value' | 'normal';

/** A weekly shift in the agent's own time zone. `end` before `start` means the shift runs past midnight. */
export interface WorkingHours {
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Days the shift starts on, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** `HH:MM`, 24-hour. */
  start: string;
  end: string;
}

export interface Agent {
  id: string;
  /** Skill name → level (higher is better). */
  skills: Record<string, number>;
  groups: string[];
  /** Channel → most open conversations at once; a channel not named takes none. */
  capacity: Record<string, number>;
  presence: Presence;
  /** Absent: always on shift. */
  workingHours?: WorkingHours;
}

export interface SkillRequirement {
  name: string;
  minLevel: number;
}

/** A conversation waiting for (or being given) an agent. */
export interface Conversation {
  id: string;
  tag: CustomerTag;
  channel: string;
  /** One of the intents of stream/intent (price_inquiry, feature_comparison, purchase, after_sale, tech_support, complaint, logistics, human_agent, other). */
  intent: string;
  /** Higher is served first (channel priority rules, urgency). */
  priority: number;
  /** Epoch ms the first answer is due; absent: no SLA. */
  slaDueAt?: number;
  enqueuedAt: number;
  /** The agent who last served this customer, for sticky routing. */
  previousAgentId?: string;
  /** Set by triage or a rule: what the agent must know. */
  requiredSkill?: SkillRequirement;
}

/** An agent offered to a policy, with the live figures for the conversation's channel. */
export interface Candidate {
  agent: Agent;
  /** Open conversations on this channel now. */
  open: number;
  /** Capacity on this channel. */
  capacity: number;
  /** Recent average first-response time in ms; null when unknown. */
  avgResponseMs: number | null;
}

const TAG_RANK: Record<CustomerTag, number> = { VIP: 0, high_value: 1, normal: 2 };

/**
 * Queue order: tag (VIP, high_value, normal), then priority (higher first),
 * then SLA due time (sooner first, none last), then waiting time (longer
 * first), then id so the order is total and every worker agrees on it.
 */
export function compareQueued(a: Conversation, b: Conversation): number {
  return (
    TAG_RANK[a.tag] - TAG_RANK[b.tag] ||
    b.priority - a.priority ||
    (a.slaDueAt ?? Infinity) - (b.slaDueAt ?? Infinity) ||
    a.enqueuedAt - b.enqueuedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** One skill group's waiting conversations, kept in `compareQueued` order. */
export interface Queue {
  group: string;
  items: readonly Conversation[];
}

export const emptyQueue = (group: string): Queue => ({ group, items: [] });

/** Adds (or replaces, by id) a conversation, keeping the order. Returns a new queue. */
export function enqueue(q: Queue, c: Conversation): Queue {
  const items = q.items.filter((x) => x.id !== c.id);
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareQueued(items[mid], c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return { group: q.group, items: [...items.slice(0, lo), c, ...items.slice(lo)] };
}

/** Removes a conversation by id (assigned, abandoned); the same queue when absent. */
export function removeFromQueue(q: Queue, id: string): Queue {
  const items = q.items.filter((x) => x.id !== id);
  return items.length === q.items.length ? q : { group: q.group, items };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Weekday (0 = Sunday) and minute of day at `now` in `timeZone`. */
export function localTime(now: number, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  return { day: DAY[parts.weekday], minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** True when `now` falls in the shift; a shift past midnight belongs to the day it starts. */
export function onShift(wh: WorkingHours | undefined, now: number): boolean {
  if (!wh) return true;
  const { day, minute } = localTime(now, wh.timeZone);
  const start = minutes(wh.start);
  const end = minutes(wh.end);
  if (start <= end) return wh.days.includes(day) && minute >= start && minute < end;
  return (wh.days.includes(day) && minute >= start) || (wh.days.includes((day + 6) % 7) && minute < end);
}

/**
 * The candidates a policy may rank for `c` at `now`: online, on shift, with
 * capacity on the channel and a free slot in the live snapshot. The snapshot
 * may be stale; the assignment script checks capacity again atomically.
 */
export function eligible(c: Conversation, candidates: readonly Candidate[], now: number): Candidate[] {
  return candidates.filter((x) => x.agent.presence === 'online' && x.capacity > 0 && x.open < x.capacity && onShift(x.agent.workingHours, now));
}

/** Builds a candidate from an agent and its open count on `channel`. */
export function candidateFor(agent: Agent, channel: string, open: number, avgResponseMs: number | null = null): Candidate {
  return { agent, open, capacity: agent.capacity[channel] ?? 0, avgResponseMs };
}
