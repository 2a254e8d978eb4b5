import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The e-mail unsubscribe link's token: `<payload>.<mac>`, base64url, HMAC-SHA256
 * under the follow-up secret. The payload names the customer id (an internal
 * id, never an address) and the channel; a changed byte fails the check.
 */
export interface UnsubscribeClaim {
  customerId: string;
  channel: string;
}

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`omnilane-unsubscribe:${payload}`).digest('base64url');

export function signUnsubscribe(secret: string, c: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify({ c: c.customerId, ch: c.channel })).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The claim, or null when the token is not one signed with `secret`. */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaim | null {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined || token.length > 1024) return null;
  const want = Buffer.from(mac(secret, payload));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const o = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c?: unknown; ch?: unknown };
    return typeof o.c === 'string' && typeof o.ch === 'string' ? { customerId: o.c, channel: o.ch } : null;
  } catch {
    return null;
  }
}
