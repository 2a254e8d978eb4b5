/**
 * Finding a customer from the console (`GET /v1/customers?…`): what the search box sends for what was typed, and
 * what it shows for the answer. Pure; the controller runs the request and the search pane draws the state.
 * Normalising the identifier (phone writings, e-mail case) is the server's job, done by the function ingest uses,
 * so this file only decides which parameter the text is.
 */

/** Channels whose provider ids people look customers up by (customer.channel_ids.<channel> at ingest). */
export const SEARCH_CHANNELS = ['wechat', 'whatsapp', 'messenger', 'sms', 'voice', 'app'] as const;
export const SEARCH_KINDS = ['auto', 'phone', 'email', 'external_id', 'id', ...SEARCH_CHANNELS] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** One customer of `GET /v1/customers`. */
export interface SearchHit {
  id: string;
  external_id: string | null;
  identifiers: string[];
  matched: string[];
}

export interface SearchState {
  status: 'idle' | 'searching' | 'found' | 'none' | 'error';
  /** the text searched for, shown in "no customer found for …" */
  text: string;
  hits: SearchHit[];
  /** an i18n key (console.search.*, console.error) and its parameters when status is error */
  error: { key: string; params?: Record<string, string> } | null;
}

export const idleSearch: SearchState = { status: 'idle', text: '', hits: [], error: null };

export type SearchRequest = { ok: true; open: string } | { ok: true; query: string } | { ok: false; key: string };

const CUSTOMER_ID = /^cus_\d+$/;
// Digits with the separators people write phone numbers with; the server decides whether it is a number.
const PHONE_LIKE = /^(\+|00)?[\d\s().\-/]+$/;

/**
 * What to do for the text typed: open a customer id directly, or search with a query string. `auto` reads an
 * e-mail by its `@`, an internal id by its `cus_` form, a phone by its digits, and anything else as an external id.
 */
export function searchRequest(kind: SearchKind, raw: string): SearchRequest {
  const text = raw.trim();
  if (!text) return { ok: false, key: 'console.search.emptyInput' };
  const q = (params: Record<string, string>) => ({ ok: true as const, query: new URLSearchParams(params).toString() });
  switch (kind) {
    case 'id':
      return { ok: true, open: text };
    case 'phone':
      return q({ phone: text });
    case 'email':
      return q({ email: text });
    case 'external_id':
      return q({ external_id: text });
    case 'auto':
      if (text.includes('@')) return q({ email: text });
      if (CUSTOMER_ID.test(text)) return { ok: true, open: text };
      if (PHONE_LIKE.test(text) && /\d/.test(text)) return q({ phone: text });
      return q({ external_id: text });
    default:
      return q({ channel: kind, channel_id: text });
  }
}

/** The message for a refused search: the API's 400 codes have their own wording, anything else is shown as is. */
export function searchError(code: string, message: string): { key: string; params?: Record<string, string> } {
  const known: Record<string, string> = {
    API_ERR_SEARCH_BAD_PHONE: 'console.search.badPhone',
    API_ERR_SEARCH_BAD_EMAIL: 'console.search.badEmail',
    API_ERR_SEARCH_BAD_EXTERNAL_ID: 'console.search.emptyInput',
    API_ERR_SEARCH_BAD_CHANNEL_ID: 'console.search.emptyInput',
    API_ERR_SEARCH_NO_CRITERIA: 'console.search.emptyInput',
  };
  return known[code] ? { key: known[code] } : { key: 'console.error', params: { message: `${code}: ${message}` } };
}
