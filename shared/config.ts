import { resolve } from 'node:path';
import { parseAlertRules, type AlertRule } from './alert-rules.js';
import {
  bool,
  channelPriority,
  countryCode,
  erasurePolicy,
  fail,
  fraction,
  int,
  key,
  keywords,
  namespace,
  secret,
  timeZone,
  url,
  webchatSiteKeys,
  type Env,
} from './config-readers.js';
import { privacyConfig, type PrivacyConfig } from './privacy-config.js';
import { securityConfig, type SecurityConfig } from './security-config.js';

/**
 * All configuration, read from the environment in one place, validated at
 * start (a bad value names its variable) and frozen. It comes in sections, one
 * per concern; modules are handed their section (or the few values they need),
 * never the whole config and never `process.env`. Each setting names its
 * environment variable.
 */
export interface Config {
  /** DATA_DIR: where the embedded engines, keys, labels and credentials live. */
  dataDir: string;
  /** LOG_LEVEL: fatal, error, warn, info (default), debug, trace or silent. */
  logLevel: string;
  /** OMNILANE_FSYNC: the embedded bus and state journal fsync every write (default false). */
  fsync: boolean;
  /**
   * OMNILANE_NAMESPACE: prefix for everything Omnilane names on shared engines: Kafka topics and consumer groups
   * (`<ns>.`) and Redis keys (`<ns>:`), so several deployments or test runs can share one Kafka and one Redis. The
   * ClickHouse database is chosen by CLICKHOUSE_URL's path.
   */
  namespace?: string;
  server: ServerConfig;
  bus: BusConfig;
  kafka: KafkaConfig;
  redis: RedisConfig;
  clickhouse: ClickhouseConfig;
  state: StateConfig;
  kpi: KpiConfig;
  alerts: AlertsConfig;
  attribution: AttributionConfig;
  identity: IdentityConfig;
  sessions: SessionsConfig;
  routing: RoutingConfig;
  crm: CrmConfig;
  webchat: WebchatConfig;
  channels: ChannelsConfig;
  observability: ObservabilityConfig;
  bot: BotConfig;
  followup: FollowupConfig;
  demo: DemoConfig;
  /** Security (docs/security.md): HTTPS, engine TLS, CORS, rate limits, audit. */
  security: SecurityConfig;
  /** Personal-data encryption (docs/privacy.md). */
  privacy: PrivacyConfig;
}

/** The HTTP server and its bootstrap keys. */
export interface ServerConfig {
  /** PORT (default 8080; 0: any free port) and HOST (default 127.0.0.1). */
  port: number;
  host: string;
  /** OMNILANE_INGEST_KEY and OMNILANE_ADMIN_KEY: API keys created at start for producers and the administrator. */
  ingestKey?: string;
  adminKey?: string;
  /** LIVE_MAX_CONNECTIONS_PER_KEY: open /v1/live streams one API key may hold; 429 API_ERR_TOO_MANY_LIVE beyond. */
  liveMaxConnectionsPerKey: number;
}

/** The event bus: the embedded log's layout and retention, and how long a publish may wait (either bus). */
export interface BusConfig {
  /** BUS_PARTITIONS: partitions of the events topic. */
  partitions: number;
  /** BUS_RETENTION_HOURS: embedded bus segments older than this are deleted (0 = by time never), ms. */
  retentionMs: number;
  /** BUS_RETENTION_BYTES: a partition's oldest segments go once it is larger (0 = by size never). */
  retentionBytes: number;
  /** BUS_SEGMENT_BYTES: a partition's log rolls to a new file beyond this. */
  segmentBytes: number;
  /** BUS_PUBLISH_TIMEOUT_MS: longest a publish waits for the bus before ingest answers 503 (docs/operations.md "Engine outages"). */
  publishTimeoutMs: number;
}

/** Kafka (distributed mode). Its TLS and SASL settings are in `security.kafka`. */
export interface KafkaConfig {
  /** KAFKA_BROKERS: host:port[,host:port…]; unset: the embedded bus. */
  brokers?: string[];
  /** Consumer group timing: how long a killed member keeps its partitions, heartbeat period, rebalance wait, ms. */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
}

