import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:tls';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOmnilane, type RunningOmnilane } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { projectRoot } from '../../shared/paths.js';

/**
 * The embedded stack as an attacker meets it: HTTPS with a self-signed certificate (TLS_SELF_SIGNED), TLS 1.2
 * refused, security headers, a private DATA_DIR, a log without personal data or keys, and an audit trail
 * that `omnilane audit verify` checks and catches tampering in.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-sec-'));
let logged = '';
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logged += chunk.toString();
    done();
  },
});
let running: RunningOmnilane | undefined;
let ca: string;
let port: number;

const PERSONAL = {
  phone: '+8613912345678',
  email: 'li.wei.secret@example.cn',
  name: '李伟秘密',
  text: '我的地址是 朝阳区秘密路 88 号',
  address: '朝阳区秘密路 88 号',
};

function https(
  method: string,
  path: string,
  body?: unknown,
  key?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        ca,
        servername: 'localhost',
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(data ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function handshake(maxVersion?: 'TLSv1.2'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...(maxVersion ? { maxVersion } : {}) }, () => {
      resolve(s.getProtocol() ?? '');
      s.end();
    });
    s.on('error', reject);
  });
}

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'trace', TLS_SELF_SIGNED: '1' });
  running = await startOmnilane({ config, log: createLogger('trace', sink) });
  port = Number(new URL(running.url).port);
  ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
});
afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('HTTPS', () => {
  it('serves TLS 1.3 with the self-signed certificate and refuses a client limited to TLS 1.2', async () => {
    expect(running!.url).toMatch(/^https:\/\//);
    expect(await handshake()).toBe('TLSv1.3');
    await expect(handshake('TLSv1.2')).rejects.toThrow(/protocol version|alert/i);
  });

  it('sends HSTS and upgrade-insecure-requests over HTTPS, with the strict CSP and frame denial', async () => {
    const res = await https('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(String(res.headers['content-security-policy'])).toMatch(/upgrade-insecure-requests/);
    expect(String(res.headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('a private DATA_DIR', () => {
  it('keeps every folder 0700 and every file 0600 (keys, audit key, certificate key, warehouse, bus)', () => {
    const mode = (p: string) => statSync(join(dataDir, p)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    for (const f of ['access.json', 'credentials.txt', 'audit-hmac.key', 'tls/key.pem', 'warehouse/omnilane.duckdb']) expect([f, mode(f)]).toEqual([f, 0o600]);
    for (const d of ['tls', 'warehouse', 'bus']) expect([d, mode(d)]).toEqual([d, 0o700]);
  });
});

describe('the log', () => {
  it('carries no personal field and no key after requests full of them', async () => {
    const ingestKey = (await running!.access.createKey({ name: 'probe ingest', role: 'ingest' })).secret;
    const adminKey = (await running!.access.createKey({ name: 'probe admin', role: 'admin' })).secret;
    const customer = { phone: PERSONAL.phone, email: PERSONAL.email, name: PERSONAL.name, external_id: 'sec-1' };
    const ok = {
      id: 'sec-ok',
      type: 'message.received',
      channel: 'web',
      occurred_at: new Date().toISOString(),
      customer,
      properties: { text: PERSONAL.text, address: PERSONAL.address },
    };
    const bad = { ...ok, id: 'sec-bad', occurred_at: 'not a time' };
    expect((await https('POST', '/v1/events', { events: [ok, bad] }, ingestKey)).status).toBe(202);
    expect((await https('POST', '/v1/events', '{"events": [', ingestKey)).status).toBe(400);
    expect((await https('GET', `/v1/customers?phone=${encodeURIComponent(PERSONAL.phone)}`, undefined, adminKey)).status).toBeLessThan(500);
    expect((await https('GET', '/v1/customers/cus_1', undefined, 'not-a-key-but-a-guess')).status).toBe(401);
    // A module logging a customer object, as a careless call would: the paths are redacted whatever the depth.
    running!.log.child({ stage: 'probe' }).warn({ customer, event: { properties: { text: PERSONAL.text } }, key: adminKey }, 'probe line');
    await new Promise((r) => setTimeout(r, 200));
    expect(logged).toContain('probe line');
    expect(logged).toContain('[redacted]');
    for (const v of [...Object.values(PERSONAL), ingestKey, adminKey, 'not-a-key-but-a-guess']) expect(logged).not.toContain(v);
  });
});

describe('the audit trail', () => {
  it('records reads of personal data; omnilane audit verify passes, export writes the chain, and an edit in the file is caught', async () => {
    const adminKey = (await running!.access.createKey({ name: 'audit admin', role: 'admin' })).secret;
    await https('GET', '/v1/customers/cus_1', undefined, adminKey);
    await running!.audit!.idle();
    const list = JSON.parse((await https('GET', '/v1/audit?action=customer.', undefined, adminKey)).body) as { entries: Array<{ action: string; ip: string }> };
    expect(list.entries.map((e) => e.action)).toContain('customer.profile.read');
    expect(list.entries.every((e) => e.ip === '127.0.0.1')).toBe(true);
    await running!.stop();

    const ok = cli('audit', 'verify', '--json');
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, problems: [] });
    const out = join(dataDir, 'audit-export.jsonl');
    const exp = cli('audit', 'export', '--out', out);
    expect(exp.status, exp.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; action: string; hash: string });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const db = await DuckDBInstance.create(join(dataDir, 'warehouse', 'omnilane.duckdb'));
    const conn = await db.connect();
    await conn.run('UPDATE audit_log SET actor = \'{"id":"someone-else"}\' WHERE action = \'customer.profile.read\'');
    conn.closeSync();
    db.closeSync();
    const bad = cli('audit', 'verify');
    expect(bad.status).toBe(3);
    expect(bad.stdout).toMatch(/edited/);
    expect(bad.stdout).toMatch(/TAMPERED/);
    // The export is itself in the trail (its entry, then the checkpoint that signs it).
    expect(bad.stdout).toContain(`audit log: ${lines.length + 2} entries`);
  });
});
