import type { Intent, IntentLanguage } from '../intent/intent-port.js';
import { normalise } from '../intent/text.js';
import type { ScriptLang, Stage, SuggestContext, SuggestTag } from './script.js';

/** Words that mark a customer as price-sensitive (after normalisation: simplified, lower case). */
const PRICE_SENSITIVE =
  /太贵|贵了|好贵|有点贵|便宜|优惠|折扣|打折|打个折|降价|砍价|划算|性价比|少点|优惠券|优惠卷|活动价|expensive|cheaper|cheap|discount|coupon|too much|promo|any deal|best price|lower price|budget/;

/** True when any of the customer's words show price sensitivity. Pure. */
export function isPriceSensitive(customerTexts: readonly string[]): boolean {
  return customerTexts.some((t) => PRICE_SENSITIVE.test(normalise(t)));
}

export interface ContextInput {
  /** The routing tag (VIP, high_value, normal). */
  routingTag: string;
  /** The customer's messages, oldest first. */
  customerTexts: readonly string[];
  /** How many replies the agent side has sent. */
  agentReplies: number;
  /** Intent of the customer's latest message (or of the conversation when there is none). */
  intent: Intent;
  /** Language of the customer's latest message. */
  language: IntentLanguage;
}

/**
 * The suggestion context of a conversation now. Tag: `price_sensitive` when the customer's words show it (the
 * seed's example), else the routing tag. Stage: `opening` before the first agent reply, `closing` when the
 * customer wants to buy, else `discussing`. Language: English only when the latest message is English (Chinese
 * first). Pure.
 */
export function contextOf(i: ContextInput): SuggestContext {
  const tag: SuggestTag = isPriceSensitive(i.customerTexts)
    ? 'price_sensitive'
    : i.routingTag === 'VIP' || i.routingTag === 'high_value'
      ? i.routingTag
      : 'normal';
  const stage: Stage = i.agentReplies === 0 ? 'opening' : i.intent === 'purchase' ? 'closing' : 'discussing';
  const lang: ScriptLang = i.language === 'en' ? 'en' : 'zh';
  return { tag, stage, intent: i.intent, lang };
}

/** The offer end date as an agent would write it: `6月30日` / `June 30`, in the given time zone. Pure. */
export function offerEndText(atMs: number, lang: 'zh' | 'en', timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric', day: 'numeric' }).formatToParts(new Date(atMs));
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const day = Number(parts.find((p) => p.type === 'day')?.value);
  if (lang === 'zh') return `${month}月${day}日`;
  return `${new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, month - 1, 1)))} ${day}`;
}
