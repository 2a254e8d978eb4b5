import type { EventEnvelope } from '../../shared/envelope.js';
import { toIntent, type Intent } from '../intent/intent-port.js';
import { textOf } from './conversation-meta.js';
import type { Conversation } from './model.js';
import type { Roster } from './roster.js';
import { matchRule } from './rules.js';

/**
 * Pure parts of triage (docs/routing.md, "Triage"): what of an event is the
 * customer's words, what intent a producer stated, which group a triaged
 * conversation goes to. The RoutingService classifies and enqueues.
 */

/**
 * A channel's stand-in for content that is not words: WhatsApp and WeChat
 * send `[image]`, `[location]`, `[sticker]`… for media. Triage waits for words
 * rather than spend its one re-triage on a photo.
 */
const PLACEHOLDER = /^\[[a-z_ ]+\]$/i;

/**
 * The customer's words in an event, for triage: the message text, after an
 * e-mail's subject (a subject alone often says what the mail is about); ''
 * when there are none (no text, or only a media placeholder).
 */
export function triageText(e: EventEnvelope): string {
  const text = textOf(e).trim();
  const subject = typeof e.properties.subject === 'string' ? e.properties.subject.trim() : '';
  return [subject, PLACEHOLDER.test(text) ? '' : text].filter(Boolean).join('\n');
}

/**
 * The intent a producer states (a bot, an IVR menu, a web form), when it is one of ours; a pre-issue-15 label
 * maps to its current intent (`pre_sale` → `price_inquiry`, which routes to the same pre-sale group).
 */
export function statedIntent(e: EventEnvelope): Intent | null {
  return toIntent(e.properties.intent);
}

/** Id of the message a triage read, as kept in routing state (`producer/id`, like the console's message ids). */
export const wordsId = (e: EventEnvelope) => `${e.producer}/${e.id}`;

/**
 * The group of a triaged conversation: the first matching roster rule's
 * group, else `intentGroups[intent]`, else a group named like the intent,
 * else the first queue (also when a rule or mapping names no queue).
 */
export function groupFor(roster: Roster, conv: Conversation): string {
  const groups = roster.queues.map((q) => q.group);
  const group =
    matchRule(roster.rules, conv)?.then.group ?? roster.intentGroups[conv.intent as Intent] ?? (groups.includes(conv.intent) ? conv.intent : groups[0]);
  return groups.includes(group) ? group : groups[0];
}
