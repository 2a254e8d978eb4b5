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
 * start (a bad value names its variable) and frozen. Modules get the slice
 * they need, never `process.env`.
 */
export interface Config {
  /** BOT_ENABLED: the FAQ bot answers queued, unassigned conversations (default false; docs/ai.md "FAQ bot"). */
  botEnabled: boolean;
  /** BOT_KNOWLEDGE_DIR: the folder of Markdown articles; unset → the shipped demo base (stream/bot/knowledge). */
  botKnowledgeDir?: string;
  /** BOT_MIN_CONFIDENCE: the bot answers only at or above this confidence (0 to 1, default 0.5). */
  botMinConfidence: number;
  /** BOT_CHANNELS: channels the bot may answer on (comma-separated; default web,app,whatsapp,wechat,sms,email). */
  botChannels: readonly string[];
  /** FOLLOWUP_ENABLED: follow-up sequences run (default: on with --demo, off otherwise; docs/follow-up.md). */
  followupEnabled?: boolean;
  /** FOLLOWUP_RULES_FILE: rules, sequences and templates (JSON); unset → the shipped example (demo: the demo one). */
  followupRulesFile?: string;
  /** FOLLOWUP_SECRET: signs e-mail unsubscribe links; unset → one generated once and kept in the state store. */
  followupSecret?: string;
  /** FOLLOWUP_LOOKBACK_DAYS: leads quiet for longer than this are never started (a first start over old history), ms. */
  followupLookbackMs: number;
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  ingestKey?: string;
  adminKey?: string;
  busPartitions: number;
  dedupTtlMs: number;
  stateTtlMs: number;
  /** KPI windows (stream/kpis): watermark lag behind the newest event time, and how long a minute stays correctable. */
  kpiOutOfOrdernessMs: number;
  kpiAllowedLatenessMs: number;
  /** IANA zone that hour and day KPI buckets align to (KPI_TIME_ZONE). */
  kpiTimeZone: string;
  /** Alert rules on KPIs (ALERT_RULES: JSON array or a file path; default frt_p90), evaluated by the api role. */
  alertRules: readonly AlertRule[];
  /** Where alert transitions are POSTed (ALERT_WEBHOOK_URL); none when unset. */
  alertWebhookUrl?: string;
  alertIntervalMs: number;
  fsync: boolean;
  demoRate: number;
  attributionIntervalMs: number;
  attributionLookbackDays: number;
  kafkaBrokers?: string[];
  redisUrl?: string;
  clickhouseUrl?: string;
  /** Identity and sessions (stream/identity, stream/sessions): resolve customers at ingest. */
  identityEnabled: boolean;
  /**
   * ERASURE_POLICY (docs/privacy.md, "Erasure"): what ingest does with an event carrying an identifier of an erased
   * person. `drop` (default): refuse it (ING_ERR_ERASED, not kept); `new_identity`: accept it as a new customer.
   */
  erasurePolicy: 'drop' | 'new_identity';
  /** Country calling code for local phone numbers, e.g. `86`. */
  identityDefaultCountryCode?: string;
  /** A phone or email seen with more than this many customers is not merge evidence. */
  identityMaxShared: number;
  sessionSwitchWindowMs: number;
  sessionExpiryMs: number;
  /** Routing weight per channel (CHANNEL_PRIORITY). */
  channelPriority: Readonly<Record<string, number>>;
  /** Lower-cased urgent keywords (URGENT_KEYWORDS). */
  urgentKeywords: readonly string[];
  urgentPriorityBoost: number;
  /** Routing roster file (ROUTING_CONFIG, JSON, docs/routing.md); absent: stream/routing/demo-roster.json. */
  routingConfig?: string;
  /** Overrides the roster's acceptTimeoutMs (ROUTING_ACCEPT_TIMEOUT_MS). */
  routingAcceptTimeoutMs?: number;
  /** Run the routing service and console API (ROUTING_ENABLED, default true). */
  routingEnabled: boolean;
  /** How often the predictive routing model is retrained from the warehouse, and over how many days of history. */
  routingModelIntervalMs: number;
  routingModelLookbackDays: number;
  /** CRM HTTP adapter base URL; absent uses the embedded demo CRM. */
  crmUrl?: string;
  /**
   * Prefix for everything Omnilane names on shared engines: Kafka topics and
   * consumer groups (`<ns>.`) and Redis keys (`<ns>:`), so several
   * deployments or test runs can share one Kafka and one Redis. The ClickHouse
   * database is chosen by CLICKHOUSE_URL's path.
   */
  namespace?: string;
  /** Web chat site keys (WEBCHAT_SITE_KEYS): public key → page origins allowed to embed the widget. */
  webchatSiteKeys: Array<{ key: string; origins: string[] }>;
  /** How long web chat messages are kept for replay after a reconnect (WEBCHAT_REPLAY_HOURS), ms. */
  webchatReplayMs: number;
  /** Channel webhooks (ingest/channels): the public URL providers call, used to check Twilio signatures. */
  publicBaseUrl?: string;
  twilioAccountSid?: string;
  /** Twilio auth token: checks X-Twilio-Signature (SMS, voice) and authenticates outbound SMS. */
  twilioAuthToken?: string;
  smsProviderUrl: string;
  smsFrom?: string;
  whatsappAppSecret?: string;
  whatsappVerifyToken?: string;
  whatsappAccessToken?: string;
  whatsappPhoneNumberId?: string;
  whatsappApiUrl: string;
  wechatToken?: string;
  /** Passive XML text reply to a new WeChat follower; none when unset. */
  wechatWelcome?: string;
  /** WeChat Official Account AppID and AppSecret: fetch the access token for outbound customer-service messages. */
  wechatAppId?: string;
  wechatAppSecret?: string;
  wechatApiUrl: string;
  /** Mailgun-style HMAC key for the email inbound-parse webhook. */
  emailSigningKey?: string;
  emailProviderUrl?: string;
  emailApiKey?: string;
  emailFrom?: string;
  emailThreadTtlMs: number;
  /** Per-source token bucket on channel webhooks, shared by every process through the StateStore. */
  channelRatePerSecond: number;
  channelRateBurst: number;
  /** Refused webhook payloads kept per source (channel and address) per minute (REJECTED_KEEP_PER_SOURCE_PER_MIN). */
  rejectedKeepPerSource: number;
  /** Bytes kept of one refused payload whose request was unsigned or badly signed (REJECTED_KEEP_UNSIGNED_BYTES). */
  rejectedKeepUnsignedBytes: number;
  /** Bytes of refused payloads kept per minute over all sources (REJECTED_KEEP_BYTES_PER_MIN). */
  rejectedKeepBytesPerMin: number;
  /** Embedded bus retention: whole segments older than this are deleted (BUS_RETENTION_HOURS, 0 = by time never). */
  busRetentionMs: number;
  /** Embedded bus retention: a partition's oldest segments go once it is larger (BUS_RETENTION_BYTES, 0 = by size never). */
  busRetentionBytes: number;
  /** Embedded bus segment size: a partition's log rolls to a new file beyond this (BUS_SEGMENT_BYTES). */
  busSegmentBytes: number;
  /** Open /v1/live streams one API key may hold (LIVE_MAX_CONNECTIONS_PER_KEY); 429 API_ERR_TOO_MANY_LIVE beyond. */
  liveMaxConnectionsPerKey: number;
  /** Outages and observability (docs/operations.md "Engine outages"). Longest a publish waits for the bus before ingest answers 503, ms. */
  busPublishTimeoutMs: number;
  /** Longest one Redis command waits before it fails with STATE_ERR_UNAVAILABLE, ms. */
  redisCommandTimeoutMs: number;
  /** Kafka consumer group timing: how long a killed member keeps its partitions, heartbeat period, rebalance wait, ms. */
  kafkaSessionTimeoutMs: number;
  kafkaHeartbeatIntervalMs: number;
  kafkaRebalanceTimeoutMs: number;
  /** Port of the stream process's /metrics, /healthz, /readyz (STREAM_METRICS_PORT; 0: any free port). */
  streamMetricsPort: number;
  /** Longest an engine probe or a lag/admin call may take for /healthz and /metrics; last known values after, ms. */
  probeTimeoutMs: number;
  /** A warehouse write outstanding longer than this is logged at warn (a stalled sink), ms. */
  sinkStallWarnMs: number;
  /** At most one error line per engine per this interval during an outage (with a count), ms. */
  outageLogIntervalMs: number;
  /** Security (docs/security.md): HTTPS, engine TLS, CORS, rate limits, audit. */
  security: SecurityConfig;
  /** Personal-data encryption (docs/privacy.md). */
  privacy: PrivacyConfig;
}

