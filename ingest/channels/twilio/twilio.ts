import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseForm, refuse, safeEqual, guardChannel, type ChannelDeps } from '../common.js';

/** The empty TwiML document: "received, nothing to say". */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Twilio's request signature: HMAC-SHA1 (key: the auth token) over the full
 * URL Twilio called followed by every POST parameter as name+value, sorted by
 * name (then value), base64-encoded.
 */
export function twilioSignature(authToken: string, url: string, params: Array<[string, string]>): string {
  const sorted = [...params].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let data = url;
  for (const [k, v] of sorted) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Sets up a Twilio-style form webhook in this encapsulated context: the form
 * body is kept as the raw string (the signature covers the decoded
 * parameters), and the channel is disabled until TWILIO_AUTH_TOKEN and
 * PUBLIC_BASE_URL are set.
 */
export function twilioFormContext(app: FastifyInstance, deps: ChannelDeps, provider: string, maxBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
  guardChannel(app, deps, {
    provider,
    maxBytes,
    disabledReason: () =>
      !deps.config.twilioAuthToken ? 'set TWILIO_AUTH_TOKEN' : !deps.config.publicBaseUrl ? 'set PUBLIC_BASE_URL (Twilio signs the URL it called)' : null,
  });
}

/** Checks X-Twilio-Signature against the public URL; a mismatch is kept and thrown as 401. */
export async function verifiedTwilioForm(deps: ChannelDeps, provider: string, req: FastifyRequest): Promise<Record<string, string>> {
  const raw = typeof req.body === 'string' ? req.body : '';
  const { pairs, fields } = parseForm(raw);
  const url = `${deps.config.publicBaseUrl}${req.url}`;
  const sig = req.headers['x-twilio-signature'];
  if (typeof sig !== 'string' || !safeEqual(sig, twilioSignature(deps.config.twilioAuthToken!, url, pairs))) {
    throw await refuse(
      deps,
      provider,
      'ING_ERR_BAD_SIGNATURE',
      'X-Twilio-Signature is missing or does not match (check TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL)',
      raw,
      fields.MessageSid ?? fields.CallSid,
      req.ip,
    );
  }
  return fields;
}

/** Twilio's RFC 2822 `Timestamp` (voice) to epoch ms, else `fallback`. */
export function twilioTime(v: string | undefined, fallback: number): number {
  const ms = v ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? fallback : ms;
}
