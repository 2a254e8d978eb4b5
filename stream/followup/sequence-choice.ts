import type { FollowupRule } from './followup-config.js';

/**
 * Which sequence a customer gets when `rule` starts one for them. The default
 * is the rule's own; an experiment (stream/experiments) passes its own
 * function, e.g. variant of the customer → sequence id, and may name any
 * sequence of the configuration (an unknown id falls back to the rule's).
 */
export type SequenceChoice = (c: { customerId: string; rule: FollowupRule; now: number }) => string | Promise<string>;

export const ruleSequence: SequenceChoice = ({ rule }) => rule.sequence;

/** A choice from a variant assignment: `assign(customerId)` gives a variant name, `sequences` maps it to a sequence id. */
export function sequenceByVariant(assign: (customerId: string) => string | null, sequences: Readonly<Record<string, string>>): SequenceChoice {
  return ({ customerId, rule }) => {
    const v = assign(customerId);
    return (v !== null && sequences[v]) || rule.sequence;
  };
}
