import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { BoardService } from '../board/board-service.js';
import type { LiveHub } from '../board/live-hub.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { BoardQuery, BoardSnapshot } from '../schemas.js';
import { openEventStream } from '../sse.js';

/** GET /v1/board (one snapshot) and GET /v1/live (the same snapshot pushed as Server-Sent Events). */
export const boardRoutes: FastifyPluginAsyncTypebox<{ board: BoardService; live: LiveHub }> = async (app, { board, live }) => {
  app.get(
    '/v1/board',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'Live board snapshot: the last N minutes per channel',
        tags: ['board'],
        security: [{ bearer: [] }],
        querystring: BoardQuery,
        response: { 200: BoardSnapshot, 401: ErrorReply },
      },
    },
    async (req) => board.snapshot(req.query.minutes ?? 60),
  );

  app.get(
    '/v1/live',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'Board snapshots as Server-Sent Events (`event: board`), within half a second of new data and at least every 5 s',
        tags: ['board'],
        security: [{ bearer: [] }],
        querystring: BoardQuery,
        response: { 200: Type.String({ description: 'text/event-stream' }), 401: ErrorReply, 429: ErrorReply },
      },
    },
    async (req, reply) => {
      const minutes = req.query.minutes ?? 60;
      // Before the stream opens, so a refused client gets a plain 429 reply with its code.
      const release = live.admit(req.principal?.keyId ?? 'anonymous');
      const write = openEventStream(reply);
      const sendSnap = (json: string) => write(`event: board\ndata: ${json}\n\n`);
      const off = live.subscribe(minutes, sendSnap);
      const ping = setInterval(() => write(': ping\n\n'), 15_000);
      const close = () => {
        clearInterval(ping);
        off();
        release();
      };
      req.raw.on('close', close);
      try {
        sendSnap(await live.current(minutes));
      } catch (err) {
        req.log.error({ err }, 'first live snapshot failed');
      }
    },
  );
};
