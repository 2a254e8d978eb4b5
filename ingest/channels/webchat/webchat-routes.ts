import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { projectRoot } from '../../../shared/paths.js';
import { MAX_FRAME_BYTES } from './protocol.js';
import { originAllowedAnywhere } from './site-keys.js';
import { DEFAULT_LIMITS, VisitorConnection, type ConnectionLimits, type SocketLike } from './visitor-connection.js';
import type { WebchatService } from './webchat-service.js';

export interface WebchatRoutesOptions {
  service: WebchatService;
  /** The built widget; default dashboard/dist/widget.js. */
  widgetFile?: string;
  limits?: ConnectionLimits;
}

/** What the routes use of a `ws` socket (the package ships no types here: `@types/ws` is not installed). */
interface WsSocket extends SocketLike {
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close' | 'error', fn: () => void): void;
}

/**
 * Web chat for visitors: `GET /v1/channels/webchat/socket` (WebSocket, the
 * protocol in protocol.ts) and `GET /widget.js`, the embeddable script, with
 * headers that let allowed sites load it. Visitors authenticate with a public
 * site key checked against the page's Origin, not with an API key.
 */
export const webchatRoutes: FastifyPluginAsync<WebchatRoutesOptions> = async (app: FastifyInstance, opts) => {
  const svc = opts.service;
  const siteKeys = svc.o.siteKeys;
  const log = svc.o.log.child({ stage: 'webchat' });
  const sockets = new Set<WsSocket>();
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });

  // Close visitor sockets before the server waits for connections, so shutdown never hangs on a tab left open.
  app.addHook('preClose', async () => {
    for (const s of sockets) s.close(1001, 'server shutting down');
  });

  app.get(
    '/v1/channels/webchat/socket',
    {
      config: { permission: 'public' },
      websocket: true,
      schema: {
        summary: 'Web chat visitor socket (WebSocket; public, authenticated by site key and Origin)',
        tags: ['channels'],
        description: 'JSON frames: hello, message, typing, read, identify, ping → welcome, message, ack, typing, read, error, pong. See docs/channels.md.',
      },
    },
    (socket: WsSocket, req) => {
      sockets.add(socket);
      const conn = new VisitorConnection(socket, req.headers.origin, svc, siteKeys, svc.o.clock, log, opts.limits ?? DEFAULT_LIMITS);
      socket.on('message', (data, isBinary) => conn.receive(data, isBinary));
      socket.on('close', () => {
        sockets.delete(socket);
        conn.closedBySocket();
      });
      socket.on('error', () => conn.closedBySocket());
    },
  );

  const widgetFile = opts.widgetFile ?? join(projectRoot(), 'dashboard', 'dist', 'widget.js');
  let cached: { mtimeMs: number; body: Buffer } | null = null;
  app.get('/widget.js', { schema: { hide: true } }, async (req, reply) => {
    const info = await stat(widgetFile).catch(() => null);
    if (!info) {
      return reply.status(404).type('text/plain').send('The web chat widget is not built: npx vite build --config dashboard/widget.vite.config.ts');
    }
    if (!cached || cached.mtimeMs !== info.mtimeMs) cached = { mtimeMs: info.mtimeMs, body: await readFile(widgetFile) };
    const origin = req.headers.origin;
    // A plain <script src> needs no CORS; these cover `crossorigin` script tags and pages with COEP.
    if (originAllowedAnywhere(siteKeys, origin)) reply.header('access-control-allow-origin', origin!);
    return reply
      .header('vary', 'Origin')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=300')
      .type('application/javascript; charset=utf-8')
      .send(cached.body);
  });
};
