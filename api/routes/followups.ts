import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { optOut, stopSequence } from '../../stream/followup/consent-actions.js';
import { parseFollowupConfig, type FollowupConfig } from '../../stream/followup/followup-config.js';
import type { FollowupStore } from '../../stream/followup/followup-store.js';
import { verifyUnsubscribe } from '../../stream/followup/unsubscribe-token.js';
import type { IdentityService } from '../../stream/identity/identity-service.js';
import type { Principal } from '../auth/roles.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { customerScope } from './customers-scope.js';
import { unsubscribePage } from './unsubscribe-page.js';

export interface FollowupRouteDeps {
  store: FollowupStore;
  /** The rules from FOLLOWUP_RULES_FILE (what applies while none were set over the API). */
  fileConfig: FollowupConfig;
  /** The unsubscribe-link secret (the same in every process). */
  secret: string;
  clock: Clock;
  /** For the board's follow-up panel; absent in a process without the api role. */
  warehouse?: Warehouse;
  identity?: IdentityService;
  /** Row scope by ownership (routing's customerVisible over the customer's merge family). */
  scope?: (principal: Principal, customerIds: string[]) => Promise<boolean>;
}

const SECURITY = [{ bearer: [] }];
const ERRORS = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply };
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'customer id, e.g. cus_42' }) });
const Iso = Type.String({ format: 'date-time' });
const iso = (ms: number) => new Date(ms).toISOString();

const StepRow = Type.Object({
  sequence_id: Type.String(),
  run: Type.Integer({ description: 'which sequence of the customer (1 = the first)' }),
  step: Type.Integer(),
  outcome: Type.Union([Type.Literal('sent'), Type.Literal('skipped'), Type.Literal('failed')]),
  channel: Type.Union([Type.String(), Type.Null()]),
  template: Type.String(),
  at: Iso,
});
const FollowupReply = Type.Object({
  customer_id: Type.String(),
  state: Type.Union(
    ['none', 'pending', 'active', 'stopped', 'done', 'idle'].map((s) => Type.Literal(s)),
    {
      description:
        'none: never a lead; pending: waiting for a rule to start; active: a sequence runs; stopped/done: the last one ended; idle: nothing will start until they write again',
    },
  ),
  sequence_id: Type.Union([Type.String(), Type.Null()]),
  rule_id: Type.Union([Type.String(), Type.Null()]),
  next_step: Type.Integer(),
  steps_total: Type.Integer(),
  next_at: Type.Union([Iso, Type.Null()], { description: 'when the timer fires next (a start check or the next step)' }),
  stop: Type.Union([Type.Object({ reason: Type.String(), at: Iso }), Type.Null()]),
  lead: Type.Union([
    Type.Object({ channel: Type.String(), intent: Type.String(), stage: Type.String(), lang: Type.String(), last_message_at: Iso }),
    Type.Null(),
  ]),
  history: Type.Array(StepRow),
  consent: Type.Array(Type.Object({ channel: Type.String(), state: Type.String(), at: Iso, source: Type.String() })),
});
const CancelReply = Type.Object({
  customer_id: Type.String(),
  stopped: Type.Boolean({ description: 'false when nothing was running or pending' }),
  state: Type.String(),
});
const Summary = Type.Object({
  window_minutes: Type.Integer(),
  sent: Type.Integer(),
  replied: Type.Integer(),
  converted: Type.Integer(),
  opted_out: Type.Integer({ description: 'consent opt-outs on any channel (consent.changed)' }),
  cancelled: Type.Integer(),
  completed: Type.Integer(),
  running: Type.Integer({ description: 'timers pending or active now' }),
});

/**
 * Follow-up over HTTP: a customer's sequence (see, cancel), the rules (read,
 * replace, reset to the file), the board's summary, and the public e-mail
 * unsubscribe link. Writes go to the state store; their events (followup.stopped,
 * consent.changed) go through the store's outbox, which the follow-up service
 * publishes, so a process without a bus serves these routes too.
 */
