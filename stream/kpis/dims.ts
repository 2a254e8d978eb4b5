import type { EventEnvelope } from '../../shared/envelope.js';
import type { KpiDims } from '../../shared/tables.js';
import { tagsOf } from '../sessions/session-fold.js';

/** The dimension names, in the order they are joined into a window key. */
export const DIM_NAMES = ['channel', 'source', 'team', 'agent', 'tag'] as const;
const SEP = '\u001f';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 128) : null);

/**
 * The customer tag an event states: VIP beats high_value beats anything else
 * (normal). Null when the event carries no tag at all.
 */
export function tagOf(p: Record<string, unknown>): string | null {
  if (p.tag === undefined) return null;
  const tags = tagsOf(p);
  if (tags.length === 0) return null;
  if (tags.includes('vip')) return 'VIP';
  if (tags.includes('high_value') || tags.includes('high-value')) return 'high_value';
  return 'normal';
}

/** The dimensions an event states itself; null where it is silent. */
export interface StatedDims {
  source: string | null;
  team: string | null;
  agent: string | null;
  tag: string | null;
}

export function statedDims(e: EventEnvelope): StatedDims {
  const p = e.properties;
  return { source: text(p.source), team: text(p.team), agent: text(e.agent_id), tag: tagOf(p) };
}

/**
 * An event's dimensions as the event states them: its channel, and
 * properties.source, properties.team, agent_id and properties.tag; '' where
 * it is silent. Routing and the console stamp team, tag and source on the
 * events they produce. (Conversation-level KPIs use the conversation's
 * dimensions instead: see conversation-kpis.ts.)
 */
export function eventDims(e: EventEnvelope): KpiDims {
  const s = statedDims(e);
  return { channel: e.channel, source: s.source ?? '', team: s.team ?? '', agent: s.agent ?? '', tag: s.tag ?? '' };
}

/** `producer/id`: an event's readable identity in KPI rows (ids are unique per producer). */
export const eventRef = (e: Pick<EventEnvelope, 'producer' | 'id'>): string => `${e.producer}/${e.id}`;

export const dimsKey = (d: KpiDims): string => DIM_NAMES.map((n) => d[n]).join(SEP);

export function dimsFromKey(key: string): KpiDims {
  const [channel, source, team, agent, tag] = key.split(SEP);
  return { channel, source, team, agent, tag };
}