/** Redis (distributed mode). Its TLS settings are in `security.redis`. */
export interface RedisConfig {
  /** REDIS_URL: redis:// or rediss://; unset: the embedded state store. */
  url?: string;
  /** REDIS_COMMAND_TIMEOUT_MS: longest one command waits before it fails with STATE_ERR_UNAVAILABLE. */
  commandTimeoutMs: number;
}

/** ClickHouse (distributed mode). Its TLS settings are in `security.clickhouse`. */
export interface ClickhouseConfig {
  /** CLICKHOUSE_URL: http:// or https://, the database in the path; unset: DuckDB in DATA_DIR. */
  url?: string;
}

/** How long the state store keeps what the stream and ingest put there. */
export interface StateConfig {
  /** STATE_TTL_DAYS: conversation, session and KPI window state, ms. */
  ttlMs: number;
  /** DEDUP_TTL_HOURS: how long an event id is remembered for dedup, ms. */
  dedupTtlMs: number;
}

/** KPI windows (stream/kpis). */
export interface KpiConfig {
  /** KPI_OUT_OF_ORDERNESS_SECONDS: watermark lag behind the newest event time, ms. */
  outOfOrdernessMs: number;
  /** KPI_ALLOWED_LATENESS_SECONDS: how long a minute stays correctable, ms. */
  allowedLatenessMs: number;
  /** KPI_TIME_ZONE: the IANA zone that hour and day buckets align to. */
  timeZone: string;
}

/** Alerts on KPIs, evaluated by the api role. */
export interface AlertsConfig {
  /** ALERT_RULES: JSON array or a file path; default frt_p90. */
  rules: readonly AlertRule[];
  /** ALERT_WEBHOOK_URL: where alert transitions are POSTed; none when unset. */
  webhookUrl?: string;
  /** ALERT_INTERVAL_MS: how often the rules are evaluated. */
  intervalMs: number;
}

/** The attribution job. */
export interface AttributionConfig {
  /** ATTRIBUTION_INTERVAL_S: how often it runs, ms. */
  intervalMs: number;
  /** ATTRIBUTION_LOOKBACK_DAYS: the journeys it reads. */
  lookbackDays: number;
}

/** Identity (stream/identity): resolve customers at ingest. */
export interface IdentityConfig {
  /** IDENTITY_ENABLED (default true). */
  enabled: boolean;
  /** IDENTITY_DEFAULT_COUNTRY_CODE: country calling code for local phone numbers, e.g. `86`. */
  defaultCountryCode?: string;
  /** IDENTITY_MAX_SHARED: a phone or email seen with more than this many customers is not merge evidence. */
  maxShared: number;
  /**
   * ERASURE_POLICY (docs/privacy.md, "Erasure"): what ingest does with an event carrying an identifier of an erased
   * person. `drop` (default): refuse it (ING_ERR_ERASED, not kept); `new_identity`: accept it as a new customer.
   */
  erasurePolicy: 'drop' | 'new_identity';
}

/** Conversation sessions (stream/sessions). */
export interface SessionsConfig {
  /** SESSION_SWITCH_WINDOW_MIN: a customer's message on another channel within this joins the session, ms. */
  switchWindowMs: number;
  /** SESSION_EXPIRY_MIN: a session quiet for this long ends, ms. */
  expiryMs: number;
}

/** Routing (stream/routing) and the console API. */
export interface RoutingConfig {
  /** ROUTING_ENABLED (default true): run the routing service and console API. */
  enabled: boolean;
  /** ROUTING_CONFIG: the roster file (JSON, docs/routing.md); absent: stream/routing/demo-roster.json. */
  config?: string;
  /** ROUTING_ACCEPT_TIMEOUT_MS: overrides the roster's acceptTimeoutMs. */
  acceptTimeoutMs?: number;
  /** ROUTING_MODEL_INTERVAL_MIN and ROUTING_MODEL_LOOKBACK_DAYS: how often the predictive model is retrained from the warehouse (ms), over how many days. */
  modelIntervalMs: number;
  modelLookbackDays: number;
  /** CHANNEL_PRIORITY: routing weight per channel. */
  channelPriority: Readonly<Record<string, number>>;
  /** URGENT_KEYWORDS (lower-cased) and URGENT_PRIORITY_BOOST. */
  urgentKeywords: readonly string[];
  urgentPriorityBoost: number;
}

