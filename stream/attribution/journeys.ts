import { aggregatePaths } from './encode.js';
import type { PathRecord } from './types.js';

/** The part of a stored event journeys need (a row of the `journey_events` named query, properties parsed). */
export interface JourneyEvent {
  id: string;
  /** with `id`, the event's identity; events with the same (producer, id) are one event */
  producer?: string;
  customer_key: string;
  type: string;
  channel: string;
  /** epoch ms */
  occurred_at: number;
  properties?: Record<string, unknown>;
}

/**
 * How one event type becomes a touchpoint label. `label` is a template: `{channel}` and `{type}` are filled in,
 * `{prop.NAME}` with a string property. When `preferProperty` names a non-empty string property of the event,
 * that property's value is the label instead (the demo's `touchpoint` with `step: 'phone_follow_up'`).
 * A function gets the event and returns the label, or null for "not a touchpoint".
 */
export type TouchpointRule = { label: string; preferProperty?: string } | ((event: JourneyEvent) => string | null);

/** What counts as a touchpoint and as a conversion. Plain data, so it can come from configuration. */
export interface JourneyConfig {
  /** event type → how it becomes a touchpoint; types not listed are not touchpoints */
  touchpoints: Record<string, TouchpointRule>;
  /** event types that are conversions (default `deal.won`) */
  conversionTypes: readonly string[];
  /** property holding a conversion's value (default `value`); missing or non-numeric reads as 0 */
  valueProperty: string;
  /** a journey lasts at most this long from its first touch, ms (default 30 days) */
  lookbackMs: number;
}

export const DAY_MS = 86_400_000;

/**
 * The default: marketing `touchpoint` events by channel (or their `properties.step`, e.g. `phone_follow_up`),
 * each `conversation.started` as `<channel>_chat`; `deal.won` converts with `properties.value`; 30-day lookback.
 */
export const DEFAULT_JOURNEY_CONFIG: Readonly<JourneyConfig> = Object.freeze({
  touchpoints: Object.freeze({
    touchpoint: Object.freeze({ label: '{channel}', preferProperty: 'step' }),
    'conversation.started': Object.freeze({ label: '{channel}_chat' }),
  }),
  conversionTypes: Object.freeze(['deal.won']),
  valueProperty: 'value',
  lookbackMs: 30 * DAY_MS,
});

/** One customer's journey: the ordered touches and how it ended. */
export interface Journey {
  customer_key: string;
  path: string[];
  /** occurred_at of each touch, ms */
  times: number[];
  converted: boolean;
  /** conversion value (0 for a null journey) */
  value: number;
  /** when it ended: the conversion time, or first touch + lookback */
  ended_at: number;
}

export interface JourneyStats {
  /** customers with at least one relevant event */
  customers: number;
  converted: number;
  /** journeys whose lookback window ended without a conversion */
  nulls: number;
  /** journeys still inside their lookback window at `asOf` with no conversion yet: undecided, not counted */
  open: number;
  /** conversions with no touchpoint in an open journey before them (counted nowhere else) */
  unattributed_conversions: number;
  unattributed_value: number;
}

export interface JourneyResult {
  journeys: Journey[];
  stats: JourneyStats;
}

function labelOf(rule: TouchpointRule, ev: JourneyEvent): string | null {
  if (typeof rule === 'function') return rule(ev);
  const props = ev.properties ?? {};
  if (rule.preferProperty) {
    const p = props[rule.preferProperty];
    if (typeof p === 'string' && p.trim() !== '') return p.trim();
  }
  const label = rule.label.replace(/\{(prop\.)?([a-zA-Z0-9_]+)\}/g, (whole, prop: string | undefined, name: string) => {
    if (prop) {
      const v = props[name];
      return typeof v === 'string' ? v : '';
    }
    if (name === 'channel') return ev.channel;
    if (name === 'type') return ev.type;
    return whole;
  });
  return label.trim() === '' ? null : label.trim();
}

