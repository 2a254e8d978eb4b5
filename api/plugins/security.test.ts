import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { EmbeddedCrm } from '../../stream/crm/embedded-crm.js';
import { IdentityService } from '../../stream/identity/identity-service.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp } from '../../test/support/app.js';
import { testAccess } from '../../test/support/access.js';
import { AuditLog } from '../audit/audit-log.js';
import { recordFor } from '../audit/audit-requests.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const clock = manualClock(NOW);
const keys = await testAccess([
  { id: 'admin-1', role: 'admin', secret: 'admin-secret-0123456789' },
  { id: 'viewer-1', role: 'manager', secret: 'viewer-secret-0123456789' },
]);
const auth = (k: string) => ({ authorization: `Bearer ${k}` });
let wh: DuckDbWarehouse;
let state: MemoryStateStore;
let audit: AuditLog;
let app: FastifyInstance;

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  state = new MemoryStateStore({ clock });
  audit = new AuditLog({ warehouse: wh, clock, key: Buffer.alloc(32, 1), log: silentLogger(), state, checkpointEvery: 1000 });
  const identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86' });
  app = await buildTestApp(
    { warehouse: wh, clock, access: keys },
    {
      audit,
      workbench: { identity, crm: new EmbeddedCrm(), sessionExpiryMs: 3600_000 },
      security: { tls: false, corsOrigins: ['https://crm.example'], rateLimits: { perMinute: 5, ingestPerMinute: 1000, state, clock } },
    },
  );
  // What a sign-in route does: records through the app's audit log, with the request's address.
  app.post('/v1/test/sign-in', { config: { permission: 'public' }, schema: { hide: true } }, async (req) => {
    await recordFor(req, { actor: { id: 'user:li' }, action: 'auth.sign_in', target: 'user:li', status: 200 });
    return { ok: true };
  });
});
afterAll(async () => {
  await app?.close();
  await state?.close();
  await wh?.close();
});

describe('security headers', () => {
  it('sends a strict CSP, refuses framing, no HSTS over plain HTTP, and no CORS for an unlisted origin', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' }, remoteAddress: '10.9.0.1' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    // Script never inline; only style attributes (ECharts tooltips) are.
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("style-src-elem 'self'");
    expect(csp.match(/unsafe-inline/g)).toHaveLength(1);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers CORS only for a configured origin, preflight included', async () => {
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/v1/audit',
      headers: { origin: 'https://crm.example', 'access-control-request-method': 'GET' },
      remoteAddress: '10.9.0.2',
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://crm.example');
    const evil = await app.inject({
      method: 'OPTIONS',
      url: '/v1/audit',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      remoteAddress: '10.9.0.2',
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('refuse the sixth request a minute from one address with 429 API_ERR_RATE_LIMITED and Retry-After; another address is unaffected', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.1.1' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    const res = await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.1.1' });
    expect(res.json()).toMatchObject({ code: 'API_ERR_RATE_LIMITED' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.1.2' })).statusCode).toBe(200);
    // The bucket refills at 5 per minute: 12 s later one more request passes.
    clock.advance(12_500);
    expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.1.1' })).statusCode).toBe(200);
  });
});

describe('audit of requests', () => {
  it('records a read of a customer profile, a refused key and a forbidden route, and GET /v1/audit filters them', async () => {
    const ip = '10.9.2.1';
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_404', headers: auth('viewer-secret-0123456789'), remoteAddress: ip })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_404/timeline', headers: auth('wrong-key'), remoteAddress: ip })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('viewer-secret-0123456789'), remoteAddress: ip })).statusCode).toBe(403);
    await audit.idle();
    const all = await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin-secret-0123456789'), remoteAddress: '10.9.2.2' });
    expect(all.statusCode).toBe(200);
    const entries = all.json().entries as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.action, e.status, e.ip])).toEqual([
      ['access.denied', 403, ip],
      ['auth.failed', 401, ip],
      ['customer.profile.read', 404, ip],
    ]);
    expect(entries[2]).toMatchObject({ customer_id: 'cus_404', target: 'customer:cus_404', actor: { id: 'viewer-1', keyId: 'viewer-1', role: 'manager' } });
    expect(entries[1]).toMatchObject({ actor: { id: 'anonymous' } });
    // No secret reaches the log: neither the wrong key nor the right ones.
    expect(JSON.stringify(entries)).not.toMatch(/secret|wrong-key/);

    const byActor = await app.inject({
      method: 'GET',
      url: '/v1/audit?actor=viewer-1&action=customer.',
      headers: auth('admin-secret-0123456789'),
      remoteAddress: '10.9.2.2',
    });
    expect(byActor.json().entries.map((e: { action: string }) => e.action)).toEqual(['customer.profile.read']);
    const byCustomer = await app.inject({
      method: 'GET',
      url: '/v1/audit?customer=cus_404',
      headers: auth('admin-secret-0123456789'),
      remoteAddress: '10.9.2.2',
    });
    expect(byCustomer.json().entries).toHaveLength(1);
    const none = await app.inject({
      method: 'GET',
      url: `/v1/audit?from=${new Date(NOW + 86_400_000).toISOString()}`,
      headers: auth('admin-secret-0123456789'),
      remoteAddress: '10.9.2.2',
    });
    expect(none.json().entries).toEqual([]);

    const verify = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: auth('admin-secret-0123456789'), remoteAddress: '10.9.2.2' });
    expect(verify.json()).toMatchObject({ ok: true, entries: 3, problems: [] });
  });
});

describe('recordFor', () => {
  it("lets another module record through the app's audit log, with the request's address", async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/test/sign-in', remoteAddress: '10.9.3.1' })).statusCode).toBe(200);
    const res = await app.inject({ method: 'GET', url: '/v1/audit?action=auth.sign_in', headers: auth('admin-secret-0123456789'), remoteAddress: '10.9.3.2' });
    expect(res.json().entries).toEqual([expect.objectContaining({ action: 'auth.sign_in', target: 'user:li', ip: '10.9.3.1', actor: { id: 'user:li' } })]);
  });
});
