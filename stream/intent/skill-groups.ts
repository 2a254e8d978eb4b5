/** Intent → skill group, the triage step before handoff. Configurable per deployment. */
import type { Intent } from './intent-port.js';

export type SkillGroupRules = Partial<Record<Intent, string>>;

export const DEFAULT_SKILL_GROUPS: Readonly<Record<Intent, string>> = Object.freeze({
  price_inquiry: 'pre_sale',
  feature_comparison: 'pre_sale',
  purchase: 'pre_sale',
  after_sale: 'after_sale',
  logistics: 'after_sale',
  tech_support: 'tech_support',
  complaint: 'complaints',
  human_agent: 'general',
  other: 'general',
});

/** The skill group for an intent: `rules` override the defaults intent by intent; empty names are ignored. */
export function skillGroupFor(intent: Intent, rules?: SkillGroupRules): string {
  const override = rules?.[intent];
  return typeof override === 'string' && override.trim() !== '' ? override : (DEFAULT_SKILL_GROUPS[intent] ?? DEFAULT_SKILL_GROUPS.other);
}
