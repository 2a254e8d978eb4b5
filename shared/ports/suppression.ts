/**
 * Suppression port: customers nobody may contact any more (erased under a
 * privacy request, or blocked by law). Follow-up sequences ask before every
 * send and stop with reason `erased` when the answer is yes. The privacy work
 * plugs its erasure list in here; the default adapter is a StateStore set
 * (stream/followup/suppression-list.ts).
 */
export interface Suppression {
  /** True when `customerId` must never be contacted. Cheap: called once per send. */
  isSuppressed(customerId: string): Promise<boolean>;
}

/**
 * Identifiers (normalised e-mails, phones, channel ids) of erased people. Ingest asks before it accepts an event
 * so that, under `ERASURE_POLICY=drop`, an erased person is not silently recreated by their next message.
 */
export interface IdentifierSuppression {
  /** For each identifier, true when it belonged to an erased person; same order as the input. */
  suppressedIdentifiers(identifiers: readonly string[]): Promise<boolean[]>;
}