function valueOf(ev: JourneyEvent, prop: string): number {
  const v = ev.properties?.[prop];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

const identity = (e: JourneyEvent) => `${e.producer ?? ''}\u0000${e.id}`;

/** Total order on one customer's events: time, then identity, so ties never depend on arrival order. */
function byTimeThenId(a: JourneyEvent, b: JourneyEvent): number {
  if (a.occurred_at !== b.occurred_at) return a.occurred_at - b.occurred_at;
  const x = identity(a);
  const y = identity(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Cuts each customer's events into journeys. Pure; the result does not depend on the order of `events`
 * (events are sorted per customer by time, then producer and id; repeated identities count once).
 *
 * A journey opens at a customer's first touchpoint (after the previous journey ended) and collects touches
 * in time order. It ends
 * - at the first conversion event, as a converting journey with that conversion's value, if the conversion
 *   falls within `lookbackMs` of the first touch;
 * - otherwise when the lookback window runs out: a null journey, provided the window ended at or before
 *   `asOf`; a journey whose window is still running at `asOf` is open (reported, not emitted).
 * A conversion with no open journey (none, or its window already ran out) is unattributed.
 * Events after `asOf` are ignored.
 */
export function buildJourneys(events: Iterable<JourneyEvent>, config: JourneyConfig = DEFAULT_JOURNEY_CONFIG, asOf = Infinity): JourneyResult {
  const conversions = new Set(config.conversionTypes);
  const byCustomer = new Map<string, Map<string, JourneyEvent>>();
  for (const ev of events) {
    if (ev.occurred_at > asOf) continue;
    if (!conversions.has(ev.type) && !(ev.type in config.touchpoints)) continue;
    let m = byCustomer.get(ev.customer_key);
    if (!m) byCustomer.set(ev.customer_key, (m = new Map<string, JourneyEvent>()));
    // keep one copy per identity; the lowest (time, …) one if copies disagree, so the choice is order-free
    const k = identity(ev);
    const prev = m.get(k);
    if (!prev || byTimeThenId(ev, prev) < 0 || (ev.occurred_at === prev.occurred_at && ev.type < prev.type)) m.set(k, ev);
  }

  const journeys: Journey[] = [];
  const stats: JourneyStats = { customers: byCustomer.size, converted: 0, nulls: 0, open: 0, unattributed_conversions: 0, unattributed_value: 0 };
  const customers = [...byCustomer.keys()].sort();
  for (const customer of customers) {
    const evs = [...byCustomer.get(customer)!.values()].sort(byTimeThenId);
    let path: string[] = [];
    let times: number[] = [];
    const closeNull = () => {
      journeys.push({ customer_key: customer, path, times, converted: false, value: 0, ended_at: times[0] + config.lookbackMs });
      stats.nulls++;
      path = [];
      times = [];
    };
    for (const ev of evs) {
      if (times.length > 0 && ev.occurred_at > times[0] + config.lookbackMs) closeNull();
      if (conversions.has(ev.type)) {
        const value = valueOf(ev, config.valueProperty);
        if (path.length === 0) {
          stats.unattributed_conversions++;
          stats.unattributed_value += value;
          continue;
        }
        journeys.push({ customer_key: customer, path, times, converted: true, value, ended_at: ev.occurred_at });
        stats.converted++;
        path = [];
        times = [];
        continue;
      }
      const label = labelOf(config.touchpoints[ev.type], ev);
      if (label === null) continue;
      path.push(label);
      times.push(ev.occurred_at);
    }
    if (path.length > 0) {
      if (times[0] + config.lookbackMs <= asOf) closeNull();
      else stats.open++;
    }
  }
  return { journeys, stats };
}

/** Aggregates journeys into the engine's path records (identical paths merged; one journey counts 1). */
export function journeysToPaths(journeys: readonly Journey[]): PathRecord[] {
  return aggregatePaths(
    journeys.map((j) => ({ path: j.path, conversions: j.converted ? 1 : 0, value: j.converted ? j.value : 0, nulls: j.converted ? 0 : 1 })),
  );
}

/** `buildJourneys` then `journeysToPaths`. */
export function buildPaths(
  events: Iterable<JourneyEvent>,
  config: JourneyConfig = DEFAULT_JOURNEY_CONFIG,
  asOf = Infinity,
): { paths: PathRecord[]; stats: JourneyStats } {
  const { journeys, stats } = buildJourneys(events, config, asOf);
  return { paths: journeysToPaths(journeys), stats };
}
