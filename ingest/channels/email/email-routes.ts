import { createHmac } from 'node:crypto';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorReply } from '../../../shared/error-reply.js';
import { normaliseEmail, type EventInput } from '../../../shared/envelope.js';
import { OmnilaneError } from '../../../shared/errors.js';
import { DEFAULT_MAX_BODY, fitId, guardChannel, ingestMapped, refuse, safeEqual, type ChannelDeps } from '../common.js';
import { messageIds, parseHeaderBlock, threadEmail } from './email-thread.js';

const PROVIDER = 'email';
const MAX_TEXT = 32 * 1024;

/** Mailgun's webhook signature: hex HMAC-SHA256 of timestamp + token with the signing key. */
export function emailSignature(key: string, timestamp: string, token: string): string {
  return createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
}

/** Reads every form field; files (attachments) are drained and counted, never kept. */
async function readForm(req: FastifyRequest): Promise<{ fields: Record<string, string>; attachments: Array<{ filename: string; type: string }> }> {
  const fields: Record<string, string> = {};
  const attachments: Array<{ filename: string; type: string }> = [];
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      attachments.push({ filename: part.filename, type: part.mimetype });
      await part.toBuffer();
      if (part.file.truncated) throw new OmnilaneError('ING_ERR_BODY_TOO_LARGE', `attachment ${part.filename} is over the size limit`);
    } else {
      if (part.valueTruncated) throw new OmnilaneError('ING_ERR_BODY_TOO_LARGE', `field ${part.fieldname} is over the size limit`);
      if (!(part.fieldname in fields)) fields[part.fieldname] = String(part.value);
    }
  }
  return { fields, attachments };
}

const address = (v: string | undefined) => normaliseEmail((v ?? '').match(/<([^<>]+)>/)?.[1] ?? (v ?? '').split(',')[0] ?? '');

/** POST /v1/channels/email/inbound: SendGrid Inbound Parse / Mailgun routes (multipart). */
export async function emailRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  const maxBytes = (deps.config.maxBodyBytes ?? DEFAULT_MAX_BODY) * 40;
  await app.register(multipart, { limits: { fieldSize: 2 * 1024 * 1024, fileSize: maxBytes, fields: 200, files: 50, parts: 300 } });
  guardChannel(app, deps, { provider: PROVIDER, maxBytes, disabledReason: () => (deps.config.emailSigningKey ? null : 'set EMAIL_WEBHOOK_SIGNING_KEY') });
  app.post(
    '/v1/channels/email/inbound',
    {
      config: { permission: 'public' },
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Inbound email (multipart: from, to, subject, text, html, headers; SendGrid or Mailgun field names)',
        description:
          'Public route: authenticated by the Mailgun-style form fields timestamp, token and signature = hex HMAC-SHA256(timestamp+token, EMAIL_WEBHOOK_SIGNING_KEY), not by an Omnilane key. Threaded by Message-ID, In-Reply-To and References.',
        tags: ['channels'],
        consumes: ['multipart/form-data'],
        body: Type.Object(
          {
            from: Type.String(),
            to: Type.Optional(Type.String()),
            subject: Type.Optional(Type.String()),
            text: Type.Optional(Type.String()),
            html: Type.Optional(Type.String()),
            headers: Type.Optional(Type.String()),
            timestamp: Type.String(),
            token: Type.String(),
            signature: Type.String(),
          },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer(), conversation_id: Type.String() }),
          400: ErrorReply,
          401: ErrorReply,
          413: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new OmnilaneError('ING_ERR_BAD_PAYLOAD', 'Content-Type must be multipart/form-data');
      let form: Awaited<ReturnType<typeof readForm>>;
      try {
        form = await readForm(req);
      } catch (err) {
        if (err instanceof OmnilaneError) throw err;
        const e = err as { statusCode?: number; message?: string };
        if (e.statusCode === 413) throw new OmnilaneError('ING_ERR_BODY_TOO_LARGE', e.message ?? 'body too large');
        throw new OmnilaneError('ING_ERR_BAD_PAYLOAD', `multipart body could not be read: ${e.message ?? 'unknown'}`);
      }
      const f = form.fields;
      const kept = () => JSON.stringify({ ...f, text: f.text?.slice(0, 4096), html: undefined, attachments: form.attachments });
      const sig = f.signature ?? '';
      if (!f.timestamp || !f.token || !safeEqual(sig, emailSignature(deps.config.emailSigningKey!, f.timestamp, f.token))) {
        throw await refuse(
          deps,
          PROVIDER,
          'ING_ERR_BAD_SIGNATURE',
          'timestamp/token/signature fields are missing or do not match (check EMAIL_WEBHOOK_SIGNING_KEY)',
          kept(),
          undefined,
          req.ip,
        );
      }
      const h = parseHeaderBlock(f.headers ?? '');
      if (f['message-headers']) {
        try {
          for (const [k, v] of JSON.parse(f['message-headers']) as Array<[string, string]>) h[k.toLowerCase()] ??= v;
        } catch {
          /* Mailgun's JSON headers are optional; the plain fields below still apply. */
        }
      }
      const from = address(f.from ?? f.sender ?? h.from);
      const messageId = messageIds(f['Message-Id'] ?? h['message-id'])[0];
      if (!from || !messageId)
        throw await refuse(
          deps,
          PROVIDER,
          'ING_ERR_BAD_PAYLOAD',
          !from ? 'from is missing or not an address' : 'the Message-ID header is missing',
          kept(),
          undefined,
          req.ip,
        );
      const thread = await threadEmail(deps.state, deps.config.emailThreadTtlMs, {
        messageId,
        inReplyTo: messageIds(f['In-Reply-To'] ?? h['in-reply-to']),
        references: messageIds(f.References ?? h.references),
      });
      const now = deps.clock.now();
      const dated = Date.parse(h.date ?? '');
      const at = Number.isNaN(dated) || dated > now ? now : dated;
      const base = { channel: 'email', customer: { email: from, channel_ids: { email: from } }, conversation_id: thread.conversationId };
      const events: EventInput[] = [];
      if (thread.isNew)
        events.push({ ...base, id: fitId(`${messageId}:start`), type: 'conversation.started', occurred_at: at, properties: { provider: 'inbound_parse' } });
      events.push({
        ...base,
        id: fitId(messageId),
        type: 'message.received',
        occurred_at: at,
        properties: {
          provider: 'inbound_parse',
          direction: 'inbound',
          message_id: messageId,
          subject: f.subject ?? h.subject ?? '',
          text: (f.text ?? f['body-plain'] ?? '').slice(0, MAX_TEXT),
          has_html: Boolean(f.html ?? f['body-html']),
          to: f.to ?? f.recipient ?? null,
          ...(form.attachments.length ? { attachments: form.attachments } : {}),
        },
      });
      const r = await ingestMapped(deps, PROVIDER, events);
      return reply.send({ accepted: r.accepted, duplicates: r.duplicates, conversation_id: thread.conversationId });
    },
  );
}
