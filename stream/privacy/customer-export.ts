import type { CustomerInput } from '../../shared/envelope.js';
import type { PersonalData } from '../../shared/privacy/personal-data.js';
import { openEventRows, readableIdentifiers } from './open-rows.js';
import type { Clock } from '../../shared/clock.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { FollowupStore } from '../followup/followup-store.js';
import type { CustomerIdentity, IdentityService } from '../identity/identity-service.js';
import { toCsv, type CsvValue } from './csv.js';

/** One table of the export: where its rows came from, how many, the rows as JSON and the same rows as CSV. */
export interface ExportSection {
  name: string;
  /** The store and table (or named query) the rows were read from, in words a reader can check. */
  source: string;
  rows: number;
  columns: string[];
  data: Array<Record<string, CsvValue>>;
  /** RFC 4180 CSV of `data` (header line first): empty and null cells both print as an empty field. */
  csv: string;
  /** Set when this process could not read the source (the section is then empty, not "nothing held"). */
  unavailable?: string;
}

/** Everything Omnilane holds about one customer, as one JSON document (docs/privacy.md, "Export"). */
export interface CustomerExport {
  format: 'omnilane.customer-export/1';
  /** The customer (the survivor when the asked-for id was merged into another). */
  customer_id: string;
  requested_id: string;
  /** The customer and every id merged into it: the keys the warehouse rows were selected by. */
  customer_ids: string[];
  generated_at: string;
  sections: ExportSection[];
}

export interface CustomerExportSources {
  warehouse: Pick<Warehouse, 'query'>;
  clock: Clock;
  /** The identity graph; absent (no state store in this process) only the asked-for id is exported. */
  identity?: Pick<IdentityService, 'profile' | 'plainIdentifiersOf'>;
  /** Opens sealed personal fields for the archive (the person gets their own data readable); absent: rows as stored. */
  personal?: Pick<PersonalData, 'openEvents' | 'encrypted' | 'blind'>;
  /** Follow-up timers and consent (state store); absent, those sections say they were not available. */
  followups?: Pick<FollowupStore, 'read' | 'consent'>;
}

type Row = Record<string, unknown>;

