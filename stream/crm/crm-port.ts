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

export interface CrmPort {
  /** The CRM's record of a customer; null when the CRM does not know them. Throws when the CRM fails. */
  lookup(key: CrmLookupKey): Promise<CrmRecord | null>;
}
