import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { AuditLog, readChain, verifyStoredChain } from '../api/audit/audit-log.js';
import { loadOrCreateAuditKey } from '../api/audit/audit-key.js';
import type { Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { OmnilaneError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { parseFlags, type FlagSpecs, type FlagValues } from './args.js';

export interface AuditIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface AuditCommandDeps {
  cfg: Pick<Config, 'dataDir' | 'security'>;
  warehouse: Warehouse;
  clock: Clock;
  log: Logger;
  /** Shares the chain head with running API processes (Redis), so the export's own entry chains after theirs. */
  state?: StateStore;
}

const USAGE = `usage: omnilane audit verify [--json]
       omnilane audit export [--out FILE] [--from ISO] [--to ISO]`;

/**
 * The audit key for checking: AUDIT_HMAC_KEY or the existing DATA_DIR/audit-hmac.key. Verify never creates
 * one: a new key would report every checkpoint as forged.
 */
function existingKey(cfg: AuditCommandDeps['cfg']): Buffer {
  if (!cfg.security.auditHmacKey && !existsSync(join(cfg.dataDir, 'audit-hmac.key'))) {
    throw new OmnilaneError(
      'CFG_ERR_INVALID',
      `AUDIT_HMAC_KEY: not set and ${join(cfg.dataDir, 'audit-hmac.key')} does not exist (the key the server signed checkpoints with)`,
    );
  }
  return loadOrCreateAuditKey(cfg.dataDir, cfg.security.auditHmacKey);
}

/** Usage errors carry CFG_ERR_INVALID, as they always have here (exit 78). */
function parsed<S extends FlagSpecs>(sub: string, rest: string[], specs: S): FlagValues<S> {
  const r = parseFlags(rest, specs);
  if (!r.ok) throw new OmnilaneError('CFG_ERR_INVALID', `omnilane audit ${sub}: ${r.message}\n${USAGE}`);
  return r.flags;
}

/**
 * `omnilane audit verify`: recomputes the whole chain; exit status 0 when intact, 3 when an entry was edited,
 * removed or reordered or a checkpoint signature is wrong. `omnilane audit export`: every stored entry as JSON
 * lines with its hashes and signatures (verifiable offline), and records the export itself in the log.
 */
export async function runAuditCommand(args: string[], io: AuditIo, deps: AuditCommandDeps): Promise<number> {
  const [sub, ...rest] = args;
  await deps.warehouse.migrate();
  if (sub === 'verify') {
    const f = parsed(sub, rest, { json: { type: 'boolean' } });
    const r = await verifyStoredChain(deps.warehouse, existingKey(deps.cfg));
    if (f.json) io.stdout(JSON.stringify(r) + '\n');
    else {
      io.stdout(
        `audit log: ${r.entries} entries, head seq ${r.head.seq}, ${r.checkpoints} signed checkpoints (through seq ${r.signedThrough}; ${r.unsignedTail} after)\n`,
      );
      for (const p of r.problems) io.stdout(`  seq ${p.seq}: ${p.kind}: ${p.detail}\n`);
      io.stdout(r.ok ? 'OK: the chain is intact\n' : 'TAMPERED: the chain does not verify\n');
    }
    return r.ok ? 0 : 3;
  }
  if (sub === 'export') {
    const f = parsed(sub, rest, { out: { type: 'string' }, from: { type: 'time' }, to: { type: 'time' } });
    const out = f.out === undefined ? undefined : resolve(f.out);
    const from = f.from ?? -Infinity;
    const to = f.to ?? Infinity;
    const file = out ? createWriteStream(out, { mode: 0o600 }) : undefined;
    const write = async (line: string) => {
      if (!file) return io.stdout(line);
      if (!file.write(line)) await once(file, 'drain');
    };
    let n = 0;
    for await (const e of readChain(deps.warehouse)) {
      if (e.at < from || e.at >= to) continue;
      await write(JSON.stringify(e) + '\n');
      n++;
    }
    if (file) {
      file.end();
      await once(file, 'finish');
    }
    // An export of the trail is itself an audited action.
    const audit = new AuditLog({
      warehouse: deps.warehouse,
      clock: deps.clock,
      key: loadOrCreateAuditKey(deps.cfg.dataDir, deps.cfg.security.auditHmacKey),
      log: deps.log,
      state: deps.state,
    });
    await audit.record({
      actor: { id: `cli:${userInfo().username}` },
      action: 'audit.export',
      target: out ? `file:${out}` : 'stdout',
      after: { entries: n, from: Number.isFinite(from) ? from : null, to: Number.isFinite(to) ? to : null },
    });
    await audit.close();
    io.stderr(`exported ${n} audit entries${out ? ` to ${out}` : ''}\n`);
    return 0;
  }
  throw new OmnilaneError('CFG_ERR_INVALID', USAGE);
}

/** Reads an export (JSON lines) back, for tests and offline checks. */
export function readExport(path: string) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
