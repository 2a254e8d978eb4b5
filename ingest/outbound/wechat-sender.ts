import { systemClock, type Clock } from '../../shared/clock.js';
import { defaultRetry, ProviderError, SendOnce, type RetryOptions } from './http-retry.js';
import type { ChannelSender, OutboundMessage, SendResult } from './sender.js';

export interface WechatSenderOptions {
  /** API base, e.g. https://api.weixin.qq.com (WECHAT_API_URL). */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** Times the token's life; default the system clock. */
  clock?: Clock;
  retry?: Partial<RetryOptions>;
}

/** WeChat's errcodes that say the access token is expired or not valid (40014: not a token at all). */
const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);
const SYSTEM_BUSY = -1;
const WINDOW_CLOSED = 45015;
/** Refresh this long before the token's `expires_in` (at most half its life). */
const TOKEN_EARLY_S = 300;

interface WechatReply {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  msgid?: number | string;
}

/**
 * WeChat Official Account customer-service text messages: POST
 * {base}/cgi-bin/message/custom/send?access_token=… with {touser: openid,
 * msgtype: 'text', text: {content}}. The access token comes from
 * {base}/cgi-bin/token (client_credential) and is cached until shortly before
 * `expires_in`; one fetch at a time. WeChat answers HTTP 200 with an `errcode`:
 * 40001/40014/42001 (token expired or replaced) refresh the token once and
 * resend; -1 (system busy), network errors, 429 and 5xx are retried with
 * backoff; 45015 (the customer has not written within 48 hours) and every
 * other errcode fail at once. The API has no idempotency key nor message id:
 * repeats of one outbound id are answered from memory and the outbound id is
 * the provider_id.
 */
export class WechatSender implements ChannelSender {
  readonly channel = 'wechat';
  private readonly once = new SendOnce<SendResult>();
  private readonly retry: RetryOptions;
  private readonly clock: Clock;
  private readonly base: string;
  private cached: { token: string; until: number } | null = null;
  private fetching: Promise<string> | null = null;

  constructor(private readonly o: WechatSenderOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
    this.clock = o.clock ?? systemClock;
    this.base = o.baseUrl.replace(/\/+$/, '');
  }

  send(msg: OutboundMessage): Promise<SendResult> {
    return this.once.run(msg.id, async () => {
      const touser = msg.to.wechat_openid ?? msg.to.wechat;
      if (!touser) throw new Error(`wechat message ${msg.id} has no to.wechat_openid`);
      const body = JSON.stringify({ touser, msgtype: 'text', text: { content: msg.text } });
      const reply = await this.withRetries('send', async () => {
        // The token fetch has done its own retries: do not multiply them.
        const token = await this.token().catch((e: unknown) => {
          throw e instanceof ProviderError && e.retryable ? new ProviderError(e.message, e.status, false) : e;
        });
        const r = await this.call(`${this.base}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, body);
        return { token, r };
      });
      return { provider_id: reply.msgid !== undefined ? String(reply.msgid) : msg.id };
    });
  }

  /** The cached access token, fetched when absent or about to expire. */
  private token(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.until) return Promise.resolve(this.cached.token);
    this.fetching ??= this.withRetries('token', async () => {
      const q = new URLSearchParams({ grant_type: 'client_credential', appid: this.o.appId, secret: this.o.appSecret });
      return { r: await this.call(`${this.base}/cgi-bin/token?${q}`) };
    })
      .then((r) => {
        if (!r.access_token) throw new ProviderError('wechat token reply has no access_token', 200, false);
        const life = Number(r.expires_in) > 0 ? Number(r.expires_in) : 7200;
        this.cached = { token: r.access_token, until: this.clock.now() + (life - Math.min(TOKEN_EARLY_S, life / 2)) * 1000 };
        return r.access_token;
      })
      .finally(() => {
        this.fetching = null;
      });
    return this.fetching;
  }

  /**
   * Runs `attempt` until WeChat says errcode 0 (or, for the token, gives one):
   * transient failures back off up to `retries` times; a token error drops the
   * token and tries once more at once.
   */
  private async withRetries(what: 'send' | 'token', attempt: () => Promise<{ token?: string; r: WechatReply }>): Promise<WechatReply> {
    let refreshed = false;
    let last: ProviderError = new ProviderError('not sent', null, true);
    for (let i = 0; i <= this.retry.retries; i++) {
      let err: ProviderError;
      try {
        const { token, r } = await attempt();
        const code = Number(r.errcode ?? 0);
        if (code === 0) return r;
        if (what === 'send' && TOKEN_ERRCODES.has(code) && !refreshed) {
          refreshed = true;
          if (this.cached?.token === token) this.cached = null;
          i--;
          continue;
        }
        err = wechatError(what, code, r.errmsg);
      } catch (e) {
        err = e instanceof ProviderError ? e : new ProviderError(`wechat ${what}: provider unreachable: ${(e as Error).message}`, null, true);
      }
      if (!err.retryable) throw err;
      last = err;
      if (i < this.retry.retries) await this.retry.sleep(Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** i));
    }
    throw last;
  }

  /** One HTTP call (POST with a JSON body, else GET); 429/5xx and network errors are retryable. */
  private async call(url: string, body?: string): Promise<WechatReply> {
    const res = await this.retry.fetch(
      url,
      body === undefined ? { method: 'GET' } : { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body },
    );
    const text = await res.text();
    if (!res.ok) throw new ProviderError(`wechat answered ${res.status}: ${text.slice(0, 300)}`, res.status, res.status === 429 || res.status >= 500);
    try {
      return JSON.parse(text) as WechatReply;
    } catch {
      throw new ProviderError(`wechat answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`, res.status, false);
    }
  }
}

function wechatError(what: string, code: number, errmsg?: string): ProviderError {
  const detail = `errcode ${code}: ${errmsg ?? ''}`.trim();
  if (code === WINDOW_CLOSED) {
    return new ProviderError(
      `wechat ${what} refused (${detail}): the customer has not written to the Official Account within 48 hours, so customer-service messages are closed until they write again (use a template message instead)`,
      200,
      false,
    );
  }
  if (code === SYSTEM_BUSY) return new ProviderError(`wechat ${what}: system busy (${detail})`, 200, true);
  if (TOKEN_ERRCODES.has(code)) return new ProviderError(`wechat ${what}: access token still refused after a refresh (${detail})`, 200, false);
  return new ProviderError(`wechat ${what} failed (${detail})`, 200, false);
}
