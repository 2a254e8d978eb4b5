import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { CrmPort } from '../../stream/crm/crm-port.js';
import { INTENTS, type Intent, type IntentClassifier } from '../../stream/intent/intent-port.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import {
  contextKey,
  contextOf,
  checkLibrary,
  offerEndText,
  renderScript,
  STAGES,
  suggest,
  SUGGEST_TAGS,
  SuggestStore,
  VARIABLES,
  type RenderVars,
  type Script,
} from '../../stream/suggest/index.js';
import type { Principal } from '../auth/roles.js';
import { seeConversation } from '../routing/scope.js';
import { ErrorReply } from '../../shared/error-reply.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply };
const base = { tags: ['console'], security: [{ bearer: [] }] };
const lit = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));

const ScriptSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' }),
    lang: lit(['zh', 'en'] as const),
    tags: Type.Array(lit(SUGGEST_TAGS), { maxItems: SUGGEST_TAGS.length, description: 'customer tags it fits; empty: all' }),
    stages: Type.Array(lit(STAGES), { maxItems: STAGES.length, description: 'conversation stages it fits; empty: all' }),
    intents: Type.Array(lit(INTENTS), { maxItems: INTENTS.length, description: 'intents it fits; empty: all' }),
    text: Type.String({ minLength: 1, maxLength: 2000, description: `template; variables ${VARIABLES.map((v) => `{{${v}}}`).join(', ')}` }),
  },
  { additionalProperties: false },
);
const Library = Type.Object({ scripts: Type.Array(ScriptSchema, { maxItems: 1000 }) }, { additionalProperties: false });
const ContextReply = Type.Object({ tag: Type.String(), stage: Type.String(), intent: Type.String(), lang: Type.String() });

export interface SuggestionRoutesOptions {
  desk: RoutingDesk;
  clock: Clock;
  /** Intent of the customer's latest message (the context follows the customer as they write). */
  classifier: IntentClassifier;
  /** Customer name and product for the variables; absent, neutral wording is used. */
  crm?: CrmPort;
  /** How far ahead `{{offer_end}}` lies, ms (default 3 days). */
  offerMs?: number;
}

/**
 * Reply suggestions (docs/ai.md, Reply suggestions): the top three scripts for a conversation's context, the
 * "used" signal, and the script library for managers. Nothing here sends a message.
 */
