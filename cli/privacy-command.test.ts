import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../api/audit/audit-log.js';
import { manualClock } from '../shared/clock.js';
import type { EventEnvelope } from '../shared/envelope.js';
import { silentLogger } from '../shared/logger.js';
import { FollowupStore } from '../stream/followup/followup-store.js';
import { SuppressionList } from '../stream/followup/suppression-list.js';
import { CustomerErasure } from '../stream/privacy/customer-erasure.js';
import { IdentityService } from '../stream/identity/identity-service.js';
import type { CustomerExport } from '../stream/privacy/customer-export.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { runPrivacyCommand, type PrivacyCommandDeps } from './privacy-command.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const clock = manualClock(NOW);
const dir = mkdtempSync(join(tmpdir(), 'omnilane-privacy-'));
let wh: DuckDbWarehouse;
let state: MemoryStateStore;
let deps: PrivacyCommandDeps;
let ana: string;
let bo: string;

const ev = (id: string, phone: string, text: string): EventEnvelope => ({
  id,
  producer: 'p',
  type: 'message.received',
  channel: 'sms',
  occurred_at: NOW - 60_000,
  received_at: NOW,
  customer_key: 'x',
  customer: { phone },
  conversation_id: `conv-${id}`,
  agent_id: null,
  properties: { text },
});
const io = () => {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
};
const exports = () =>
  wh.query<Record<string, unknown>>('audit_search', {
    actor: '',
    actor_json: '',
    action: 'privacy.export',
    customer: '',
    from_ms: 0,
    to_ms: NOW + 1,
    limit: 50,
    offset: 0,
  });

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  state = new MemoryStateStore({ clock });
  const identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86', mergeLog: wh });
  const resolved = await identity.resolve([ev('e1', '13900000001', 'ana writes'), ev('e2', '13900000002', 'bo writes')]);
  [ana, bo] = resolved.map((e) => e.customer_key);
  await wh.append(
    'events',
    resolved.map(({ identity_records: _, ...e }) => ({ ...e, customer: JSON.stringify(e.customer), properties: JSON.stringify(e.properties) })),
  );
  const followups = new FollowupStore(state);
  await followups.setConsent(ana, 'sms', 'opted_out', NOW - 1000, 'p/e1');
  const audit = new AuditLog({ warehouse: wh, clock, key: Buffer.alloc(32, 5), log: silentLogger(), state });
  deps = { sources: { warehouse: wh, clock, identity, followups }, audit };
});
afterAll(async () => {
  await state?.close();
  await wh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('omnilane privacy export', () => {
  it('writes the customer’s export to --out (0600), nothing of another customer, and records privacy.export', async () => {
    const file = join(dir, 'ana.json');
    const { out, io: sink } = io();
    expect(await runPrivacyCommand(['export', ana, '--out', file], sink, deps)).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as CustomerExport;
    expect(doc.customer_id).toBe(ana);
    const rows = Object.fromEntries(doc.sections.map((s) => [s.name, s.rows]));
    expect(rows).toMatchObject({ profile: 1, identifiers: 1, events: 1, consents: 1 });
    expect(doc.sections.find((s) => s.name === 'events')!.csv).toContain('ana writes');
    const text = readFileSync(file, 'utf8');
    for (const his of [bo, '13900000002', 'bo writes']) expect(text).not.toContain(his);
    // The terminal gets ids and counts only, never the data.
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`exported customer ${ana}`);
    expect(out.stderr).not.toContain('13900000001');
    const [entry] = await exports();
    expect(entry).toMatchObject({ action: 'privacy.export', customer_id: ana, target: `customer:${ana}` });
    expect(JSON.parse(String(entry.actor)).id).toMatch(/^cli:/);
    expect(JSON.parse(String(entry.after))).toMatchObject({ requested_id: ana, rows: { events: 1 }, to: `file:${file}` });
  });

  it('prints the same document to stdout without --out', async () => {
    const { out, io: sink } = io();
    expect(await runPrivacyCommand(['export', bo], sink, deps)).toBe(0);
    const doc = JSON.parse(out.stdout) as CustomerExport;
    expect(doc.customer_id).toBe(bo);
    expect(out.stdout).not.toContain('ana writes');
  });

  it('exits 1 for an unknown customer without recording an export, and rejects bad usage', async () => {
    const before = (await exports()).length;
    const { out, io: sink } = io();
    expect(await runPrivacyCommand(['export', 'cus_999'], sink, deps)).toBe(1);
    expect(out.stderr).toContain('no customer cus_999');
    expect((await exports()).length).toBe(before);
    await expect(runPrivacyCommand(['export'], sink, deps)).rejects.toMatchObject({ code: 'CFG_ERR_INVALID' });
    await expect(runPrivacyCommand(['export', ana, '--out'], sink, deps)).rejects.toMatchObject({ code: 'CFG_ERR_INVALID' });
    await expect(runPrivacyCommand(['erase', ana], sink, deps)).rejects.toMatchObject({ code: 'CFG_ERR_INVALID' });
  });
});

describe('omnilane privacy erase', () => {
  it('erases to the end, prints the per-store report without personal data, audits privacy.erase; a second run says already erased', async () => {
    const identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86', mergeLog: wh });
    const erasure = new CustomerErasure({
      warehouse: wh,
      state,
      clock,
      identity,
      followups: new FollowupStore(state),
      suppression: new SuppressionList(state),
    });
    const withErase = { ...deps, erasure };
    const { out, io: sink } = io();
    expect(await runPrivacyCommand(['erase', ana], sink, withErase)).toBe(0);
    expect(out.stdout).toContain(`erased: customer ${ana}`);
    expect(out.stdout).toMatch(/events\s+done\s+1/);
    expect(out.stdout).not.toContain('13900000001');
    expect(await wh.query('events_of_customers', { keys: [ana] })).toEqual([]);
    expect(await wh.query('events_of_customers', { keys: [bo] })).toHaveLength(1);
    const { out: again, io: sink2 } = io();
    expect(await runPrivacyCommand(['erase', ana], sink2, withErase)).toBe(0);
    expect(again.stdout).toContain('already erased');
    const entries = await wh.query<{ action: string }>('audit_search', {
      actor: '',
      actor_json: '',
      action: 'privacy.erase',
      customer: ana,
      from_ms: 0,
      to_ms: NOW + 1,
      limit: 50,
      offset: 0,
    });
    expect(entries).toHaveLength(2);
    expect(await runPrivacyCommand(['erase', 'cus_999'], sink2, withErase)).toBe(1);
  });
});
