/**
 * The one error catalogue. Every code a user can see is declared here with its
 * HTTP status and a one-line meaning; `docs/errors.md` must document every code
 * (a test checks it). Prefixes name the stage: ING ingest, STR stream,
 * WH warehouse, API api, ATTR attribution, IMPORT omnilane import, BOT the FAQ bot, FOLLOWUP follow-up sequences, EXP experiments, PRIV personal-data encryption, CFG configuration, BUS/STATE the ports.
 */
export const ERROR_CATALOGUE = {
  ING_ERR_ERASED: {
    status: 410,
    meaning: 'The event carries a phone, e-mail or other identifier of a customer who was erased; ERASURE_POLICY=drop refuses it and does not keep it.',
  },
  ING_ERR_NOT_JSON: { status: 400, meaning: 'The request body is not valid JSON.' },
  ING_ERR_BODY_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the size limit (1 MiB).' },
  ING_ERR_BAD_BATCH: { status: 400, meaning: 'The body is not {"events":[...]} with 1 to 1000 events.' },
  ING_ERR_UNAUTHORIZED: { status: 401, meaning: 'Missing or unknown ingest key.' },
  ING_ERR_INVALID_EVENT: { status: 400, meaning: 'One event failed validation; its siblings are unaffected.' },
  ING_ERR_UNKNOWN_TYPE: { status: 400, meaning: 'The event type is not one Omnilane knows.' },
  ING_ERR_BAD_TIMESTAMP: { status: 400, meaning: 'occurred_at is neither ISO-8601 nor epoch milliseconds, or is out of range.' },
  ING_ERR_OUT_OF_RANGE: {
    status: 400,
    meaning:
      'A number in the event is not finite or is outside its documented range (money values 0 to 1e12, any other number within ±1e20); the event is rejected alone.',
  },
  ING_ERR_TOO_DEEP: { status: 400, meaning: 'The event nests objects or arrays deeper than 32 levels; the event is rejected alone.' },
  ING_ERR_TOO_LARGE_VALUE: {
    status: 400,
    meaning: 'A string in the event is longer than 65,536 characters, or the event holds more than 10,000 values; the event is rejected alone.',
  },
  ING_ERR_BAD_UNICODE: {
    status: 400,
    meaning: 'A string (or key) in the event holds a lone UTF-16 surrogate, which is not valid Unicode; the event is rejected alone.',
  },
  ING_ERR_NO_CUSTOMER_ID: { status: 400, meaning: 'The customer object carries no identifier.' },
  ING_ERR_BAD_SIGNATURE: {
    status: 401,
    meaning: 'A channel webhook carried a missing or wrong provider signature (or verify token); the payload is kept in dead_letters.',
  },
  ING_ERR_BAD_PAYLOAD: {
    status: 400,
    meaning: 'A channel webhook body is not in the provider format (bad form, JSON, XML or multipart, or a missing field); it is kept in dead_letters.',
  },
  ING_ERR_RATE_LIMITED: { status: 429, meaning: 'A channel webhook source sent more than its token bucket allows; retry after Retry-After seconds.' },
  ING_ERR_CHANNEL_DISABLED: { status: 503, meaning: 'The channel webhook has no secret configured, so it accepts nothing (see docs/channels.md).' },
  ING_ERR_UNAVAILABLE: {
    status: 503,
    meaning: 'A web chat message could not be recorded (the conversation expired, or an engine failed); resend it with the same id.',
  },
  ING_ERR_BUS_UNAVAILABLE: {
    status: 503,
    meaning:
      'The event bus (Kafka or the embedded log) did not acknowledge the events within BUS_PUBLISH_TIMEOUT_MS; retry after Retry-After seconds with the same ids (an event stored anyway counts once).',
  },
  ING_ERR_STATE_UNAVAILABLE: {
    status: 503,
    meaning:
      'The state store (Redis) did not answer the dedup or identity step in time; nothing was published; retry after Retry-After seconds with the same ids.',
  },
  STR_ERR_UNPARSABLE: { status: 500, meaning: 'A bus message could not be decoded; it was sent to the dead-letter store.' },
  WH_ERR_QUERY: { status: 500, meaning: 'The warehouse rejected a query.' },
  WH_ERR_UNAVAILABLE: {
    status: 503,
    meaning:
      'The warehouse (ClickHouse) could not be reached or did not answer in time; reads fail and the stream worker retries its batch (nothing is committed before the write).',
  },
  WH_ERR_UNKNOWN_QUERY: { status: 500, meaning: 'No named query with that name exists in sql/queries.' },
  WH_ERR_BAD_PARAM: { status: 400, meaning: 'A named-query parameter is missing or does not match its declared type.' },
  WH_ERR_MIGRATION: { status: 500, meaning: 'A warehouse migration failed; the warehouse is left at the last good version.' },
  API_ERR_UNAUTHORIZED: { status: 401, meaning: 'Not signed in: no session cookie or API key, or an unknown, expired, revoked or disabled one.' },
  API_ERR_FORBIDDEN: {
    status: 403,
    meaning: "Signed in, but the role lacks the permission this route declares, or the action is outside your scope (another person's name, another team).",
  },
  API_ERR_CSRF: { status: 403, meaning: "A state-changing request with a session cookie lacked the session's CSRF token in X-CSRF-Token." },
  API_ERR_SIGN_IN_FAILED: { status: 401, meaning: 'Unknown username, wrong password, or a disabled user (one answer for all three).' },
  API_ERR_CONFLICT: { status: 409, meaning: 'The user name or key id is already taken.' },
  API_ERR_NOT_FOUND: { status: 404, meaning: 'No such route or resource.' },
  API_ERR_VALIDATION: { status: 400, meaning: 'Query string, path or body failed the route schema.' },
  API_ERR_SEARCH_NO_CRITERIA: {
    status: 400,
    meaning: 'GET /v1/customers named none of phone, email, external_id, channel_id: a customer search needs at least one.',
  },
  API_ERR_SEARCH_BAD_PHONE: {
    status: 400,
    meaning: 'The phone searched for is not a phone number once normalised like ingest does (5 to 15 digits, optional + or 00).',
  },
  API_ERR_SEARCH_BAD_EMAIL: { status: 400, meaning: 'The email searched for is not an address (something@something, no spaces).' },
  API_ERR_SEARCH_BAD_EXTERNAL_ID: { status: 400, meaning: 'The external_id searched for is empty once trimmed.' },
  API_ERR_SEARCH_BAD_CHANNEL_ID: {
    status: 400,
    meaning: 'channel_id and channel come only together, and the channel must hold provider ids (not ext or anon); the id must not be empty.',
  },
  API_ERR_TOO_MANY_LIVE: { status: 429, meaning: 'The API key already holds LIVE_MAX_CONNECTIONS_PER_KEY open /v1/live streams; close one first.' },
  API_ERR_RATE_LIMITED: {
    status: 429,
    meaning: 'More requests from this address than RATE_LIMIT_PER_MIN (or RATE_LIMIT_INGEST_PER_MIN on /v1/events) allows; retry after Retry-After seconds.',
  },
  API_ERR_BODY_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the route limit.' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The Content-Type is not one this route accepts.' },
  API_ERR_NOT_SALES_CONVERSATION: {
    status: 409,
    meaning: 'Only a conversation whose intent is price_inquiry, feature_comparison or purchase can be qualified as an opportunity; nothing was written.',
  },
  API_ERR_CRM_UNAVAILABLE: {
    status: 503,
    meaning:
      'The CRM did not take the write after its retries; the opportunity event is recorded, so retrying the same request counts it once and writes the CRM again.',
  },
  API_ERR_NOT_READY: { status: 503, meaning: 'The process is still starting, or does not run the stage this route needs (e.g. attribution).' },
  API_ERR_INTERNAL: { status: 500, meaning: 'Unexpected server error; the log has details under the request id.' },
  ATTR_ERR_BAD_CSV: { status: 400, meaning: 'The path CSV is malformed: missing column, bad number, empty path, or unterminated quote.' },
  ATTR_ERR_BAD_ARGS: { status: 400, meaning: 'The command line has an unknown flag, a missing value, or a value out of range.' },
  ATTR_ERR_NO_SOURCE: { status: 400, meaning: 'No --input was given and no warehouse journey loader is wired.' },
  ATTR_ERR_IO: { status: 500, meaning: 'The input file could not be read.' },
  ATTR_ERR_BAD_INPUT: { status: 400, meaning: 'Paths handed to a model are invalid: empty path, negative or non-finite counts.' },
  REPLAY_ERR_BAD_ARGS: { status: 400, meaning: 'omnilane replay: unknown flag, missing --policy, bad time or number, or --from not before --to.' },
  REPLAY_ERR_UNKNOWN_POLICY: { status: 400, meaning: 'omnilane replay: --policy names no routing policy (the message lists them).' },
  REPLAY_ERR_BAD_ROSTER: {
    status: 400,
    meaning: 'omnilane replay: the roster file (--roster or ROUTING_CONFIG) is not valid JSON or has a bad field (named).',
  },
  REPLAY_ERR_NO_DATA: { status: 400, meaning: 'omnilane replay: no recorded conversation started in the window.' },
  REPLAY_ERR_IO: { status: 500, meaning: 'omnilane replay: the roster file or the warehouse could not be read.' },
  IMPORT_ERR_BAD_ARGS: {
    status: 400,
    meaning: 'omnilane import: unknown flag, missing value, no input file, or a format that cannot be told from the file name.',
  },
  IMPORT_ERR_IO: {
    status: 500,
    meaning:
      'omnilane import: the input, checkpoint, mapping or report file could not be read or written, or the data directory is in use by a running server (use --url).',
  },
  IMPORT_ERR_NOT_JSON: { status: 400, meaning: 'omnilane import: a JSON-lines line is not one JSON object; the line is reported and skipped.' },
  IMPORT_ERR_BAD_CSV: {
    status: 400,
    meaning:
      'omnilane import: a CSV row has a different number of fields than the header, or a typed column (:number, :boolean, :json) holds a value of another type; the row is reported and skipped. An unterminated quote stops the import at its line.',
  },
  IMPORT_ERR_BAD_MAPPING: {
    status: 400,
    meaning:
      'omnilane import: the CSV header or the column mapping (--mapping, --column, --set) names an unknown column or target, or maps none to id, type, channel or occurred_at.',
  },
  IMPORT_ERR_TOO_LARGE: { status: 413, meaning: 'omnilane import: one event is larger than a 1 MiB request can carry; the line is reported and skipped.' },
  IMPORT_ERR_CHECKPOINT: {
    status: 400,
    meaning:
      'omnilane import: the checkpoint belongs to another version of the input (size or first bytes differ) or another mapping; pass --restart to import from the first line.',
  },
  IMPORT_ERR_REMOTE: {
    status: 503,
    meaning:
      'omnilane import --url: the server refused a batch for good (bad key, bad batch) or stayed unavailable after the retries; the checkpoint keeps what was acknowledged, so the same command resumes.',
  },
  ROUTE_ERR_CONFLICT: {
    status: 409,
    meaning: 'The conversation is offered to or held by someone else, is closed, or the agent has no free capacity; nothing changed.',
  },
  ROUTE_ERR_UNKNOWN_POLICY: {
    status: 400,
    meaning: 'The routing policy name is not one of skill_match, least_loaded, round_robin, sticky, rules, predictive.',
  },
  BOT_ERR_NO_FRONT_MATTER: {
    status: 400,
    meaning: 'A knowledge-base article does not start with a --- front-matter block, or the block is not closed; the article is skipped.',
  },
  BOT_ERR_BAD_FRONT_MATTER: {
    status: 400,
    meaning:
      'A front-matter line of a knowledge-base article is not "key: value", a "- item" under a list key, or repeats a key (the line is named); the article is skipped.',
  },
  BOT_ERR_MISSING_FIELD: { status: 400, meaning: 'A knowledge-base article lacks id, title or lang, or has an empty body; the article is skipped.' },
  BOT_ERR_BAD_FIELD: {
    status: 400,
    meaning:
      'A knowledge-base article field is invalid: id not lower-case [a-z0-9._-], lang not zh or en, or an intent not one of the nine; the article is skipped.',
  },
  BOT_ERR_DUPLICATE_ID: { status: 400, meaning: 'Two knowledge-base articles share an id; the first file (by name) keeps it, the later one is skipped.' },
  BOT_ERR_EMPTY: { status: 400, meaning: 'The knowledge folder (BOT_KNOWLEDGE_DIR) holds no .md article, so the bot hands every conversation over.' },
  BOT_ERR_IO: { status: 500, meaning: 'The knowledge folder, an article or the eval file could not be read.' },
  BOT_ERR_BAD_ARGS: { status: 400, meaning: 'omnilane bot: unknown subcommand or flag, missing question or --input, or a value out of range.' },
  BOT_ERR_BAD_EVAL: {
    status: 400,
    meaning: 'omnilane bot eval: a line is not {"question","expected"} with expected an article id or "handoff"; the line is reported and skipped.',
  },
  FOLLOWUP_ERR_BAD_RULES: {
    status: 400,
    meaning:
      'The follow-up rules (FOLLOWUP_RULES_FILE or PUT /v1/followups/rules) are not valid: the message names the field (an unknown sequence or template, a step without channels, a bad time of day or zone).',
  },
  FOLLOWUP_ERR_BAD_TOKEN: {
    status: 400,
    meaning: 'The unsubscribe link is not one Omnilane signed (altered, truncated, or signed with another FOLLOWUP_SECRET); nothing changed.',
  },
  EXP_ERR_INVALID: {
    status: 400,
    meaning:
      "An experiment definition (API body or file) failed validation: bad id, fewer than two variants, a duplicate variant id, a variant without its target's config key (script, enabled, policy or sequence), an unknown metric, or min_days above max_days; the message names the field.",
  },
  EXP_ERR_NOT_FOUND: { status: 404, meaning: 'No experiment with that id.' },
  EXP_ERR_IMMUTABLE: {
    status: 409,
    meaning:
      'The change would move customers between variants of an experiment that has run (salt, target, variant ids or weights); stop it and define a new one.',
  },
  EXP_ERR_BAD_ARGS: { status: 400, meaning: 'omnilane experiment: unknown subcommand or flag, missing id or file, or a definition file that is not JSON.' },
  CFG_ERR_INVALID: { status: 500, meaning: 'A configuration variable has an invalid value; the message names it.' },
  CFG_ERR_DATA_DIR_IN_USE: {
    status: 503,
    meaning: 'Another running Omnilane holds DATA_DIR (its omnilane.lock names the pid); the embedded engines belong to one process.',
  },
  BUS_ERR_CLOSED: { status: 503, meaning: 'The event bus is closed.' },
  BUS_ERR_UNAVAILABLE: {
    status: 503,
    meaning: 'Kafka did not acknowledge a publish within BUS_PUBLISH_TIMEOUT_MS, or an admin call (lag, topics) timed out; the brokers are named.',
  },
  STATE_ERR_UNAVAILABLE: { status: 503, meaning: 'Redis could not be reached or did not answer within REDIS_COMMAND_TIMEOUT_MS; the address is named.' },
  STATE_ERR_CLOSED: { status: 503, meaning: 'The state store is closed.' },
  PRIV_ERR_MASTER_KEY: {
    status: 500,
    meaning: 'The master key ring is missing, malformed, or does not hold the key a wrapped data key names (PRIVACY_MASTER_KEY_FILE / PRIVACY_MASTER_KEY).',
  },
  PRIV_ERR_DECRYPT: { status: 500, meaning: 'An encrypted personal field did not decrypt: wrong key, wrong customer or field, or the ciphertext was altered.' },
  PRIV_ERR_KEY_DESTROYED: { status: 410, meaning: 'The customer was erased: their data key is destroyed, so their personal fields can no longer be read.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Seconds a client should wait before retrying a 503 caused by an engine outage (the `Retry-After` header). */
export const OUTAGE_RETRY_AFTER_S = 5;

/** An error that carries a catalogue code; its message is safe to show a client. */
export class OmnilaneError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OmnilaneError';
    this.code = code;
    this.statusCode = ERROR_CATALOGUE[code].status;
  }
}

export function isOmnilaneError(err: unknown): err is OmnilaneError {
  return err instanceof OmnilaneError;
}
