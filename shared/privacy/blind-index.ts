import { createHmac } from 'node:crypto';

/**
 * Blind indexes: a keyed hash (HMAC-SHA-256 with a key kept apart from the master keys) of a normalised
 * identifier, so equal phones or e-mails find each other (identity resolution, search, bus keys) while the
 * stored value reveals nothing without the key. The identifier's kind stays readable (`phone:`, `email:`,
 * `wechat:` …) because routing and the shared-identifier guard reason about kinds, never about values.
 * 128 bits of the HMAC, base32: collisions are negligible and the form is short and URL-safe.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const BLIND_MARK = '~';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/** `kind:value` → `kind:~<26 base32 chars>`; an identifier already blinded is returned as it is. */
export function blindIdentifier(key: Buffer, identifier: string): string {
  const colon = identifier.indexOf(':');
  const kind = colon < 0 ? '' : identifier.slice(0, colon);
  const value = colon < 0 ? identifier : identifier.slice(colon + 1);
  if (value.startsWith(BLIND_MARK)) return identifier;
  const mac = createHmac('sha256', key).update(`${kind}\u0000${value}`, 'utf8').digest().subarray(0, 16);
  return `${kind}:${BLIND_MARK}${base32(mac)}`;
}

export function isBlinded(identifier: string): boolean {
  return identifier.slice(identifier.indexOf(':') + 1).startsWith(BLIND_MARK);
}
