import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { AuditPort } from '../api/audit/audit-log.js';
import { OmnilaneError } from '../shared/errors.js';
import type { CustomerErasure } from '../stream/privacy/customer-erasure.js';
import { exportCustomer, type CustomerExportSources } from '../stream/privacy/customer-export.js';
import { KEY_USAGE, rotateDataKeys, rotateMasterKey, type KeyRotationDeps, type PrivacyIo } from './privacy-keys-command.js';

export type { PrivacyIo };

export interface PrivacyCommandDeps {
  /** Warehouse, identity graph and follow-up store, as the composition root built them (cli/compose-pipeline.ts). */
  sources: CustomerExportSources;
  /** Where the export itself is recorded (`privacy.export`), like `omnilane audit export` records its own. */
  audit: Pick<AuditPort, 'record'>;
  /** The erasure job (cli/compose-pipeline.ts composeErasure), for `privacy erase`. */
  erasure?: Pick<CustomerErasure, 'start' | 'run'>;
  /** Key rotation (`privacy rotate-master-key`, `privacy rotate-data-keys`). */
  keys?: Omit<KeyRotationDeps, 'audit'>;
}

const USAGE = `usage: omnilane privacy export CUSTOMER_ID [--out FILE] | omnilane privacy erase CUSTOMER_ID | ${KEY_USAGE}`;

/**
 * `omnilane privacy export ID [--out FILE]`: the data-subject export of one customer (docs/privacy.md, "Export"), the
 * same JSON document `GET /v1/customers/{id}/export` answers, to FILE (mode 0600) or stdout. Exit 0 on success, 1
 * when nothing is held under that id. Prints only ids and row counts to stderr, never the data.
 */
export async function runPrivacyCommand(args: string[], io: PrivacyIo, deps: PrivacyCommandDeps): Promise<number> {
  const [sub, id, ...rest] = args;
  if (sub === 'rotate-master-key' && args.length === 1 && deps.keys) return rotateMasterKey(io, { ...deps.keys, audit: deps.audit });
  if (sub === 'rotate-data-keys' && deps.keys && args.slice(1).every((a) => !a.startsWith('--')))
    return rotateDataKeys(args.slice(1), io, { ...deps.keys, audit: deps.audit });
  if (sub === 'erase' && id && !id.startsWith('--') && rest.length === 0 && deps.erasure) return runErase(id, io, deps.erasure, deps.audit);
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

/**
 * `omnilane privacy erase ID`: runs the erasure job of one customer to the end (docs/privacy.md, "Erasure"), resuming
 * an interrupted one, and prints the per-store report. Exit 0 when erased (now or before), 1 when nothing is held.
 */
async function runErase(id: string, io: PrivacyIo, erasure: Pick<CustomerErasure, 'start' | 'run'>, audit: Pick<AuditPort, 'record'>): Promise<number> {
  const started = await erasure.start(id);
  if (!started) {
    io.stderr(`omnilane privacy erase: no customer ${id} (nothing is held under this id)\n`);
    return 1;
  }
  const already = started.job.status === 'done';
  await audit.record({
    actor: { id: `cli:${userInfo().username}` },
    action: 'privacy.erase',
    target: `customer:${started.job.customer_id}`,
    customer: started.job.customer_id,
    after: { job: started.job.job, requested_id: id, customer_ids: started.job.customer_ids, started: started.created, already_erased: already },
  });
  const job = already ? started.job : await erasure.run(started.job);
  io.stdout(`${already ? 'already erased' : 'erased'}: customer ${job.customer_id} (${job.customer_ids.length} ids), job ${job.job}\n`);
  for (const s of job.stores)
    io.stdout(`  ${s.store.padEnd(20)} ${s.status.padEnd(8)} ${s.deleted === null ? '-' : String(s.deleted)}${s.note ? `  ${s.note}` : ''}\n`);
  return 0;
}
