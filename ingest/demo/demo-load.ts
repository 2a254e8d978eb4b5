import { seededRng } from '../../shared/random.js';
import { demoJourney } from './demo-journeys.js';

/**
 * How busy the demo desk should be: conversations arrive at the rate the roster can serve at a target load,
 * and the target moves in waves (a rush, then a lull) so queues build up and drain like a real day.
 */
export interface DemoLoadPlan {
  /** Conversation slots of the whole roster, the way the board's agent load counts them (Σ capacity). */
  capacity: number;
  /** Average time a demo conversation stays open (start to close), ms. */
  meanHoldMs: number;
  /** Target load at the middle of a wave (0..1). */
  base: number;
  /** Half the swing of the target load between lull and rush. */
  amplitude: number;
  /** Length of one wave, ms. */
  periodMs: number;
}

/** What the desk looks like now: Σ open / Σ capacity, and conversations waiting in all queues. */
export interface DeskObservation {
  load: number;
  queued: number;
}

/** Mid-wave 70 %, between 55 % and 85 %, a wave every 12 minutes. */
export const DEMO_LOAD_DEFAULTS = { base: 0.7, amplitude: 0.15, periodMs: 12 * 60_000 } as const;

/** What the demo script produces on average (measured over seeded sample journeys, so edits to it carry over). */
export interface DemoJourneyStats {
  /** Start-to-close time of a conversation, ms. */
  meanHoldMs: number;
  eventsPerConversation: number;
  eventsPerBrowse: number;
}

export function demoJourneyStats(samples = 400): DemoJourneyStats {
  const rng = seededRng(7);
  let hold = 0;
  let conv = 0;
  let browse = 0;
  for (let i = 0; i < samples; i++) {
    const events = demoJourney(rng, 0, 'sample', 'conversation');
    hold += events.find((e) => e.event.type === 'conversation.closed')!.at - events.find((e) => e.event.type === 'conversation.started')!.at;
    conv += events.length;
    browse += demoJourney(rng, 0, 'sample', 'browse').length;
  }
  return { meanHoldMs: hold / samples, eventsPerConversation: conv / samples, eventsPerBrowse: browse / samples };
}

/** The load the demo aims at, at instant `t`. */
export function targetLoad(plan: DemoLoadPlan, t: number): number {
  return plan.base + plan.amplitude * Math.sin((2 * Math.PI * t) / plan.periodMs);
}

/**
 * Conversations per ms so the desk runs at the target load (Little's law: open = rate × hold time). With an
 * observation of the desk it also corrects the drift the open-loop rate leaves (agents still reading an offer,
 * groups busier than others, abandoned conversations): above target or with a long queue it slows down, below
 * target it speeds up, within [0.25, 2] times the open-loop rate.
 */
export function conversationRate(plan: DemoLoadPlan, t: number, seen?: DeskObservation): number {
  const target = targetLoad(plan, t);
  const open = (target * plan.capacity) / plan.meanHoldMs;
  if (!seen) return open;
  const backlog = seen.queued / Math.max(1, plan.capacity);
  const factor = 1 + 2 * (target - seen.load) - 1.5 * backlog;
  return open * Math.min(2, Math.max(0.25, factor));
}
