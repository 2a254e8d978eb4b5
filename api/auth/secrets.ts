import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A new random secret (API key, session id, CSRF token): 24 bytes, base64url. */
export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The stored form of a high-entropy secret (API key, session id): SHA-256 hex. A random 192-bit secret needs no
 * slow hash, and a fast one lets every request find its key in one map access (no per-key comparison loop).
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Argon2id (algorithm 2) at OWASP's minimum: 19 MiB, 2 passes, 1 lane; the PHC string carries parameters and salt. */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

/** Compares in constant time; a malformed stored hash reads as a wrong password. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A password people can type: 4 groups of 5 letters and digits from a 32-symbol alphabet (100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  let out = '';
  for (let i = 0; i < 20; i++) out += alphabet[bytes[i] % 32] + (i % 5 === 4 && i < 19 ? '-' : '');
  return out;
}

/** Passwords of people: 10 to 256 characters, no composition rules (NIST SP 800-63B). Null when acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'a password needs at least 10 characters';
  if (password.length > 256) return 'a password may have at most 256 characters';
  return null;
}