export const suggestionRoutes: FastifyPluginAsyncTypebox<SuggestionRoutesOptions> = async (app, o) => {
  const { desk, clock } = o;
  const store = new SuggestStore(desk.o.state);
  const who = (p: Principal | undefined): Principal => p ?? { kind: 'key', keyId: 'none', role: 'ingest' };

  /** The conversation's context now: tag from the customer's words or routing, stage, latest intent and language. */
  const contextFor = async (id: string) => {
    const m = await desk.meta.get(id);
    const inbound = (m?.messages ?? []).filter((x) => x.direction === 'in').map((x) => x.text);
    const latest = inbound.at(-1) ?? m?.preview ?? '';
    const r = latest ? await o.classifier.classify(latest) : null;
    const intent: Intent = r?.intent ?? ((INTENTS as readonly string[]).includes(m?.intent ?? '') ? (m!.intent as Intent) : 'other');
    const ctx = contextOf({
      routingTag: m?.tag ?? 'normal',
      customerTexts: inbound.length ? inbound : [latest],
      agentReplies: (m?.messages ?? []).filter((x) => x.direction === 'out').length,
      intent,
      language: r?.language ?? 'unknown',
    });
    return { m, ctx };
  };

  const varsFor = async (m: Awaited<ReturnType<typeof desk.meta.get>>, lang: 'zh' | 'en'): Promise<RenderVars> => {
    const vars: RenderVars = { offer_end: offerEndText(clock.now() + (o.offerMs ?? 3 * 86_400_000), lang) };
    if (!o.crm || !m) return vars;
    // The CRM is a nicety here: when it fails, suggestions still come with neutral wording.
    const rec = await o.crm.lookup({ customer_id: m.customerKey, external_id: m.customer.external_id ?? null, identifiers: [] }).catch(() => null);
    const f = rec?.fields ?? {};
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    vars.name = str(f.name);
    vars.product = str(f.product) ?? rec?.orders?.[0]?.items?.[0];
    return vars;
  };

  app.get(
    '/v1/conversations/:id/suggestions',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Top three reply suggestions for the conversation now, rendered for the customer (records them as shown; sends nothing)',
        params: Id,
        response: {
          200: Type.Object({
            context: ContextReply,
            suggestions: Type.Array(Type.Object({ script_id: Type.String(), text: Type.String(), lang: Type.String() })),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      await seeConversation(desk, who(req.principal), req.params.id);
      const { m, ctx } = await contextFor(req.params.id);
      const key = contextKey(ctx);
      const [library, posteriors] = await Promise.all([store.library(), store.posteriors(key)]);
      const top = suggest(ctx, library, posteriors, desk.o.rng);
      await store.shown(
        req.params.id,
        key,
        top.map((t) => t.script.id),
      );
      const vars = await varsFor(m, ctx.lang);
      return {
        context: ctx,
        suggestions: top.map((t) => ({ script_id: t.script.id, lang: t.script.lang, text: renderScript(t.script.text, t.script.lang, vars) })),
      };
    },
  );

  app.post(
    '/v1/conversations/:id/suggestions/:script_id/used',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'The agent inserted a suggestion into the reply box (edited: changed it before sending); idempotent per conversation and script',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), script_id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          { edited: Type.Optional(Type.Boolean({ description: 'the agent changed the text before sending' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ recorded: Type.Boolean(), context: Type.String() }), ...errors },
      },
    },
    async (req) => {
      await seeConversation(desk, who(req.principal), req.params.id);
      const library = await store.library();
      if (!library.some((s) => s.id === req.params.script_id)) throw new OmnilaneError('API_ERR_NOT_FOUND', `no script ${req.params.script_id}`);
      const key = (await store.shownContext(req.params.id, req.params.script_id)) ?? contextKey((await contextFor(req.params.id)).ctx);
      const recorded = await store.used(req.params.id, key, req.params.script_id, req.body.edited === true);
      return { recorded, context: key };
    },
  );

  app.get(
    '/v1/suggestions/scripts',
    {
      config: { permission: 'routing:manage' },
      schema: { ...base, summary: 'The reply script library (the shipped demo library until one is saved)', response: { 200: Library, ...errors } },
    },
    async () => ({ scripts: await store.library() }),
  );

  app.put(
    '/v1/suggestions/scripts',
    {
      config: { permission: 'routing:manage' },
      schema: {
        ...base,
        summary: 'Replace the reply script library (ids unique, known variables only); learned posteriors are kept per script id',
        body: Library,
        response: { 200: Type.Object({ scripts: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const scripts = req.body.scripts as Script[];
      const r = checkLibrary(scripts);
      if (!r.ok) throw new OmnilaneError('API_ERR_VALIDATION', r.message);
      await store.saveLibrary(scripts);
      return { scripts: scripts.length };
    },
  );

  const ScriptId = Type.Object({ script_id: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' }) });

  app.put(
    '/v1/suggestions/scripts/:script_id',
    {
      config: { permission: 'routing:manage' },
      schema: {
        ...base,
        summary: 'Create or replace one script of the library (the console editor); the body id must equal the path id; its posteriors are kept',
        params: ScriptId,
        body: ScriptSchema,
        response: { 200: Type.Object({ script: ScriptSchema, created: Type.Boolean(), scripts: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const script = req.body;
      if (script.id !== req.params.script_id)
        throw new OmnilaneError('API_ERR_VALIDATION', `the body's id "${script.id}" is not the path's "${req.params.script_id}"`);
      const r = await store.putScript(script).catch((err: unknown) => {
        throw err instanceof RangeError ? new OmnilaneError('API_ERR_VALIDATION', err.message) : err;
      });
      return { script, ...r };
    },
  );

  app.delete(
    '/v1/suggestions/scripts/:script_id',
    {
      config: { permission: 'routing:manage' },
      schema: {
        ...base,
        summary: 'Delete one script of the library (its learned posteriors stay, unused)',
        params: ScriptId,
        response: { 200: Type.Object({ deleted: Type.Literal(true), scripts: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const left = await store.deleteScript(req.params.script_id);
      if (left === null) throw new OmnilaneError('API_ERR_NOT_FOUND', `no script ${req.params.script_id}`);
      return { deleted: true as const, scripts: left };
    },
  );
};
