import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { manualClock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { IngestService } from '../../ingest/ingest-service.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { buildTestApp } from '../../test/support/app.js';
import { testAccess } from '../../test/support/access.js';

const down = (code: 'WH_ERR_UNAVAILABLE' | 'ING_ERR_BUS_UNAVAILABLE' | 'ING_ERR_STATE_UNAVAILABLE') => new OmnilaneError(code, `${code} (test)`);
const frozenWarehouse: Warehouse = {
  migrate: async () => [],
  append: async () => undefined,
  discardContributions: async () => undefined,
  eraseRows: async () => 0,
  query: async () => {
    throw down('WH_ERR_UNAVAILABLE');
  },
  close: async () => undefined,
};

describe('outage replies: each engine its own code, every one with Retry-After', () => {
  let app: FastifyInstance;
  let next: 'ING_ERR_BUS_UNAVAILABLE' | 'ING_ERR_STATE_UNAVAILABLE' = 'ING_ERR_BUS_UNAVAILABLE';
  beforeAll(async () => {
    const keys = await testAccess([
      { id: 'v', role: 'analyst', secret: 'viewer-secret' },
      { id: 'i', role: 'ingest', secret: 'ingest-secret' },
    ]);
    const ingest = {
      ingest: async () => {
        throw down(next);
      },
    } as unknown as IngestService;
    app = await buildTestApp({ warehouse: frozenWarehouse, clock: manualClock(Date.UTC(2026, 10, 24)), access: keys }, { ingest });
  });
  afterAll(() => app?.close());

  it('a warehouse outage answers reads with 503 WH_ERR_UNAVAILABLE and Retry-After', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/funnel', headers: { authorization: 'Bearer viewer-secret' } });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'WH_ERR_UNAVAILABLE' });
    expect(r.headers['retry-after']).toBe('5');
  });
  it.each(['ING_ERR_BUS_UNAVAILABLE', 'ING_ERR_STATE_UNAVAILABLE'] as const)('ingest answers %s with 503 and Retry-After', async (code) => {
    next = code;
    const r = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: 'Bearer ingest-secret', 'content-type': 'application/json' },
      payload: { events: [{ id: 'a' }] },
    });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code });
    expect(r.headers['retry-after']).toBe('5');
  });
  it('a 503 that is no outage (a disabled stage) carries no Retry-After', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/attribution/run', headers: { authorization: 'Bearer viewer-secret' } });
    expect(r.headers['retry-after']).toBeUndefined();
  });
});