// 64-bit integers come back from ClickHouse as strings: these columns are numbers in both engines' exports.
const INTEGER_COLUMNS = new Set([
  'urgent',
  'priority',
  'version',
  'sla_met',
  'messages_in',
  'messages_out',
  'complaint',
  'nps',
  'seq',
  'status',
  'step',
  'run',
]);
const cell = (column: string, v: unknown): CsvValue => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && (column.endsWith('_ms') || INTEGER_COLUMNS.has(column)) && /^-?\d+$/.test(v)) return Number(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

function section(name: string, source: string, columns: string[], rows: Row[], unavailable?: string): ExportSection {
  const data = rows.map((r) => Object.fromEntries(columns.map((c) => [c, cell(c, r[c])])));
  return { name, source, rows: data.length, columns, data, csv: toCsv(columns, data), ...(unavailable ? { unavailable } : {}) };
}

const EVENT_COLUMNS = [
  'producer',
  'id',
  'type',
  'channel',
  'occurred_at_ms',
  'received_at_ms',
  'customer_key',
  'conversation_id',
  'agent_id',
  'customer',
  'properties',
];
/** Routing decisions that reached the log: assignments (with transfers). Offers live only in the routing state and expire. */
const ROUTING_TYPES = new Set(['conversation.assigned']);
const AUDIT_PAGE = 1000;

/** What `discoverCustomer` found: the customer's ids, their warehouse rows by table, and their conversations. */
export interface CustomerDiscovery {
  profile: CustomerIdentity | null;
  /** The customer (the survivor when the asked-for id was merged into another). */
  id: string;
  /** The customer and every id merged into it: the keys warehouse rows are selected by. */
  ids: string[];
  /** `ids` and the asked-for id (identity rows may name an id that was merged away). */
  idsAsked: string[];
  merges: Row[];
  events: Row[];
  sessions: Row[];
  facts: Row[];
  deals: Row[];
  /** Every conversation id the events, facts, deals and sessions name, sorted. */
  conversations: string[];
}

/**
 * Finds one customer's ids (following merges in the identity graph) and the warehouse rows that name them or their
 * conversations: the discovery both the export and the erasure (customer-erasure.ts) work from. Reads only. Null when
 * nothing at all is held under that id.
 */
export async function discoverCustomer(
  src: Pick<CustomerExportSources, 'warehouse'> & { identity?: Pick<IdentityService, 'profile'> },
  requestedId: string,
): Promise<CustomerDiscovery | null> {
  const { warehouse } = src;
  const profile = src.identity ? await src.identity.profile(requestedId) : null;
  const id = profile?.id ?? requestedId;
  const ids = profile ? [profile.id, ...profile.merged] : [requestedId];
  const idsAsked = [...new Set([...ids, requestedId])];

  const [merges, events, sessions, facts, deals] = await Promise.all([
    warehouse.query<Row>('identity_merges_for', { ids: idsAsked }),
    warehouse.query<Row>('events_of_customers', { keys: ids }),
    warehouse.query<Row>('customer_sessions', { ids }),
    warehouse.query<Row>('customer_conversation_facts', { keys: ids }),
    warehouse.query<Row>('customer_deal_facts', { keys: ids }),
  ]);
  if (!profile && merges.length + events.length + sessions.length + facts.length + deals.length === 0) return null;

  const conversations = new Set<string>();
  const add = (c: unknown) => void (typeof c === 'string' && c !== '' && conversations.add(c));
  for (const e of events) add(e.conversation_id);
  for (const f of facts) add(f.conversation_id);
  for (const d of deals) add(d.conversation_id);
  for (const s of sessions) {
    try {
      for (const c of JSON.parse(String(s.conversation_ids)) as unknown[]) add(c);
    } catch {
      // a session without a readable id list still has its own id
    }
  }
  return { profile, id, ids, idsAsked, merges, events, sessions, facts, deals, conversations: [...conversations].sort() };
}

/**
 * Collects the data-subject export of `requestedId` (GDPR art. 15, CCPA right to know, PIPL art. 45): the identity
 * graph's profile and identifiers, identity decisions, every event (messages included) and session, the KPI facts
 * of their conversations and deals, routing history, follow-up state and consent, and audit entries naming them.
 * Reads only. Null when nothing at all is held under that id (unknown customer).
 */
export async function exportCustomer(src: CustomerExportSources, requestedId: string): Promise<CustomerExport | null> {
  const found = await discoverCustomer(src, requestedId);
  if (!found) return null;
  const { warehouse } = src;
  const { profile, id, ids, merges, sessions, facts, deals, conversations } = found;
  const events = src.personal ? await openEventRows(found.events, src.personal) : found.events;
  const responses = conversations.length > 0 ? await warehouse.query<Row>('response_times_of_conversations', { conversations }) : [];
  const audit = await auditEntries(src, ids);

  const identityNote = src.identity ? undefined : 'this process has no identity graph (no state store): only the asked-for id was looked up';
  const profileRows: Row[] = profile
    ? [
        {
          customer_id: profile.id,
          requested_id: requestedId,
          external_id: profile.external_id,
          created_at_ms: profile.created_at,
          merged: JSON.stringify(profile.merged),
        },
      ]
    : [];
  const identifiers =
    profile && src.personal?.encrypted && src.identity
      ? readableIdentifiers(
          profile.identifiers,
          events.map((e) => JSON.parse(String(e.customer)) as CustomerInput),
          (c) => src.identity!.plainIdentifiersOf(c),
          (i) => src.personal!.blind(i),
        )
      : (profile?.identifiers ?? []);
  const identifierRows: Row[] = profile ? identifiers.map((identifier) => ({ customer_id: profile.id, identifier })) : [];
  const followups = await followupSections(src, ids);

  return {
    format: 'omnilane.customer-export/1',
    customer_id: id,
    requested_id: requestedId,
    customer_ids: ids,
    generated_at: new Date(src.clock.now()).toISOString(),
    sections: [
      section(
        'profile',
        'identity graph (state store: idn:c, idn:a of the customer)',
        ['customer_id', 'requested_id', 'external_id', 'created_at_ms', 'merged'],
        profileRows,
        identityNote,
      ),
      section(
        'identifiers',
        'identity graph (state store: idn:m of the customer): e-mails, phones, channel ids, external and anonymous ids',
        ['customer_id', 'identifier'],
        identifierRows,
        identityNote,
      ),
      section(
        'identity_merges',
        'warehouse table identity_merges (named query identity_merges_for): merges, refused merges and splits',
        ['merge_id', 'kind', 'customer_id', 'other_id', 'identifiers', 'evidence', 'reason', 'event_ref', 'merged_at_ms'],
        merges,
      ),
      section('events', 'warehouse table events (named query events_of_customers): every event of the customer ids, messages included', EVENT_COLUMNS, events),
      section(
        'conversations',
        'warehouse table conversations (named query customer_sessions): conversation sessions',
        [
          'id',
          'customer_id',
          'conversation_ids',
          'channels',
          'last_channel',
          'started_at_ms',
          'last_event_at_ms',
          'last_agent',
          'intent',
          'tags',
          'urgent',
          'priority',
          'status',
          'version',
        ],
        sessions,
      ),
      section(
        'conversation_facts',
        'warehouse table conversation_facts (named query customer_conversation_facts): KPI facts per conversation',
        [
          'conversation_id',
          'customer_key',
          'channel',
          'source',
          'team',
          'agent',
          'tag',
          'started_at_ms',
          'last_event_at_ms',
          'first_response_at_ms',
          'first_response_ms',
          'assigned_at_ms',
          'wait_ms',
          'sla_due_at_ms',
          'sla_met',
          'closed_at_ms',
          'duration_ms',
          'outcome',
          'messages_in',
          'messages_out',
          'complaint',
          'csat',
          'nps',
          'version',
        ],
        facts,
      ),
      section(
        'response_times',
        'warehouse table response_times (named query response_times_of_conversations) of the conversations above',
        ['conversation_id', 'reply_id', 'replied_at_ms', 'inbound_at_ms', 'response_ms', 'channel', 'source', 'team', 'agent', 'tag', 'version'],
        responses,
      ),
      section(
        'deal_facts',
        'warehouse table deal_facts (named query customer_deal_facts): won deals',
        [
          'deal_id',
          'customer_key',
          'conversation_id',
          'won_at_ms',
          'value',
          'first_touch_at_ms',
          'cycle_ms',
          'channel',
          'source',
          'team',
          'agent',
          'tag',
          'version',
        ],
        deals,
      ),
      section(
        'routing_history',
        'warehouse table events, type conversation.assigned (assignments and transfers; the same rows are also in events)',
        EVENT_COLUMNS,
        events.filter((e) => ROUTING_TYPES.has(String(e.type))),
      ),
      ...followups,
      section(
        'audit',
        'warehouse table audit_log (named query audit_search by customer): who read or changed their data',
        ['seq', 'at_ms', 'actor', 'action', 'target', 'customer_id', 'ip', 'status', 'before', 'after', 'prev_hash', 'hash', 'signature'],
        audit,
      ),
    ],
  };
}

/** Every audit entry naming one of `ids`, oldest first (the named query pages newest first). */
async function auditEntries(src: CustomerExportSources, ids: string[]): Promise<Row[]> {
  const out: Row[] = [];
  for (const customer of ids) {
    for (let offset = 0; ; offset += AUDIT_PAGE) {
      const page = await src.warehouse.query<Row>('audit_search', {
        actor: '',
        actor_json: '',
        action: '',
        customer,
        from_ms: 0,
        to_ms: src.clock.now() + 1,
        limit: AUDIT_PAGE,
        offset,
      });
      out.push(...page);
      if (page.length < AUDIT_PAGE) break;
    }
  }
  return out.sort((a, b) => Number(a.seq) - Number(b.seq));
}

/** The follow-up timer, its steps and consent of each id, from the state store. */
async function followupSections(src: CustomerExportSources, ids: string[]): Promise<ExportSection[]> {
  const timerCols = ['customer_id', 'state', 'sequence_id', 'rule_id', 'step', 'due_ms', 'stop_reason', 'stop_at_ms', 'lead'];
  const stepCols = ['customer_id', 'sequence_id', 'run', 'step', 'outcome', 'channel', 'template', 'at_ms', 'key', 'provider_id'];
  const consentCols = ['customer_id', 'channel', 'state', 'at_ms', 'source'];
  const store = src.followups;
  const timerSource = 'state store: follow-up timer (fu:c:<customer>) with the lead it was armed with';
  const stepSource = 'state store: follow-up timer history (what each step sent, skipped or failed)';
  const consentSource = 'state store: consent per channel (fu:consent:<customer>: opt-outs and opt-ins)';
  if (!store) {
    const why = 'this process has no state store: follow-up and consent were not read';
    return [
      section('followups', timerSource, timerCols, [], why),
      section('followup_steps', stepSource, stepCols, [], why),
      section('consents', consentSource, consentCols, [], why),
    ];
  }
  const timers: Row[] = [];
  const steps: Row[] = [];
  const consents: Row[] = [];
  for (const customer_id of ids) {
    const [v, c] = await Promise.all([store.read(customer_id), store.consent(customer_id)]);
    if (v.state !== 'none' || v.history.length > 0 || v.lead) {
      timers.push({
        customer_id,
        state: v.state,
        sequence_id: v.sequenceId,
        rule_id: v.ruleId,
        step: v.step,
        due_ms: v.due,
        stop_reason: v.stop?.reason ?? null,
        stop_at_ms: v.stop?.at ?? null,
        lead: v.lead ? JSON.stringify(v.lead) : null,
      });
    }
    for (const h of v.history)
      steps.push({
        customer_id,
        sequence_id: h.sequence_id,
        run: h.gen,
        step: h.step,
        outcome: h.outcome,
        channel: h.channel,
        template: h.template,
        at_ms: h.at,
        key: h.key,
        provider_id: h.provider_id ?? null,
      });
    for (const x of c) consents.push({ customer_id, channel: x.channel, state: x.state, at_ms: x.at, source: x.source });
  }
  return [
    section('followups', timerSource, timerCols, timers),
    section('followup_steps', stepSource, stepCols, steps),
    section('consents', consentSource, consentCols, consents),
  ];
}
