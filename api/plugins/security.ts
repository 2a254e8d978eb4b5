import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { OmnilaneError } from '../../shared/errors.js';
import type { Clock } from '../../shared/clock.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { sharedRateLimitStore } from './security-rate-limit-store.js';

export interface RateLimits {
  /** Requests per IP per minute on every route but event ingestion (RATE_LIMIT_PER_MIN). */
  perMinute: number;
  /** Requests per IP per minute on POST /v1/events, whose callers batch at high rates (RATE_LIMIT_INGEST_PER_MIN). */
  ingestPerMinute: number;
  /** Where the counters live: the StateStore, so every process of a deployment shares them (Redis in distributed mode). */
  state: StateStore;
  clock: Clock;
}

export interface SecurityOptions {
  /** HTTPS is on (TLS_CERT_FILE or TLS_SELF_SIGNED): adds HSTS and upgrade-insecure-requests. */
  tls: boolean;
  /** CORS_ORIGINS: browser origins allowed to call the API from another site; none by default (same origin only). */
  corsOrigins: readonly string[];
  /** Absent: no rate limits (in-process tests of the routes); `omnilane start` always gives them. */
  rateLimits?: RateLimits;
}

/**
 * The Content-Security-Policy of everything the server answers. The dashboard is one script bundle and one
 * stylesheet from this origin (Vite's build output has no inline script or style) and ECharts draws on
 * canvas: no inline script, no script attribute, no <style> element runs, so injected markup cannot run.
 * The one allowance is style attributes (ECharts' tooltip HTML). Framing is refused (clickjacking).
 */
export function contentSecurityPolicy(tls: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'style-src-elem': ["'self'"],
    // ECharts writes its tooltips as HTML with style attributes (colour markers, layout); attributes cannot
    // run script, and <style> elements and foreign stylesheets stay refused (style-src-elem).
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'script-src-attr': ["'none'"],
    // Only over HTTPS: on plain HTTP it would send the page's own requests to an https:// that does not answer.
    'upgrade-insecure-requests': tls ? [] : null,
  };
}

/** Answers the CORS preflight and marks replies for the configured origins only; other origins get no CORS headers. */
function cors(app: FastifyInstance, origins: ReadonlySet<string>): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) return;
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      return reply
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type, x-csrf-token, x-request-id')
        .header('access-control-max-age', '600')
        .status(204)
        .send();
    }
  });
}

/**
 * Security headers (helmet: CSP, X-Frame-Options DENY, nosniff, referrer policy, HSTS when TLS), CORS for
 * configured origins only, and rate limits on every route. Channel webhooks (/v1/channels/…) keep their own
 * per-source token bucket (ingest/channels/rate-limit.ts) instead: providers call from few addresses.
 */
export const securityPlugin = fp(async (app: FastifyInstance, opts: SecurityOptions) => {
  // helmet's middleware is built once here and applied to every request. (@fastify/helmet 13 built it again on each
  // request, re-parsing the CSP directives: about 20 µs of a single-event POST's main-thread time.)
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(opts.tls) },
    frameguard: { action: 'deny' },
    hsts: opts.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    // /widget.js is embedded by customers' sites: its route sets cross-origin itself.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (req, reply, done) => {
    securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
  cors(app, new Set(opts.corsOrigins));
  const limits = opts.rateLimits;
  if (!limits) return;
  app.addHook('onRoute', (route) => {
    const url = route.url ?? '';
    if (url.startsWith('/v1/channels/')) route.config = { ...(route.config as object), rateLimit: false };
    else if (url === '/v1/events') route.config = { ...(route.config as object), rateLimit: { max: limits.ingestPerMinute, timeWindow: 60_000 } };
  });
  await app.register(rateLimit, {
    global: true,
    max: limits.perMinute,
    timeWindow: 60_000,
    // The socket's address (trustProxy is off, so X-Forwarded-For cannot pick someone else's bucket).
    keyGenerator: (req) => req.ip,
    store: sharedRateLimitStore(limits.state, limits.clock),
    // A StateStore outage (Redis down) must not take every route down with it: the limiter fails open.
    skipOnError: true,
    // A token bucket has no fixed window to count down: only the limit and Retry-After are honest headers.
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_req, ctx) =>
      new OmnilaneError('API_ERR_RATE_LIMITED', `more than ${ctx.max} requests per minute from this address; retry after ${ctx.after}`),
  });
});
