import type { CustomerInput, EventEnvelope, EventType } from '../../shared/envelope.js';
import type { PersonalData } from '../../shared/privacy/personal-data.js';

type Row = Record<string, unknown>;

const parseObject = (v: unknown): Record<string, unknown> => {
  if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  if (typeof v !== 'string') return {};
  try {
    const o = JSON.parse(v) as unknown;
    return typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * Warehouse `events` rows with their sealed personal fields opened (an authorised read: the export, the timeline).
 * `customer` and `properties` come back as JSON text like the stored columns; values whose key was destroyed are
 * left out. Rows of a plain deployment (PRIVACY_ENCRYPTION=off) pass through.
 */
export async function openEventRows<R extends Row>(rows: R[], personal: Pick<PersonalData, 'openEvents' | 'encrypted'>): Promise<R[]> {
  if (!personal.encrypted || rows.length === 0) return rows;
  const envelopes = rows.map(
    (r) =>
      ({
        customer_key: String(r.customer_key),
        customer: parseObject(r.customer),
        properties: parseObject(r.properties),
        type: String(r.type) as EventType,
      }) as EventEnvelope,
  );
  const opened = await personal.openEvents(envelopes);
  return rows.map((r, i) => ({ ...r, customer: JSON.stringify(opened[i].customer), properties: JSON.stringify(opened[i].properties) }));
}

/**
 * The readable form of a customer's blinded identifiers (the identity graph holds only blind indexes): each is
 * matched with the identifiers of the customer objects of their (opened) events. One no event names any more stays
 * blinded.
 */
export function readableIdentifiers(
  blinded: readonly string[],
  customers: readonly CustomerInput[],
  plainIdentifiersOf: (c: CustomerInput) => string[],
  blind: (identifier: string) => string,
): string[] {
  const byBlind = new Map<string, string>();
  for (const c of customers) for (const id of plainIdentifiersOf(c)) byBlind.set(blind(id), id);
  return blinded.map((b) => byBlind.get(b) ?? b);
}
