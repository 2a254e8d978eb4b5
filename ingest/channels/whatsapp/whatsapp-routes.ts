import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorReply } from '../../../shared/error-reply.js';
import { OmnilaneError } from '../../../shared/errors.js';
import { DEFAULT_MAX_BODY, guardChannel, ingestMapped, refuse, safeEqual, type ChannelDeps } from '../common.js';
import { mapMetaWebhook } from './whatsapp-map.js';

const PROVIDER = 'whatsapp';

/** `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`, as Meta sends in X-Hub-Signature-256. */
export function metaSignature(appSecret: string, raw: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

const HandshakeQuery = Type.Object({
  'hub.mode': Type.Optional(Type.String()),
  'hub.verify_token': Type.Optional(Type.String()),
  'hub.challenge': Type.Optional(Type.String()),
});

/** GET/POST /v1/channels/whatsapp: Meta's verify handshake and signed webhook deliveries. */
export async function whatsappRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  const maxBytes = deps.config.maxBodyBytes ?? DEFAULT_MAX_BODY;
  // The signature covers the exact bytes Meta sent, so the body stays raw until it is verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
  guardChannel(app, deps, { provider: PROVIDER, maxBytes, disabledReason: () => (deps.config.whatsappAppSecret ? null : 'set WHATSAPP_APP_SECRET') });
  const description = 'Public route: authenticated by Meta, not by an Omnilane key.';

  app.get(
    '/v1/channels/whatsapp',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Webhook verify handshake (hub.mode=subscribe, hub.verify_token, hub.challenge)',
        description: `${description} Echoes hub.challenge when hub.verify_token equals WHATSAPP_VERIFY_TOKEN.`,
        tags: ['channels'],
        querystring: HandshakeQuery,
        response: { 200: Type.String(), 401: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const expected = deps.config.whatsappVerifyToken;
      if (!expected) throw new OmnilaneError('ING_ERR_CHANNEL_DISABLED', 'whatsapp verify handshake is disabled: set WHATSAPP_VERIFY_TOKEN');
      if (q['hub.mode'] !== 'subscribe' || !q['hub.verify_token'] || !safeEqual(q['hub.verify_token'], expected) || !q['hub.challenge']) {
        throw new OmnilaneError('ING_ERR_BAD_SIGNATURE', 'hub.mode must be subscribe and hub.verify_token must equal WHATSAPP_VERIFY_TOKEN');
      }
      return reply.type('text/plain').send(q['hub.challenge']);
    },
  );

  app.post(
    '/v1/channels/whatsapp',
    {
      config: { permission: 'public' },
      bodyLimit: maxBytes,
      validatorCompiler: () => () => true,
      schema: {
        summary: 'WhatsApp Cloud API / Messenger webhook (messages and statuses)',
        description: `${description} X-Hub-Signature-256 must be sha256=HMAC-SHA256(raw body, WHATSAPP_APP_SECRET).`,
        tags: ['channels'],
        body: Type.Object({ object: Type.String(), entry: Type.Array(Type.Unknown()) }),
        response: {
          200: Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer() }),
          400: ErrorReply,
          401: ErrorReply,
          413: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const sig = req.headers['x-hub-signature-256'];
      if (typeof sig !== 'string' || !safeEqual(sig, metaSignature(deps.config.whatsappAppSecret!, raw))) {
        throw await refuse(
          deps,
          PROVIDER,
          'ING_ERR_BAD_SIGNATURE',
          'X-Hub-Signature-256 is missing or does not match (check WHATSAPP_APP_SECRET)',
          raw,
          undefined,
          req.ip,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_PAYLOAD', `body is not JSON: ${(err as Error).message}`, raw, undefined, req.ip);
      }
      const mapped = mapMetaWebhook(body, deps.clock.now());
      if (!mapped.ok) throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_PAYLOAD', mapped.reason, raw, undefined, req.ip);
      const r = await ingestMapped(deps, PROVIDER, mapped.events, { assignConversations: true });
      return reply.status(200).send({ accepted: r.accepted, duplicates: r.duplicates });
    },
  );
}
