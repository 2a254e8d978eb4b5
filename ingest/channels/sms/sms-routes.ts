import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorReply } from '../../../shared/error-reply.js';
import { DEFAULT_MAX_BODY, ingestMapped, refuse, type ChannelDeps } from '../common.js';
import { EMPTY_TWIML, twilioFormContext, verifiedTwilioForm } from '../twilio/twilio.js';
import { mapInboundSms, mapSmsStatus, type SmsMapResult } from './sms-map.js';

const PROVIDER = 'sms';

const SmsForm = Type.Object(
  {
    MessageSid: Type.String(),
    AccountSid: Type.Optional(Type.String()),
    From: Type.String({ description: 'E.164 sender' }),
    To: Type.String(),
    Body: Type.Optional(Type.String()),
    NumMedia: Type.Optional(Type.String()),
    MessageStatus: Type.Optional(Type.String({ description: 'status callbacks only' })),
  },
  { additionalProperties: true },
);

const routeSchema = (summary: string) => ({
  summary,
  description:
    'Twilio webhook. Public route: authenticated by X-Twilio-Signature (HMAC-SHA1 of PUBLIC_BASE_URL + path and the sorted form parameters with TWILIO_AUTH_TOKEN), not by an Omnilane key. Answers empty TwiML.',
  tags: ['channels'],
  consumes: ['application/x-www-form-urlencoded'],
  body: SmsForm,
  response: { 200: Type.String({ description: 'empty TwiML' }), 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 429: ErrorReply, 503: ErrorReply },
});

/** POST /v1/channels/sms/twilio (inbound messages) and …/status (delivery status callbacks). */
export async function smsRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  const maxBytes = deps.config.maxBodyBytes ?? DEFAULT_MAX_BODY;
  twilioFormContext(app, deps, PROVIDER, maxBytes);
  const handle = (map: (f: Record<string, string>, now: number) => SmsMapResult) => async (req: FastifyRequest, reply: FastifyReply) => {
    const fields = await verifiedTwilioForm(deps, PROVIDER, req);
    const mapped = map(fields, deps.clock.now());
    if (!mapped.ok) throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_PAYLOAD', mapped.reason, req.body as string, fields.MessageSid, req.ip);
    await ingestMapped(deps, PROVIDER, mapped.events, { assignConversations: true });
    return reply.type('text/xml').send(EMPTY_TWIML);
  };
  const opts = (summary: string) => ({
    config: { permission: 'public' as const },
    bodyLimit: maxBytes,
    validatorCompiler: () => () => true,
    schema: routeSchema(summary),
  });
  app.post('/v1/channels/sms/twilio', opts('Inbound SMS/MMS (Twilio messaging webhook)'), handle(mapInboundSms));
  app.post('/v1/channels/sms/twilio/status', opts('SMS delivery status callback (Twilio StatusCallback)'), handle(mapSmsStatus));
}