/** The CRM adapter. */
export interface CrmConfig {
  /** CRM_URL: the CRM HTTP adapter's base URL; absent uses the embedded demo CRM. */
  url?: string;
}

/** Web chat (ingest/channels/webchat). */
export interface WebchatConfig {
  /** WEBCHAT_SITE_KEYS: public key → page origins allowed to embed the widget. */
  siteKeys: Array<{ key: string; origins: string[] }>;
  /** WEBCHAT_REPLAY_HOURS: how long messages are kept for replay after a reconnect, ms. */
  replayMs: number;
}

/** Channel webhooks and outbound senders (ingest/channels, ingest/outbound). */
export interface ChannelsConfig {
  /** PUBLIC_BASE_URL: the public URL providers call, used to check Twilio signatures. */
  publicBaseUrl?: string;
  /** CHANNEL_RATE_PER_S and CHANNEL_RATE_BURST: per-source token bucket, shared by every process through the StateStore. */
  ratePerSecond: number;
  rateBurst: number;
  /** REJECTED_KEEP_PER_SOURCE_PER_MIN: refused payloads kept per source (channel and address) per minute. */
  rejectedKeepPerSource: number;
  /** REJECTED_KEEP_UNSIGNED_BYTES: bytes kept of one refused payload whose request was unsigned or badly signed. */
  rejectedKeepUnsignedBytes: number;
  /** REJECTED_KEEP_BYTES_PER_MIN: bytes of refused payloads kept per minute over all sources. */
  rejectedKeepBytesPerMin: number;
  twilioAccountSid?: string;
  /** TWILIO_AUTH_TOKEN: checks X-Twilio-Signature (SMS, voice) and authenticates outbound SMS. */
  twilioAuthToken?: string;
  smsProviderUrl: string;
  smsFrom?: string;
  whatsappAppSecret?: string;
  whatsappVerifyToken?: string;
  whatsappAccessToken?: string;
  whatsappPhoneNumberId?: string;
  whatsappApiUrl: string;
  wechatToken?: string;
  /** WECHAT_WELCOME_TEXT: passive XML text reply to a new WeChat follower; none when unset. */
  wechatWelcome?: string;
  /** WECHAT_APP_ID and WECHAT_APP_SECRET: fetch the access token for outbound customer-service messages. */
  wechatAppId?: string;
  wechatAppSecret?: string;
  wechatApiUrl: string;
  /** EMAIL_WEBHOOK_SIGNING_KEY: Mailgun-style HMAC key for the email inbound-parse webhook. */
  emailSigningKey?: string;
  emailProviderUrl?: string;
  emailApiKey?: string;
  emailFrom?: string;
  emailThreadTtlMs: number;
}

/** Outages and observability (docs/operations.md "Engine outages"). */
export interface ObservabilityConfig {
  /** STREAM_METRICS_PORT: port of the stream process's /metrics, /healthz, /readyz (0: any free port). */
  streamMetricsPort: number;
  /** PROBE_TIMEOUT_MS: longest an engine probe or a lag/admin call may take for /healthz and /metrics; last known values after. */
  probeTimeoutMs: number;
  /** SINK_STALL_WARN_SECONDS: a warehouse write outstanding longer than this is logged at warn (a stalled sink), ms. */
  sinkStallWarnMs: number;
  /** OUTAGE_LOG_INTERVAL_SECONDS: at most one error line per engine per this interval during an outage (with a count), ms. */
  outageLogIntervalMs: number;
}

/** The FAQ bot (docs/ai.md "FAQ bot"). */
export interface BotConfig {
  /** BOT_ENABLED: the bot answers queued, unassigned conversations (default false). */
  enabled: boolean;
  /** BOT_KNOWLEDGE_DIR: the folder of Markdown articles; unset → the shipped demo base (stream/bot/knowledge). */
  knowledgeDir?: string;
  /** BOT_MIN_CONFIDENCE: the bot answers only at or above this confidence (0 to 1, default 0.5). */
  minConfidence: number;
  /** BOT_CHANNELS: channels the bot may answer on (comma-separated; default web,app,whatsapp,wechat,sms,email). */
  channels: readonly string[];
}

