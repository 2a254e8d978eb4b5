/**
 * Whether the FAQ bot may speak on a conversation: one small function, so an experiment ("bot on/off" A/B
 * test, docs/experiments.md) can wrap it — e.g. `(c) => arm(c.conversationId) === 'bot' && base(c)` — without
 * touching the responder. The base switch is configuration: the channel must be in BOT_CHANNELS and the
 * queue the conversation waits in must not say `"bot": false` in the roster. BOT_ENABLED decides whether a
 * responder runs at all (cli/routing-runtime.ts).
 */
import type { QueueConfig } from '../routing/roster.js';

export interface BotSwitchContext {
  conversationId: string;
  channel: string;
  /** The skill group whose queue the conversation waits in. */
  group: string;
}

export type BotSwitch = (c: BotSwitchContext) => boolean;

/** The configured switch: BOT_CHANNELS × the roster queues' `bot` flag (absent = on). */
export function botSwitch(o: { channels: readonly string[]; queues: readonly Pick<QueueConfig, 'group' | 'bot'>[] }): BotSwitch {
  const channels = new Set(o.channels.map((c) => c.toLowerCase()));
  const off = new Set(o.queues.filter((q) => q.bot === false).map((q) => q.group));
  return (c) => channels.has(c.channel.toLowerCase()) && !off.has(c.group);
}