export const followupRoutes: FastifyPluginAsyncTypebox<FollowupRouteDeps> = async (app, d) => {
  const visible = customerScope({ identity: d.identity, scope: d.scope });
  const scoped = async (req: { principal?: Principal; params: unknown }) => {
    const id = (req.params as { id: string }).id;
    if (!(await visible(req.principal, id))) throw new OmnilaneError('API_ERR_NOT_FOUND', `no customer ${id}`);
  };
  const current = async (): Promise<{ source: 'file' | 'api'; config: FollowupConfig }> => {
    const json = await d.store.rulesOverride();
    if (json === null) return { source: 'file', config: d.fileConfig };
    try {
      return { source: 'api', config: parseFollowupConfig(JSON.parse(json)) };
    } catch {
      return { source: 'file', config: d.fileConfig };
    }
  };

  app.get(
    '/v1/customers/:id/followups',
    {
      config: { permission: 'followups:read' },
      preHandler: scoped,
      schema: {
        summary: "The customer's follow-up sequence: state, next step, what each step did, and consent per channel",
        tags: ['followup'],
        security: SECURITY,
        params: Id,
        response: { 200: FollowupReply, ...ERRORS },
      },
    },
    async (req) => {
      const id = req.params.id;
      const [v, consent, { config }] = await Promise.all([d.store.read(id), d.store.consent(id), current()]);
      const seq = config.sequences.find((s) => s.id === v.sequenceId);
      return {
        customer_id: id,
        state: v.state,
        sequence_id: v.sequenceId,
        rule_id: v.ruleId,
        next_step: v.step,
        steps_total: seq?.steps.length ?? 0,
        next_at: v.due === null ? null : iso(v.due),
        stop: v.stop ? { reason: v.stop.reason, at: iso(v.stop.at) } : null,
        lead: v.lead ? { channel: v.lead.channel, intent: v.lead.intent, stage: v.lead.stage, lang: v.lead.lang, last_message_at: iso(v.lead.lastAt) } : null,
        history: v.history.map((h) => ({
          sequence_id: h.sequence_id,
          run: h.gen,
          step: h.step,
          outcome: h.outcome,
          channel: h.channel,
          template: h.template,
          at: iso(h.at),
        })),
        consent: consent.map((c) => ({ channel: c.channel, state: c.state, at: iso(c.at), source: c.source })),
      };
    },
  );

  app.delete(
    '/v1/customers/:id/followups',
    {
      config: { permission: 'followups:cancel' },
      preHandler: scoped,
      schema: {
        summary: "Cancels the customer's running sequence (or its pending start); idempotent",
        tags: ['followup'],
        security: SECURITY,
        params: Id,
        response: { 200: CancelReply, ...ERRORS },
      },
    },
    async (req) => {
      const id = req.params.id;
      const by = req.principal?.agentId ?? req.principal?.keyId;
      const events = await stopSequence(d.store, { customerId: id, reason: 'cancelled', now: d.clock.now(), mode: 'any', by });
      await d.store.toOutbox(events);
      return { customer_id: id, stopped: events.length > 0, state: (await d.store.read(id)).state };
    },
  );

  app.get(
    '/v1/followups/rules',
    {
      config: { permission: 'followups:rules' },
      schema: {
        summary: 'The follow-up rules, sequences and templates in force, and where they come from',
        tags: ['followup'],
        security: SECURITY,
        response: { 200: Type.Object({ source: Type.String(), rules: Type.Unknown() }), ...ERRORS },
      },
    },
    async () => {
      const c = await current();
      return { source: c.source, rules: c.config };
    },
  );

  app.put(
    '/v1/followups/rules',
    {
      config: { permission: 'followups:configure' },
      schema: {
        summary: 'Replaces the follow-up rules for every process (validated whole: 400 FOLLOWUP_ERR_BAD_RULES names the bad field)',
        tags: ['followup'],
        security: SECURITY,
        body: Type.Unknown(),
        response: { 200: Type.Object({ source: Type.String(), rules: Type.Unknown() }), ...ERRORS },
      },
    },
    async (req) => {
      const cfg = parseFollowupConfig(req.body, 'body');
      await d.store.setRulesOverride(JSON.stringify(cfg));
      return { source: 'api', rules: cfg };
    },
  );

  app.delete(
    '/v1/followups/rules',
    {
      config: { permission: 'followups:configure' },
      schema: {
        summary: 'Forgets the rules set over the API: FOLLOWUP_RULES_FILE applies again',
        tags: ['followup'],
        security: SECURITY,
        response: { 200: Type.Object({ source: Type.String(), rules: Type.Unknown() }), ...ERRORS },
      },
    },
    async () => {
      await d.store.setRulesOverride(null);
      return { source: 'file', rules: d.fileConfig };
    },
  );

  const warehouse = d.warehouse;
  if (warehouse) {
    app.get(
      '/v1/followups/summary',
      {
        config: { permission: 'metrics:read' },
        schema: {
          summary: "The board's follow-up panel: messages sent, sequences stopped by a reply or a conversion, opt-outs, over the last N minutes",
          tags: ['followup'],
          security: SECURITY,
          querystring: Type.Object({ minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 * 24 * 90, default: 1440 })) }),
          response: { 200: Summary, ...ERRORS },
        },
      },
      async (req) => {
        const minutes = req.query.minutes ?? 1440;
        const to = d.clock.now() + 60_000;
        const [row] = await warehouse.query<Record<string, number | string>>('followup_summary', { from_ms: to - minutes * 60_000, to_ms: to });
        const n = (k: string) => Number(row?.[k] ?? 0);
        return {
          window_minutes: minutes,
          sent: n('sent'),
          replied: n('replied'),
          converted: n('converted'),
          opted_out: n('opted_out'),
          cancelled: n('cancelled'),
          completed: n('completed'),
          running: await d.store.liveCount(),
        };
      },
    );
  }

  // Public by design: the link in a follow-up e-mail (List-Unsubscribe), signed; GET shows the page, POST is RFC 8058 one-click.
  const Token = Type.Object({
    token: Type.String({ minLength: 10, maxLength: 1024 }),
    lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
  });
  const unsubscribe = async (token: string) => {
    const claim = verifyUnsubscribe(d.secret, token);
    if (!claim) throw new OmnilaneError('FOLLOWUP_ERR_BAD_TOKEN', 'this unsubscribe link is not valid');
    const now = d.clock.now();
    const lead = (await d.store.read(claim.customerId)).lead;
    await d.store.toOutbox(
      await optOut(d.store, { customerId: claim.customerId, customer: lead?.customer ?? null, channel: claim.channel, at: now, source: 'email_link', now }),
    );
    return lead?.lang ?? 'zh';
  };
  app.get(
    '/v1/followups/unsubscribe',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'The e-mail unsubscribe link (signed token): opts the customer out of e-mail and shows a page',
        tags: ['followup'],
        querystring: Token,
        response: { 200: Type.String({ description: 'an HTML page' }), 400: ErrorReply },
      },
    },
    async (req, reply) => {
      const lang = await unsubscribe(req.query.token);
      return reply.type('text/html; charset=utf-8').send(unsubscribePage(req.query.lang ?? lang));
    },
  );
  app.post(
    '/v1/followups/unsubscribe',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'One-click unsubscribe (RFC 8058 List-Unsubscribe-Post)',
        tags: ['followup'],
        querystring: Token,
        response: { 200: Type.Object({ unsubscribed: Type.Boolean() }), 400: ErrorReply },
      },
    },
    async (req) => {
      await unsubscribe(req.query.token);
      return { unsubscribed: true };
    },
  );
};