/** Follow-up sequences (docs/follow-up.md). */
export interface FollowupConfig {
  /** FOLLOWUP_ENABLED: follow-up sequences run (default: on with --demo, off otherwise). */
  enabled?: boolean;
  /** FOLLOWUP_RULES_FILE: rules, sequences and templates (JSON); unset → the shipped example (demo: the demo one). */
  rulesFile?: string;
  /** FOLLOWUP_SECRET: signs e-mail unsubscribe links; unset → one generated once and kept in the state store. */
  secret?: string;
  /** FOLLOWUP_LOOKBACK_DAYS: leads quiet for longer than this are never started (a first start over old history), ms. */
  lookbackMs: number;
}

/** The demo traffic of `omnilane start --demo`. */
export interface DemoConfig {
  /** DEMO_RATE: events per second. */
  rate: number;
}

/**
 * KAFKA_SESSION_TIMEOUT_MS (default 6000, the broker's default group.min.session.timeout.ms): how long a member
 * killed without leaving keeps its partitions, i.e. how long a restarted worker waits for them. The heartbeat
 * must be under a third of it (Kafka's rule); the rebalance timeout is how long a rebalance waits for members.
 */
function kafkaGroupTiming(env: Env): Omit<KafkaConfig, 'brokers'> {
  const session = int(env, 'KAFKA_SESSION_TIMEOUT_MS', 6000, 1000, 300_000);
  const heartbeat = int(env, 'KAFKA_HEARTBEAT_INTERVAL_MS', Math.min(1000, Math.floor(session / 3)), 100, 100_000);
  if (heartbeat * 3 > session) fail('KAFKA_HEARTBEAT_INTERVAL_MS', `must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${session}), got ${heartbeat}`);
  const rebalance = int(env, 'KAFKA_REBALANCE_TIMEOUT_MS', 10_000, 1000, 600_000);
  return { sessionTimeoutMs: session, heartbeatIntervalMs: heartbeat, rebalanceTimeoutMs: rebalance };
}

