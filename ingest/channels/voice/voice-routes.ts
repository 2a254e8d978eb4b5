import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorReply } from '../../../shared/error-reply.js';
import { DEFAULT_MAX_BODY, ingestMapped, refuse, type ChannelDeps } from '../common.js';
import { EMPTY_TWIML, twilioFormContext, verifiedTwilioForm } from '../twilio/twilio.js';
import { mapCallStatus } from './voice-map.js';

const PROVIDER = 'voice';

const CallForm = Type.Object(
  {
    CallSid: Type.String(),
    CallStatus: Type.String({ description: 'queued, initiated, ringing, in-progress, completed, busy, no-answer, failed, canceled' }),
    Direction: Type.Optional(Type.String({ description: 'inbound, outbound-api, outbound-dial' })),
    From: Type.String(),
    To: Type.String(),
    CallDuration: Type.Optional(Type.String({ description: 'seconds, on completed' })),
    Timestamp: Type.Optional(Type.String({ description: 'RFC 2822' })),
  },
  { additionalProperties: true },
);

/** POST /v1/channels/voice/status: Twilio call status callbacks. */
export async function voiceRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  const maxBytes = deps.config.maxBodyBytes ?? DEFAULT_MAX_BODY;
  twilioFormContext(app, deps, PROVIDER, maxBytes);
  app.post(
    '/v1/channels/voice/status',
    {
      config: { permission: 'public' },
      bodyLimit: maxBytes,
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Call status callback (Twilio StatusCallback)',
        description:
          'Public route: authenticated by X-Twilio-Signature (same scheme as SMS), not by an Omnilane key. Answered → conversation.started, completed → conversation.closed with duration_s, no-answer/busy/failed/canceled → missed.',
        tags: ['channels'],
        consumes: ['application/x-www-form-urlencoded'],
        body: CallForm,
        response: { 200: Type.String({ description: 'empty TwiML' }), 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 429: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const fields = await verifiedTwilioForm(deps, PROVIDER, req);
      const mapped = mapCallStatus(fields, deps.clock.now());
      if (!mapped.ok) throw await refuse(deps, PROVIDER, 'ING_ERR_BAD_PAYLOAD', mapped.reason, req.body as string, fields.CallSid, req.ip);
      await ingestMapped(deps, PROVIDER, mapped.events);
      return reply.type('text/xml').send(EMPTY_TWIML);
    },
  );
}
