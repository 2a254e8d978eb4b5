import { OmnilaneError } from '../errors.js';
import { open, seal } from './master-keys.js';

/**
 * The text form of an encrypted personal field: `pd1.<data key version>.<base64url iv ‖ ciphertext ‖ tag>`.
 * The associated data binds the value to its customer and field, so a ciphertext moved to another customer or
 * field does not decrypt. Plain strings never start with `pd1.` after ingest (see isEncryptedField).
 */
const PREFIX = 'pd1.';

export function encryptField(dataKey: Buffer, version: number, plaintext: string, customerId: string, field: string): string {
  return `${PREFIX}${version}.${seal(dataKey, Buffer.from(plaintext, 'utf8'), `${customerId}\u0000${field}`).toString('base64url')}`;
}

export function isEncryptedField(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/** The data key version a ciphertext names (to fetch the right key before decrypting). */
export function fieldKeyVersion(value: string): number {
  const dot = value.indexOf('.', PREFIX.length);
  const v = Number(value.slice(PREFIX.length, dot));
  if (!value.startsWith(PREFIX) || dot < 0 || !Number.isInteger(v) || v < 1) {
    throw new OmnilaneError('PRIV_ERR_DECRYPT', 'not an encrypted field');
  }
  return v;
}

export function decryptField(dataKey: Buffer, value: string, customerId: string, field: string): string {
  fieldKeyVersion(value);
  const body = value.slice(value.indexOf('.', PREFIX.length) + 1);
  return open(dataKey, Buffer.from(body, 'base64url'), `${customerId}\u0000${field}`).toString('utf8');
}
