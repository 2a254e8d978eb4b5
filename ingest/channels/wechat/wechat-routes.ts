import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorReply } from '../../../shared/error-reply.js';
import { DEFAULT_MAX_BODY, guardChannel, ingestMapped, refuse, safeEqual, type ChannelDeps } from '../common.js';
import { mapWechat, parseWechatXml, wechatSignature, wechatTextReply } from './wechat.js';

const PROVIDER = 'wechat';

const SignedQuery = Type.Object({
  signature: Type.String(),
  timestamp: Type.String(),
  nonce: Type.String(),
  echostr: Type.Optional(Type.String({ description: 'GET check only' })),
  openid: Type.Optional(Type.String()),
});

/** GET (echostr check) and POST (XML messages) on /v1/channels/wechat, plaintext mode. */
export async function wechatRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  const maxBytes = deps.config.maxBodyBytes ?? DEFAULT_MAX_BODY;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
  guardChannel(app, deps, { provider: PROVIDER, maxBytes, disabledReason: () => (deps.config.wechatToken ? null : 'set WECHAT_TOKEN') });
  const signed = (req: FastifyRequest) => {
    const q = req.query as Record<string, string | undefined>;
    return !!q.signature && !!q.timestamp && !!q.nonce && safeEqual(q.signature, wechatSignature(deps.config.wechatToken!, q.timestamp, q.nonce));
  };
  const description = 'Public route: authenticated by the WeChat signature (sha1 of the sorted WECHAT_TOKEN, timestamp and nonce), not by an Omnilane key.';
  const errors = { 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 429: ErrorReply, 503: ErrorReply };

  app.get(
    '/v1/channels/wechat',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'WeChat server URL check (echoes echostr)',
        description,
        tags: ['channels'],
        querystring: SignedQuery,
        response: { 200: Type.String(), ...errors },
      },
    },
    async (req, reply) => {
      if (!signed(req))
        throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_SIGNATURE', 'signature does not match (check WECHAT_TOKEN)', req.url, undefined, req.ip);
      return reply.type('text/plain').send((req.query as { echostr?: string }).echostr ?? '');
    },
  );

  app.post(
    '/v1/channels/wechat',
    {
      config: { permission: 'public' },
      bodyLimit: maxBytes,
      validatorCompiler: () => () => true,
      schema: {
        summary: 'WeChat Official Account message push (XML: text, media, subscribe/unsubscribe/CLICK events)',
        description: `${description} Answers "success" or a passive XML text reply.`,
        tags: ['channels'],
        consumes: ['text/xml'],
        querystring: SignedQuery,
        body: Type.String({ description: '<xml><ToUserName/><FromUserName/><CreateTime/><MsgType/>…</xml>' }),
        response: { 200: Type.String(), ...errors },
      },
    },
    async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      if (!signed(req)) throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_SIGNATURE', 'signature does not match (check WECHAT_TOKEN)', raw, undefined, req.ip);
      const msg = parseWechatXml(raw);
      if (!msg) throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_PAYLOAD', 'body is not a WeChat <xml> message', raw, undefined, req.ip);
      const mapped = mapWechat(msg, deps.clock.now());
      if (!mapped.ok) throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_PAYLOAD', mapped.reason, raw, msg.MsgId, req.ip);
      await ingestMapped(deps, PROVIDER, mapped.events, { assignConversations: true });
      if (msg.MsgType === 'event' && msg.Event === 'subscribe' && deps.config.wechatWelcome) {
        return reply.type('application/xml').send(wechatTextReply(msg, deps.config.wechatWelcome, deps.clock.now()));
      }
      return reply.type('text/plain').send('success');
    },
  );
}
