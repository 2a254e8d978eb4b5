import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { OmnilaneError } from '../../shared/errors.js';
import { projectRoot } from '../../shared/paths.js';
import { isTimeZone } from '../../shared/time-zone.js';

/**
 * Follow-up rules, sequences and templates (docs/follow-up.md): one JSON
 * document, from FOLLOWUP_RULES_FILE (default: the shipped zh/en example, or
 * the demo one under `--demo`) or `PUT /v1/followups/rules`. Validated as a
 * whole (schema, then cross-references), so a bad document is refused before
 * anything runs on it.
 */
const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, local time of the customer' });
const Strings = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 });
const Text = Type.Object(
  { subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), text: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const FollowupConfigSchema = Type.Object(
  {
    /** Local hours in which nothing is sent; a send due then waits for `end`. Null: none. */
    quiet_hours: Type.Union([Type.Object({ start: TimeOfDay, end: TimeOfDay }, { additionalProperties: false }), Type.Null()]),
    /** At most `max` follow-up messages per customer within any `per_hours` (all sequences, all channels). */
    frequency_cap: Type.Object(
      { max: Type.Integer({ minimum: 1, maximum: 100 }), per_hours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 90 }) },
      { additionalProperties: false },
    ),
    /** Links templates may name: {product_guide_url}, {customer_case_url}; per intent, with `default`. */
    links: Type.Record(
      Type.String({ pattern: '^[a-z_]{1,32}$' }),
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ pattern: '^https?://', maxLength: 500 })),
    ),
    rules: Type.Array(
      Type.Object(
        {
          id: Id,
          /** Every listed condition must hold; an empty or absent list matches anything. */
          when: Type.Object(
            {
              intents: Type.Optional(Strings),
              tags: Type.Optional(Strings),
              stages: Type.Optional(Type.Array(Type.Union([Type.Literal('inquiry'), Type.Literal('closed'), Type.Literal('lost')]))),
              channels: Type.Optional(Strings),
              /** Minutes since the lead's last message (either side) before the sequence starts. */
              idle_minutes: Type.Number({ minimum: 0, maximum: 60 * 24 * 90 }),
            },
            { additionalProperties: false },
          ),
          sequence: Id,
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    sequences: Type.Array(
      Type.Object(
        {
          id: Id,
          steps: Type.Array(
            Type.Object(
              {
                /** Minutes after the previous step (the first: after the start). */
                wait_minutes: Type.Number({ minimum: 0, maximum: 60 * 24 * 90 }),
                /** Channels in order of preference; `same` is the lead's channel. The first with an address and consent is used. */
                channels: Type.Array(
                  Type.Union([Type.Literal('same'), Type.Literal('email'), Type.Literal('sms'), Type.Literal('whatsapp'), Type.Literal('wechat')]),
                  { minItems: 1, maxItems: 5 },
                ),
                template: Id,
              },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 20 },
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    /** Template id → language → text (and an e-mail subject). Variables: docs/follow-up.md. */
    templates: Type.Record(Id, Type.Object({ zh: Text, en: Text }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type FollowupConfig = Static<typeof FollowupConfigSchema>;
export type FollowupRule = FollowupConfig['rules'][number];
export type FollowupSequence = FollowupConfig['sequences'][number];
export type FollowupStep = FollowupSequence['steps'][number];
export type StepChannel = FollowupStep['channels'][number];

const check = TypeCompiler.Compile(FollowupConfigSchema);
const bad = (where: string, msg: string) => new OmnilaneError('FOLLOWUP_ERR_BAD_RULES', `${where}: ${msg}`);

/** Validates a parsed document; throws FOLLOWUP_ERR_BAD_RULES naming the first bad field. */
export function parseFollowupConfig(doc: unknown, where = 'follow-up rules'): FollowupConfig {
  if (!check.Check(doc)) {
    const e = check.Errors(doc).First();
    throw bad(where, `${e?.path || '/'} ${e?.message ?? 'is invalid'}`);
  }
  const c = doc;
  const seqs = new Set<string>();
  for (const s of c.sequences) {
    if (seqs.has(s.id)) throw bad(where, `sequence ${s.id} is defined twice`);
    seqs.add(s.id);
    for (const [i, step] of s.steps.entries())
      if (!c.templates[step.template]) throw bad(where, `sequence ${s.id} step ${i} names unknown template ${step.template}`);
  }
  const rules = new Set<string>();
  for (const r of c.rules) {
    if (rules.has(r.id)) throw bad(where, `rule ${r.id} is defined twice`);
    rules.add(r.id);
    if (!seqs.has(r.sequence)) throw bad(where, `rule ${r.id} names unknown sequence ${r.sequence}`);
  }
  return c;
}

/** Reads and validates a rules file. */
export function loadFollowupConfig(path: string): FollowupConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OmnilaneError('FOLLOWUP_ERR_BAD_RULES', `${path}: cannot be read (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new OmnilaneError('FOLLOWUP_ERR_BAD_RULES', `${path}: not JSON (${(err as Error).message})`);
  }
  return parseFollowupConfig(doc, path);
}

/** The shipped rule files: `example` (realistic waits, quiet hours) and `demo` (minutes, for `npm start`). */
export function shippedRulesPath(kind: 'example' | 'demo'): string {
  return join(projectRoot(), 'stream', 'followup', 'rules', `${kind}.json`);
}

/** A valid IANA zone or the fallback. */
export function zoneOr(tz: unknown, fallback: string): string {
  return typeof tz === 'string' && tz.length <= 64 && isTimeZone(tz) ? tz : fallback;
}
