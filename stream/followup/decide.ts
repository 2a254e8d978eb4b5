import { LEGACY_INTENT_FAMILIES } from '../intent/intent-port.js';
import type { FollowupConfig, FollowupRule, StepChannel } from './followup-config.js';
import { addressOn, type Lead } from './lead.js';
import { nextSendTime } from './send-window.js';

const MIN = 60_000;

/** Does `rule` describe this lead (apart from how long it has been idle)? */
export function ruleMatches(rule: FollowupRule, lead: Lead): boolean {
  const w = rule.when;
  const intents = (w.intents ?? []).flatMap((i) => LEGACY_INTENT_FAMILIES[i] ?? [i]);
  if (intents.length && !(intents as readonly string[]).includes(lead.intent)) return false;
  if (w.tags?.length && !w.tags.includes(lead.tag)) return false;
  if (w.stages?.length && !w.stages.includes(lead.stage)) return false;
  if (w.channels?.length && !w.channels.includes(lead.channel)) return false;
  return true;
}

export type StartDecision = { kind: 'start'; rule: FollowupRule } | { kind: 'wait'; due: number } | { kind: 'none' };

/**
 * A pending lead's timer fired: the first rule (in file order) that matches,
 * has not run for this customer and whose idle time has passed starts;
 * a matching rule still waiting for its idle time sets the next check;
 * otherwise nothing will start (until the lead writes again).
 */
export function decideStart(cfg: FollowupConfig, lead: Lead, ran: readonly string[], now: number): StartDecision {
  if (lead.converted) return { kind: 'none' };
  let wait = Infinity;
  for (const rule of cfg.rules) {
    if (ran.includes(rule.id) || !ruleMatches(rule, lead)) continue;
    const at = lead.lastAt + rule.when.idle_minutes * MIN;
    if (at <= now) return { kind: 'start', rule };
    wait = Math.min(wait, at);
  }
  return Number.isFinite(wait) ? { kind: 'wait', due: wait } : { kind: 'none' };
}

/** The earliest time any rule could start for a lead last active at `lead.lastAt` (null: none applies). */
export function firstCheck(cfg: FollowupConfig, lead: Lead, ran: readonly string[]): number | null {
  const d = decideStart(cfg, lead, ran, -Infinity);
  return d.kind === 'wait' ? d.due : null;
}

export type StepDecision =
  | { kind: 'send'; channel: string; to: Record<string, string>; template: string }
  | { kind: 'defer'; due: number }
  | { kind: 'skip'; template: string }
  | { kind: 'done' };

/**
 * Step `step` of `seqId` is due: the first of its channels where the lead has
 * an address and has not opted out, if quiet hours and the frequency cap
 * allow a message now (else when they will); `skip` when no channel is
 * reachable; `done` past the last step.
 */
export function decideStep(
  cfg: FollowupConfig,
  o: {
    seqId: string;
    step: number;
    lead: Lead;
    optedOut: ReadonlySet<string>;
    sentAt: readonly number[];
    tz: string;
    now: number;
    senders: ReadonlySet<string>;
  },
): StepDecision {
  const seq = cfg.sequences.find((s) => s.id === o.seqId);
  const step = seq?.steps[o.step];
  if (!seq || !step) return { kind: 'done' };
  const resolve = (c: StepChannel) => (c === 'same' ? o.lead.channel : c);
  for (const c of step.channels.map(resolve)) {
    if (o.optedOut.has(c) || !o.senders.has(c)) continue;
    const to = addressOn(o.lead, c);
    if (!to) continue;
    const at = nextSendTime(o.now, o.tz, o.sentAt, cfg);
    if (at > o.now) return { kind: 'defer', due: at };
    return { kind: 'send', channel: c, to, template: step.template };
  }
  return { kind: 'skip', template: step.template };
}

/** When step `step` (0-based) of a sequence is due, counted from `from` (the start or the previous step). */
export function stepDue(cfg: FollowupConfig, seqId: string, step: number, from: number): number | null {
  const s = cfg.sequences.find((x) => x.id === seqId)?.steps[step];
  return s ? from + s.wait_minutes * MIN : null;
}
