import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../api/app.js';
import { BoardService } from '../../api/board/board-service.js';
import { LiveHub } from '../../api/board/live-hub.js';
import type { IngestService } from '../../ingest/ingest-service.js';
import { silentLogger } from '../../shared/logger.js';

/**
 * The HTTP app over a given warehouse, for `app.inject()` tests of read
 * routes: no ingest, no stream worker, no dashboard; `extra` adds or
 * overrides dependencies (attribution job, workbench, …).
 */
export function buildTestApp(base: Pick<AppDeps, 'warehouse' | 'clock' | 'access'>, extra: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  const log = silentLogger();
  const board = new BoardService(base.warehouse, base.clock);
  return buildApp({
    log,
    ingest: {} as IngestService,
    board,
    live: new LiveHub(board, new EventEmitter(), log),
    health: { ready: () => true, details: async () => ({}) },
    dashboardDir: '/nonexistent',
    ...base,
    ...extra,
  });
}