/** Reads and validates the configuration; throws CFG_ERR_INVALID naming the variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const host = env.HOST ?? '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) fail('HOST', `is not a host name or address: ${JSON.stringify(host)}`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    fail('LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent');
  const brokers = env.KAFKA_BROKERS?.trim();
  if (brokers && !brokers.split(',').every((b) => /^[\w.-]+:\d{1,5}$/.test(b.trim()))) fail('KAFKA_BROKERS', 'must be host:port[,host:port…]');
  const f = Object.freeze;
  const cfg: Config = {
    dataDir: resolve(env.DATA_DIR ?? 'data'),
    logLevel,
    fsync: bool(env, 'OMNILANE_FSYNC', false),
    namespace: namespace(env, 'OMNILANE_NAMESPACE'),
    server: f({
      port: int(env, 'PORT', 8080, 0, 65535),
      host,
      ingestKey: key(env, 'OMNILANE_INGEST_KEY'),
      adminKey: key(env, 'OMNILANE_ADMIN_KEY'),
      liveMaxConnectionsPerKey: int(env, 'LIVE_MAX_CONNECTIONS_PER_KEY', 20, 1, 100_000),
    }),
    bus: f({
      partitions: int(env, 'BUS_PARTITIONS', 4, 1, 256),
      retentionMs: int(env, 'BUS_RETENTION_HOURS', 168, 0, 24 * 3650) * 3600_000,
      retentionBytes: int(env, 'BUS_RETENTION_BYTES', 1024 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
      segmentBytes: int(env, 'BUS_SEGMENT_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      publishTimeoutMs: int(env, 'BUS_PUBLISH_TIMEOUT_MS', 5000, 100, 120_000),
    }),
    kafka: f({ brokers: brokers ? brokers.split(',').map((b) => b.trim()) : undefined, ...kafkaGroupTiming(env) }),
    redis: f({ url: url(env, 'REDIS_URL', ['redis:', 'rediss:']), commandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 120_000) }),
    clickhouse: f({ url: url(env, 'CLICKHOUSE_URL', ['http:', 'https:']) }),
    state: f({
      ttlMs: int(env, 'STATE_TTL_DAYS', 40, 1, 3650) * 86_400_000,
      dedupTtlMs: int(env, 'DEDUP_TTL_HOURS', 168, 1, 24 * 400) * 3600_000,
    }),
    kpi: f({
      outOfOrdernessMs: int(env, 'KPI_OUT_OF_ORDERNESS_SECONDS', 60, 0, 3600) * 1000,
      allowedLatenessMs: int(env, 'KPI_ALLOWED_LATENESS_SECONDS', 600, 0, 86_400) * 1000,
      timeZone: timeZone(env, 'KPI_TIME_ZONE', 'Asia/Shanghai'),
    }),
    alerts: f({
      rules: f(parseAlertRules(env.ALERT_RULES)),
      webhookUrl: url(env, 'ALERT_WEBHOOK_URL', ['http:', 'https:']),
      intervalMs: int(env, 'ALERT_INTERVAL_MS', 15_000, 1000, 86_400_000),
    }),
    attribution: f({
      intervalMs: int(env, 'ATTRIBUTION_INTERVAL_S', 60, 1, 86_400) * 1000,
      lookbackDays: int(env, 'ATTRIBUTION_LOOKBACK_DAYS', 30, 1, 365),
    }),
    identity: f({
      enabled: bool(env, 'IDENTITY_ENABLED', true),
      defaultCountryCode: countryCode(env, 'IDENTITY_DEFAULT_COUNTRY_CODE'),
      maxShared: int(env, 'IDENTITY_MAX_SHARED', 3, 1, 100_000),
      erasurePolicy: erasurePolicy(env, 'ERASURE_POLICY'),
    }),
    sessions: f({
      switchWindowMs: int(env, 'SESSION_SWITCH_WINDOW_MIN', 30, 0, 10_080) * 60_000,
      expiryMs: int(env, 'SESSION_EXPIRY_MIN', 1440, 1, 525_600) * 60_000,
    }),
    routing: f({
      enabled: bool(env, 'ROUTING_ENABLED', true),
      config: env.ROUTING_CONFIG ? resolve(env.ROUTING_CONFIG) : undefined,
      acceptTimeoutMs: env.ROUTING_ACCEPT_TIMEOUT_MS ? int(env, 'ROUTING_ACCEPT_TIMEOUT_MS', 60_000, 1000, 86_400_000) : undefined,
      modelIntervalMs: int(env, 'ROUTING_MODEL_INTERVAL_MIN', 60, 1, 10_080) * 60_000,
      modelLookbackDays: int(env, 'ROUTING_MODEL_LOOKBACK_DAYS', 90, 1, 3650),
      channelPriority: channelPriority(env, 'CHANNEL_PRIORITY', 'voice:100,whatsapp:80,wechat:80,sms:60,web:50,app:50,email:20'),
      urgentKeywords: keywords(env, 'URGENT_KEYWORDS', '投诉,紧急,退款,urgent,complaint,refund'),
      urgentPriorityBoost: int(env, 'URGENT_PRIORITY_BOOST', 50, 0, 10_000),
    }),
    crm: f({ url: url(env, 'CRM_URL', ['http:', 'https:']) }),
    webchat: f({
      siteKeys: webchatSiteKeys(env, 'WEBCHAT_SITE_KEYS'),
      replayMs: int(env, 'WEBCHAT_REPLAY_HOURS', 24, 1, 24 * 90) * 3600_000,
    }),
    channels: f({
      publicBaseUrl: url(env, 'PUBLIC_BASE_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
      ratePerSecond: int(env, 'CHANNEL_RATE_PER_S', 50, 1, 1_000_000),
      rateBurst: int(env, 'CHANNEL_RATE_BURST', 200, 1, 1_000_000),
      rejectedKeepPerSource: int(env, 'REJECTED_KEEP_PER_SOURCE_PER_MIN', 20, 0, 1_000_000),
      rejectedKeepUnsignedBytes: int(env, 'REJECTED_KEEP_UNSIGNED_BYTES', 2048, 0, 1024 * 1024),
      rejectedKeepBytesPerMin: int(env, 'REJECTED_KEEP_BYTES_PER_MIN', 4 * 1024 * 1024, 0, 1024 * 1024 * 1024),
      twilioAccountSid: secret(env, 'TWILIO_ACCOUNT_SID'),
      twilioAuthToken: secret(env, 'TWILIO_AUTH_TOKEN'),
      smsProviderUrl: url(env, 'SMS_PROVIDER_URL', ['http:', 'https:']) ?? 'https://api.twilio.com',
      smsFrom: secret(env, 'SMS_FROM'),
      whatsappAppSecret: secret(env, 'WHATSAPP_APP_SECRET'),
      whatsappVerifyToken: secret(env, 'WHATSAPP_VERIFY_TOKEN'),
      whatsappAccessToken: secret(env, 'WHATSAPP_ACCESS_TOKEN'),
      whatsappPhoneNumberId: secret(env, 'WHATSAPP_PHONE_NUMBER_ID'),
      whatsappApiUrl: url(env, 'WHATSAPP_API_URL', ['http:', 'https:']) ?? 'https://graph.facebook.com/v21.0',
      wechatToken: secret(env, 'WECHAT_TOKEN'),
      wechatWelcome: env.WECHAT_WELCOME_TEXT ? env.WECHAT_WELCOME_TEXT.slice(0, 600) : undefined,
      wechatAppId: secret(env, 'WECHAT_APP_ID'),
      wechatAppSecret: secret(env, 'WECHAT_APP_SECRET'),
      wechatApiUrl: url(env, 'WECHAT_API_URL', ['http:', 'https:']) ?? 'https://api.weixin.qq.com',
      emailSigningKey: secret(env, 'EMAIL_WEBHOOK_SIGNING_KEY'),
      emailProviderUrl: url(env, 'EMAIL_PROVIDER_URL', ['http:', 'https:']),
      emailApiKey: secret(env, 'EMAIL_API_KEY'),
      emailFrom: secret(env, 'EMAIL_FROM'),
      emailThreadTtlMs: int(env, 'EMAIL_THREAD_TTL_DAYS', 90, 1, 3650) * 86_400_000,
    }),
    observability: f({
      streamMetricsPort: int(env, 'STREAM_METRICS_PORT', 9464, 0, 65535),
      probeTimeoutMs: int(env, 'PROBE_TIMEOUT_MS', 700, 50, 10_000),
      sinkStallWarnMs: int(env, 'SINK_STALL_WARN_SECONDS', 15, 1, 3600) * 1000,
      outageLogIntervalMs: int(env, 'OUTAGE_LOG_INTERVAL_SECONDS', 10, 1, 3600) * 1000,
    }),
    bot: f({
      enabled: bool(env, 'BOT_ENABLED', false),
      knowledgeDir: env.BOT_KNOWLEDGE_DIR ? resolve(env.BOT_KNOWLEDGE_DIR) : undefined,
      minConfidence: fraction(env, 'BOT_MIN_CONFIDENCE', 0.5),
      channels: f(keywords(env, 'BOT_CHANNELS', 'web,app,whatsapp,wechat,sms,email').map((c) => c.toLowerCase())),
    }),
    followup: f({
      enabled: env.FOLLOWUP_ENABLED === undefined ? undefined : bool(env, 'FOLLOWUP_ENABLED', false),
      rulesFile: env.FOLLOWUP_RULES_FILE ? resolve(env.FOLLOWUP_RULES_FILE) : undefined,
      secret: secret(env, 'FOLLOWUP_SECRET'),
      lookbackMs: int(env, 'FOLLOWUP_LOOKBACK_DAYS', 7, 0, 3650) * 86_400_000,
    }),
    demo: f({ rate: int(env, 'DEMO_RATE', 20, 1, 100_000) }),
    security: f(securityConfig(env)),
    privacy: f(privacyConfig(env)),
    ...overrides,
  };
  return Object.freeze(cfg);
}
