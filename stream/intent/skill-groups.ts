/** Intent → skill group, the triage step before handoff. Configurable per deployment. */
import type { Intent } from './intent-port.js';

export type SkillGroupRules = Partial<Record<Intent, string>>;

export const DEFAULT_SKILL_GROUPS: Readonly<Record<Intent, string>> = Object.freeze({
  pre_sale: 'pre_sale',
  tech_support: 'tech_support',
  after_sale: 'after_sale',
  complaint: 'complaint',
  other: 'general',
});

/** The skill group for an intent: `rules` override the defaults intent by intent; empty names are ignored. */
export function skillGroupFor(intent: Intent, rules?: SkillGroupRules): string {
  const override = rules?.[intent];
  return typeof override === 'string' && override.trim() !== '' ? override : DEFAULT_SKILL_GROUPS[intent] ?? DEFAULT_SKILL_GROUPS.other;
}
