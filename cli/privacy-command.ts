import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { AuditPort } from '../api/audit/audit-log.js';
import { OmnilaneError } from '../shared/errors.js';
import { exportCustomer, type CustomerExportSources } from '../stream/privacy/customer-export.js';

export interface PrivacyIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface PrivacyCommandDeps {
  /** Warehouse, identity graph and follow-up store, as the composition root built them (cli/compose-pipeline.ts). */
  sources: CustomerExportSources;
  /** Where the export itself is recorded (`privacy.export`), like `omnilane audit export` records its own. */
  audit: Pick<AuditPort, 'record'>;
}

const USAGE = 'usage: omnilane privacy export CUSTOMER_ID [--out FILE]';

/**
 * `omnilane privacy export ID [--out FILE]`: the data-subject export of one customer (docs/privacy.md, "Export"), the
 * same JSON document `GET /v1/customers/{id}/export` answers, to FILE (mode 0600) or stdout. Exit 0 on success, 1
 * when nothing is held under that id. Prints only ids and row counts to stderr, never the data.
 */
export async function runPrivacyCommand(args: string[], io: PrivacyIo, deps: PrivacyCommandDeps): Promise<number> {
  const [sub, id, ...rest] = args;
  if (sub !== 'export' || !id || id.startsWith('--')) throw new OmnilaneError('CFG_ERR_INVALID', USAGE);
  let out: string | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] === '--out' && rest[i + 1]) out = resolve(rest[i + 1]);
    else throw new OmnilaneError('CFG_ERR_INVALID', USAGE);
  }
  const doc = await exportCustomer(deps.sources, id);
  if (!doc) {
    io.stderr(`omnilane privacy export: no customer ${id} (nothing is held under this id)\n`);
    return 1;
  }
  const json = JSON.stringify(doc, null, 2) + '\n';
  if (out) writeFileSync(out, json, { mode: 0o600 });
  else io.stdout(json);
  const rows = Object.fromEntries(doc.sections.map((s) => [s.name, s.rows]));
  await deps.audit.record({
    actor: { id: `cli:${userInfo().username}` },
    action: 'privacy.export',
    target: `customer:${doc.customer_id}`,
    customer: doc.customer_id,
    after: { requested_id: id, customer_ids: doc.customer_ids, rows, to: out ? `file:${out}` : 'stdout' },
  });
  const total = doc.sections.reduce((n, s) => n + s.rows, 0);
  io.stderr(
    `exported customer ${doc.customer_id} (${doc.customer_ids.length} ids): ${total} rows in ${doc.sections.length} sections${out ? ` to ${out}` : ''}\n`,
  );
  return 0;
}
