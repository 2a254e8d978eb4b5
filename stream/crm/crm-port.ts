/**
 * CRM port: the workbench's customer fields and orders come from the
 * company's CRM. Adapters: an embedded one with demo data (the default) and
 * an HTTP one for a configurable URL (CRM_URL).
 */
export interface CrmOrder {
  id: string;
  /** ISO-8601. */
  placed_at: string;
  status: string;
  total: number;
  currency: string;
  items: string[];
}

export interface CrmRecord {
  /** Free-form CRM fields (name, company, owner, tier …). */
  fields: Record<string, string | number | boolean | null>;
  orders: CrmOrder[];
}

export interface CrmLookupKey {
  customer_id: string;
  external_id: string | null;
  identifiers: string[];
}

/** Pipeline stages of an opportunity, as Omnilane writes them (a CRM may map them to its own). */
export const OPPORTUNITY_STAGES = ['qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

/** A sales opportunity as Omnilane writes it to the CRM: one per qualifying conversation. */
export interface CrmOpportunity {
  /** Deterministic (`opp:<conversation_id>`), so a retried write updates instead of duplicating. */
  id: string;
  customer_id: string;
  conversation_id: string;
  stage: OpportunityStage;
  /** Expected value in `currency` (major units). */
  value?: number;
  currency?: string;
  product?: string;
  /** The conversation's intent when it was qualified (price_inquiry, feature_comparison, purchase). */
  intent: string;
  owner_agent?: string;
}

export interface CrmPort {
  /** The CRM's record of a customer; null when the CRM does not know them. Throws when the CRM fails. */
  lookup(key: CrmLookupKey): Promise<CrmRecord | null>;
  /**
   * Creates or updates an opportunity (contract): idempotent by `o.id`, so
   * writing the same opportunity again (a retry, a re-qualify) leaves one
   * opportunity with the latest fields. `created` is true only for the write
   * that made it. Adapters retry transient failures themselves; a throw means
   * the CRM did not take the write.
   */
  upsertOpportunity(o: CrmOpportunity): Promise<{ id: string; created: boolean }>;
  /** The customer's opportunities known to the CRM (any order the CRM keeps); [] when none. Throws when the CRM fails. */
  opportunities(key: CrmLookupKey): Promise<CrmOpportunity[]>;
}
