import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import { INTENTS, type IntentClassifier } from '../../stream/intent/intent-port.js';
import { agreementReport, type LabelStore } from '../../stream/labels/index.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { actingAs, type Principal } from '../auth/roles.js';
import { seeConversation } from '../routing/scope.js';
import { ErrorReply } from '../../shared/error-reply.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply };
const base = { tags: ['console'], security: [{ bearer: [] }] };
const IntentSchema = Type.Union(
  INTENTS.map((x) => Type.Literal(x)),
  { description: 'one of the nine intents (docs/ai.md)' },
);
const Counts = Type.Object({ model: Type.Integer(), agent: Type.Integer(), agreed: Type.Integer() });

export interface LabelRoutesOptions {
  desk: RoutingDesk;
  clock: Clock;
  labels: LabelStore;
  /** The model whose prediction is stored beside each correction. */
  classifier: IntentClassifier;
}

/**
 * The labelling loop (docs/ai.md, Correcting labels): agents correct a conversation's intent or judge a bot
 * answer; the text stored is always the server's copy of the message, never the client's.
 */
export const labelRoutes: FastifyPluginAsyncTypebox<LabelRoutesOptions> = async (app, o) => {
  const { desk, clock, labels } = o;
  const who = (p: Principal | undefined): Principal => p ?? { kind: 'key', keyId: 'none', role: 'ingest' };
  /** Agents label only conversations they hold; managers their teams' (seeConversation), admins any. */
  const owned = async (p: Principal, id: string) => {
    const cs = await seeConversation(desk, p, id);
    if (p.role === 'agent' && cs.agent !== p.agentId)
      throw new OmnilaneError('API_ERR_FORBIDDEN', 'only the agent holding the conversation (or a manager) may label it');
    const m = await desk.meta.get(id);
    if (!m) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} not found`);
    return m;
  };

  app.post(
    '/v1/conversations/:id/intent',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary:
          "Correct the conversation's intent: stores the message (server-side text) with the agent's label and the model's prediction, and updates the shown intent",
        params: Id,
        body: Type.Object(
          {
            intent: IntentSchema,
            message_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the customer message corrected; default the latest one' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            intent: Type.String(),
            model_intent: Type.String(),
            model_confidence: Type.Number(),
            message_id: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = who(req.principal);
      const m = await owned(p, req.params.id);
      const inbound = m.messages.filter((x) => x.direction === 'in' && x.text);
      const msg = req.body.message_id ? m.messages.find((x) => x.id === req.body.message_id) : inbound.at(-1);
      if (req.body.message_id && !msg) throw new OmnilaneError('API_ERR_NOT_FOUND', `no message ${req.body.message_id} in conversation ${req.params.id}`);
      if (msg && msg.direction !== 'in') throw new OmnilaneError('API_ERR_VALIDATION', 'only a customer message carries an intent');
      const text = msg?.text || m.preview;
      if (!text.trim()) throw new OmnilaneError('API_ERR_VALIDATION', 'the conversation has no customer text to label');
      const intent = req.body.intent;
      const r = await o.classifier.classify(text);
      const model_confidence = Math.round(r.confidence * 1e4) / 1e4;
      await labels.addIntentCorrection({
        text,
        intent,
        agent_id: actingAs(p),
        at: new Date(clock.now()).toISOString(),
        model_intent: r.intent,
        model_confidence,
        conversation_id: req.params.id,
        message_id: msg?.id ?? null,
      });
      // Display only: a later re-triage on the customer's words may set it again (docs/ai.md).
      await desk.meta.put({ ...m, intent });
      return { intent, model_intent: r.intent, model_confidence, message_id: msg?.id ?? null };
    },
  );

  app.post(
    '/v1/conversations/:id/bot-feedback',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Mark an FAQ-bot answer in the conversation wrong (or right), with an optional note',
        params: Id,
        body: Type.Object(
          {
            message_id: Type.String({ minLength: 1, maxLength: 256 }),
            verdict: Type.Union([Type.Literal('wrong'), Type.Literal('right')]),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ recorded: Type.Literal(true) }), ...errors },
      },
    },
    async (req) => {
      const p = who(req.principal);
      const m = await owned(p, req.params.id);
      const i = m.messages.findIndex((x) => x.id === req.body.message_id);
      const msg = m.messages[i];
      if (!msg) throw new OmnilaneError('API_ERR_NOT_FOUND', `no message ${req.body.message_id} in conversation ${req.params.id}`);
      if (!msg.bot) throw new OmnilaneError('API_ERR_VALIDATION', 'not a bot answer');
      const question =
        m.messages
          .slice(0, i)
          .filter((x) => x.direction === 'in')
          .at(-1)?.text ?? null;
      await labels.addBotFeedback({
        conversation_id: req.params.id,
        message_id: msg.id,
        verdict: req.body.verdict,
        note: req.body.note?.trim() || null,
        answer: msg.text,
        question,
        agent_id: actingAs(p),
        at: new Date(clock.now()).toISOString(),
      });
      return { recorded: true as const };
    },
  );

  app.get(
    '/v1/labels/intent/agreement',
    {
      config: { permission: 'labels:report' },
      schema: {
        ...base,
        tags: ['ai'],
        summary: "How often agents agreed with the model's intent: rate, confusion (model × agent) and counts per intent; bot verdicts",
        response: {
          200: Type.Object({
            n: Type.Integer(),
            agreed: Type.Integer(),
            rate: Type.Union([Type.Number(), Type.Null()]),
            confusion: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), { description: 'confusion[model][agent]' }),
            per_intent: Type.Record(Type.String(), Counts),
            skipped: Type.Integer(),
            bot: Type.Object({ wrong: Type.Integer(), right: Type.Integer() }),
          }),
          ...errors,
        },
      },
    },
    async () => {
      const r = agreementReport(await labels.intentCorrections(), await labels.botFeedback());
      return { n: r.n, agreed: r.agreed, rate: r.rate, confusion: r.confusion, per_intent: r.perIntent, skipped: r.skipped, bot: r.bot };
    },
  );
};