/**
 * KAFKA_SESSION_TIMEOUT_MS (default 6000, the broker's default group.min.session.timeout.ms): how long a member
 * killed without leaving keeps its partitions, i.e. how long a restarted worker waits for them. The heartbeat
 * must be under a third of it (Kafka's rule); the rebalance timeout is how long a rebalance waits for members.
 */
function kafkaGroupTiming(env: Env): Pick<Config, 'kafkaSessionTimeoutMs' | 'kafkaHeartbeatIntervalMs' | 'kafkaRebalanceTimeoutMs'> {
  const session = int(env, 'KAFKA_SESSION_TIMEOUT_MS', 6000, 1000, 300_000);
  const heartbeat = int(env, 'KAFKA_HEARTBEAT_INTERVAL_MS', Math.min(1000, Math.floor(session / 3)), 100, 100_000);
  if (heartbeat * 3 > session) fail('KAFKA_HEARTBEAT_INTERVAL_MS', `must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${session}), got ${heartbeat}`);
  const rebalance = int(env, 'KAFKA_REBALANCE_TIMEOUT_MS', 10_000, 1000, 600_000);
  return { kafkaSessionTimeoutMs: session, kafkaHeartbeatIntervalMs: heartbeat, kafkaRebalanceTimeoutMs: rebalance };
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
  const cfg: Config = {
    port: int(env, 'PORT', 8080, 0, 65535),
    host,
    dataDir: resolve(env.DATA_DIR ?? 'data'),
    logLevel,
    ingestKey: key(env, 'OMNILANE_INGEST_KEY'),
    adminKey: key(env, 'OMNILANE_ADMIN_KEY'),
    busPartitions: int(env, 'BUS_PARTITIONS', 4, 1, 256),
    dedupTtlMs: int(env, 'DEDUP_TTL_HOURS', 168, 1, 24 * 400) * 3600_000,
    stateTtlMs: int(env, 'STATE_TTL_DAYS', 40, 1, 3650) * 86_400_000,
    kpiOutOfOrdernessMs: int(env, 'KPI_OUT_OF_ORDERNESS_SECONDS', 60, 0, 3600) * 1000,
    kpiAllowedLatenessMs: int(env, 'KPI_ALLOWED_LATENESS_SECONDS', 600, 0, 86_400) * 1000,
    kpiTimeZone: timeZone(env, 'KPI_TIME_ZONE', 'Asia/Shanghai'),
    alertRules: Object.freeze(parseAlertRules(env.ALERT_RULES)),
    alertWebhookUrl: url(env, 'ALERT_WEBHOOK_URL', ['http:', 'https:']),
    alertIntervalMs: int(env, 'ALERT_INTERVAL_MS', 15_000, 1000, 86_400_000),
    fsync: bool(env, 'OMNILANE_FSYNC', false),
    demoRate: int(env, 'DEMO_RATE', 20, 1, 100_000),
    attributionIntervalMs: int(env, 'ATTRIBUTION_INTERVAL_S', 60, 1, 86_400) * 1000,
    attributionLookbackDays: int(env, 'ATTRIBUTION_LOOKBACK_DAYS', 30, 1, 365),
    kafkaBrokers: brokers ? brokers.split(',').map((b) => b.trim()) : undefined,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    clickhouseUrl: url(env, 'CLICKHOUSE_URL', ['http:', 'https:']),
    namespace: namespace(env, 'OMNILANE_NAMESPACE'),
    identityEnabled: bool(env, 'IDENTITY_ENABLED', true),
    erasurePolicy: erasurePolicy(env, 'ERASURE_POLICY'),
    identityDefaultCountryCode: countryCode(env, 'IDENTITY_DEFAULT_COUNTRY_CODE'),
    identityMaxShared: int(env, 'IDENTITY_MAX_SHARED', 3, 1, 100_000),
    sessionSwitchWindowMs: int(env, 'SESSION_SWITCH_WINDOW_MIN', 30, 0, 10_080) * 60_000,
    sessionExpiryMs: int(env, 'SESSION_EXPIRY_MIN', 1440, 1, 525_600) * 60_000,
    channelPriority: channelPriority(env, 'CHANNEL_PRIORITY', 'voice:100,whatsapp:80,wechat:80,sms:60,web:50,app:50,email:20'),
    urgentKeywords: keywords(env, 'URGENT_KEYWORDS', '投诉,紧急,退款,urgent,complaint,refund'),
    urgentPriorityBoost: int(env, 'URGENT_PRIORITY_BOOST', 50, 0, 10_000),
    crmUrl: url(env, 'CRM_URL', ['http:', 'https:']),
    routingConfig: env.ROUTING_CONFIG ? resolve(env.ROUTING_CONFIG) : undefined,
    routingAcceptTimeoutMs: env.ROUTING_ACCEPT_TIMEOUT_MS ? int(env, 'ROUTING_ACCEPT_TIMEOUT_MS', 60_000, 1000, 86_400_000) : undefined,
    routingEnabled: bool(env, 'ROUTING_ENABLED', true),
    routingModelIntervalMs: int(env, 'ROUTING_MODEL_INTERVAL_MIN', 60, 1, 10_080) * 60_000,
    routingModelLookbackDays: int(env, 'ROUTING_MODEL_LOOKBACK_DAYS', 90, 1, 3650),
    webchatSiteKeys: webchatSiteKeys(env, 'WEBCHAT_SITE_KEYS'),
    webchatReplayMs: int(env, 'WEBCHAT_REPLAY_HOURS', 24, 1, 24 * 90) * 3600_000,
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
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
    channelRatePerSecond: int(env, 'CHANNEL_RATE_PER_S', 50, 1, 1_000_000),
    channelRateBurst: int(env, 'CHANNEL_RATE_BURST', 200, 1, 1_000_000),
    rejectedKeepPerSource: int(env, 'REJECTED_KEEP_PER_SOURCE_PER_MIN', 20, 0, 1_000_000),
    rejectedKeepUnsignedBytes: int(env, 'REJECTED_KEEP_UNSIGNED_BYTES', 2048, 0, 1024 * 1024),
    rejectedKeepBytesPerMin: int(env, 'REJECTED_KEEP_BYTES_PER_MIN', 4 * 1024 * 1024, 0, 1024 * 1024 * 1024),
    busRetentionMs: int(env, 'BUS_RETENTION_HOURS', 168, 0, 24 * 3650) * 3600_000,
    busRetentionBytes: int(env, 'BUS_RETENTION_BYTES', 1024 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    busSegmentBytes: int(env, 'BUS_SEGMENT_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    liveMaxConnectionsPerKey: int(env, 'LIVE_MAX_CONNECTIONS_PER_KEY', 20, 1, 100_000),
    busPublishTimeoutMs: int(env, 'BUS_PUBLISH_TIMEOUT_MS', 5000, 100, 120_000),
    redisCommandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 120_000),
    ...kafkaGroupTiming(env),
    streamMetricsPort: int(env, 'STREAM_METRICS_PORT', 9464, 0, 65535),
    probeTimeoutMs: int(env, 'PROBE_TIMEOUT_MS', 700, 50, 10_000),
    sinkStallWarnMs: int(env, 'SINK_STALL_WARN_SECONDS', 15, 1, 3600) * 1000,
    outageLogIntervalMs: int(env, 'OUTAGE_LOG_INTERVAL_SECONDS', 10, 1, 3600) * 1000,
    botEnabled: bool(env, 'BOT_ENABLED', false),
    botKnowledgeDir: env.BOT_KNOWLEDGE_DIR ? resolve(env.BOT_KNOWLEDGE_DIR) : undefined,
    botMinConfidence: fraction(env, 'BOT_MIN_CONFIDENCE', 0.5),
    botChannels: Object.freeze(keywords(env, 'BOT_CHANNELS', 'web,app,whatsapp,wechat,sms,email').map((c) => c.toLowerCase())),
    followupEnabled: env.FOLLOWUP_ENABLED === undefined ? undefined : bool(env, 'FOLLOWUP_ENABLED', false),
    followupRulesFile: env.FOLLOWUP_RULES_FILE ? resolve(env.FOLLOWUP_RULES_FILE) : undefined,
    followupSecret: secret(env, 'FOLLOWUP_SECRET'),
    followupLookbackMs: int(env, 'FOLLOWUP_LOOKBACK_DAYS', 7, 0, 3650) * 86_400_000,
    security: Object.freeze(securityConfig(env)),
    privacy: Object.freeze(privacyConfig(env)),
    ...overrides,
  };
  return Object.freeze(cfg);
}
