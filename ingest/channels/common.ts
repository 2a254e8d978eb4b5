import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import type { ChannelsConfig as ChannelSettings } from '../../shared/config.js';
import { errorHandler, toErrorReply, type ErrorReplyOf } from '../../shared/error-reply.js';
import type { EventInput } from '../../shared/envelope.js';
import { isOmnilaneError, OmnilaneError, type ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { IngestOptions, IngestReply, IngestService } from '../ingest-service.js';
import { retryAfterSeconds, SharedRateLimiter } from './rate-limit.js';

/** The slice of configuration the channel webhooks need. A provider without its secret is disabled (503). */
export interface ChannelsConfig {
  /** The public base URL providers call (e.g. https://crm.example.com); Twilio signs the full URL. */
  publicBaseUrl?: string;
  twilioAuthToken?: string;
  whatsappAppSecret?: string;
  whatsappVerifyToken?: string;
  wechatToken?: string;
  wechatWelcome?: string;
  emailSigningKey?: string;
  emailThreadTtlMs: number;
  ratePerSecond: number;
  rateBurst: number;
  /** Largest webhook body in bytes (email: 10x this for attachments); default 256 KiB. */
  maxBodyBytes?: number;
}

export interface ChannelDeps {
  ingest: IngestService;
  state: StateStore;
  config: ChannelsConfig;
  clock: Clock;
  log: Logger;
}

/** Picks what the webhooks need out of the channels section of the configuration. */
export function channelsConfigFrom(cfg: ChannelSettings): ChannelsConfig {
  return {
    publicBaseUrl: cfg.publicBaseUrl,
    twilioAuthToken: cfg.twilioAuthToken,
    whatsappAppSecret: cfg.whatsappAppSecret,
    whatsappVerifyToken: cfg.whatsappVerifyToken,
    wechatToken: cfg.wechatToken,
    wechatWelcome: cfg.wechatWelcome,
    emailSigningKey: cfg.emailSigningKey,
    emailThreadTtlMs: cfg.emailThreadTtlMs,
    ratePerSecond: cfg.ratePerSecond,
    rateBurst: cfg.rateBurst,
  };
}

export const DEFAULT_MAX_BODY = 256 * 1024;

/** Constant-time string comparison (different lengths compare unequal). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An event id that fits the envelope's 128 characters: long ids are hashed. */
export function fitId(id: string): string {
  return id.length <= 128 ? id : `h:${createHash('sha256').update(id).digest('hex')}`;
}

/** Provider seconds (string or number) to epoch ms; `fallback` when absent or not a number. */
export function secondsToMs(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n * 1000 : fallback;
}

export interface GuardOptions {
  provider: string;
  /** Null when enabled, else why not (names the variable to set). */
  disabledReason: () => string | null;
  maxBytes: number;
}

/**
 * Registers, in the provider's encapsulated context, the checks that run
 * before a body is read: channel enabled (503), per-source token bucket shared
 * by every process through the StateStore (429 with Retry-After), declared
 * size (413); and an error handler that answers channel failures with ING_ codes.
 */
export function guardChannel(app: FastifyInstance, deps: ChannelDeps, o: GuardOptions): void {
  const buckets = new SharedRateLimiter(deps.state, deps.config.ratePerSecond, deps.config.rateBurst, deps.clock);
  const log = deps.log.child({ channel: o.provider });
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const why = o.disabledReason();
    if (why) return reply.status(503).send({ code: 'ING_ERR_CHANNEL_DISABLED', message: `${o.provider} channel is disabled: ${why}` });
    const take = await buckets.take(`${o.provider}|${req.ip}`);
    if (!take.allowed) {
      const retryAfterS = retryAfterSeconds(take);
      return reply
        .status(429)
        .header('retry-after', String(retryAfterS))
        .send({ code: 'ING_ERR_RATE_LIMITED', message: `too many ${o.provider} webhook requests from this source; retry after ${retryAfterS} s` });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > o.maxBytes) {
      return reply.status(413).send({ code: 'ING_ERR_BODY_TOO_LARGE', message: `${o.provider} webhook body is ${declared} bytes; the limit is ${o.maxBytes}` });
    }
    return undefined;
  });
  app.setErrorHandler(errorHandler({ toReply: (err) => channelErrorReply(err, o.maxBytes), failure: 'channel webhook failed', log }));
}

function channelErrorReply(err: FastifyError, maxBytes: number): ErrorReplyOf {
  if (isOmnilaneError(err)) return { status: err.statusCode, body: { code: err.code, message: err.message } };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    return { status: 413, body: { code: 'ING_ERR_BODY_TOO_LARGE', message: `body is larger than the limit of ${maxBytes} bytes` } };
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, body: { code: 'ING_ERR_BAD_PAYLOAD', message: err.message } };
  }
  return toErrorReply(err, true);
}

/**
 * Keeps a refused payload in dead_letters (via the rejected topic), within the
 * per-source quota (`from` is the sender's address; beyond the quota the refusal
 * is counted, not stored), and returns the error to throw.
 */
export async function refuse(
  deps: ChannelDeps,
  provider: string,
  code: ErrorCode,
  reason: string,
  payload: string | Buffer,
  ref?: string,
  from?: string,
): Promise<OmnilaneError> {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  const at = deps.clock.now();
  await deps.ingest.keepRejectedPayload(provider, { ref: ref ?? `#${at}`, code, reason, payload: text }, from);
  deps.log.warn({ channel: provider, code, bytes: text.length }, 'channel payload refused and kept');
  return new OmnilaneError(code, reason);
}

/**
 * Hands mapped events to the ingest service under the producer `channel:<provider>`.
 * Providers whose messages name no conversation pass `assignConversations`.
 */
export async function ingestMapped(deps: ChannelDeps, provider: string, events: EventInput[], opts: IngestOptions = {}): Promise<IngestReply> {
  if (events.length === 0) return { accepted: 0, duplicates: 0, rejected: [] };
  const reply = await deps.ingest.ingest(`channel:${provider}`, { events }, opts);
  if (reply.rejected.length > 0) deps.log.warn({ channel: provider, rejected: reply.rejected.length }, 'mapped channel events rejected (kept in dead_letters)');
  return reply;
}

/** Parses an x-www-form-urlencoded body into ordered pairs and a first-value map. */
export function parseForm(body: string): { pairs: Array<[string, string]>; fields: Record<string, string> } {
  const pairs = [...new URLSearchParams(body).entries()];
  const fields: Record<string, string> = {};
  for (const [k, v] of pairs) if (!(k in fields)) fields[k] = v;
  return { pairs, fields };
}
