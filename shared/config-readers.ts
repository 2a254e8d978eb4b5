/**
 * Readers of one environment variable each, for loadConfig (config.ts) and its sections: a value of the right kind,
 * the default when unset or empty, or CFG_ERR_INVALID naming the variable.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OmnilaneError } from './errors.js';
import { isTimeZone } from './time-zone.js';

export type Env = Record<string, string | undefined>;

export function fail(name: string, why: string): never {
  throw new OmnilaneError('CFG_ERR_INVALID', `${name}: ${why}`);
}

export function erasurePolicy(env: Env, name: string): 'drop' | 'new_identity' {
  const v = env[name] || 'drop';
  if (v !== 'drop' && v !== 'new_identity') fail(name, `must be drop or new_identity, got ${JSON.stringify(v)}`);
  return v;
}

export function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) fail(name, `must be an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) fail(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function fraction(env: Env, name: string, def: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw.trim());
  if (!/^\d*\.?\d+$/.test(raw.trim()) || !(n >= 0 && n <= 1)) fail(name, `must be a number from 0 to 1, got ${JSON.stringify(raw)}`);
  return n;
}

export function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  return fail(name, `must be true or false, got ${JSON.stringify(raw)}`);
}

export function key(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(raw)) fail(name, 'must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -');
  return raw;
}

export function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(name, `is not a URL: ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(u.protocol)) fail(name, `must start with ${protocols.join(' or ')}`);
  return raw;
}

export function secret(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > 512 || /\s/.test(raw)) fail(name, 'must be 1 to 512 characters without spaces');
  return raw;
}

export function namespace(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) fail(name, 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');
  return raw;
}

/**
 * WEBCHAT_SITE_KEYS: comma-separated `key@origin|origin…`, e.g.
 * `pk_shop_12345678@https://shop.example|https://www.shop.example,pk_dev_12345678@*`;
 * an origin is scheme://host[:port], `*` allows any site.
 */
export function webchatSiteKeys(env: Env, name: string): Array<{ key: string; origins: string[] }> {
  const raw = env[name]?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const [key, list, extra] = entry.trim().split('@');
    if (!/^[A-Za-z0-9_-]{8,128}$/.test(key ?? '') || !list || extra !== undefined)
      fail(name, `entry ${JSON.stringify(entry)} must be key@origin|origin… with an 8 to 128 character key of A-Z a-z 0-9 _ -`);
    const origins = list.split('|').map((o) => o.trim());
    for (const o of origins) {
      let ok = o === '*';
      try {
        ok ||= /^https?:$/.test(new URL(o).protocol) && new URL(o).origin === o.toLowerCase();
      } catch {
        ok = false;
      }
      if (!ok) fail(name, `origin ${JSON.stringify(o)} must be * or scheme://host[:port] without a path`);
    }
    return { key, origins };
  });
}

export function channelPriority(env: Env, name: string, def: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (env[name] || def)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-z][a-z0-9_]{0,31}):(\d{1,4})$/.exec(part);
    if (!m) fail(name, `"${part}" is not channel:weight (a channel name and a weight 0-9999)`);
    out[m[1]] = Number(m[2]);
  }
  return Object.freeze(out);
}

export function keywords(env: Env, name: string, def: string): readonly string[] {
  const list = [
    ...new Set(
      (env[name] ?? def)
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (list.some((k) => k.length > 64)) fail(name, 'keywords must be at most 64 characters each');
  return Object.freeze(list);
}

export function countryCode(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim().replace(/^\+/, '');
  if (raw === undefined || raw === '') return undefined;
  if (!/^[1-9]\d{0,2}$/.test(raw)) fail(name, `must be a country calling code of 1 to 3 digits (e.g. 86), got ${JSON.stringify(env[name])}`);
  return raw;
}

export function timeZone(env: Env, name: string, def: string): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return def;
  if (!isTimeZone(raw)) fail(name, `must be an IANA time zone such as Asia/Shanghai or UTC, got ${JSON.stringify(raw)}`);
  return raw;
}

export function file(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!existsSync(raw)) fail(name, `no such file: ${JSON.stringify(raw)}`);
  return resolve(raw);
}

/** CORS_ORIGINS: comma-separated scheme://host[:port] origins, no paths, no wildcard. */
export function origins(env: Env, name: string): readonly string[] {
  const raw = env[name]?.trim();
  if (!raw) return Object.freeze([]);
  return Object.freeze(
    raw.split(',').map((o) => {
      const t = o.trim();
      let ok: boolean;
      try {
        ok = /^https?:$/.test(new URL(t).protocol) && new URL(t).origin === t.toLowerCase();
      } catch {
        ok = false;
      }
      if (!ok) fail(name, `${JSON.stringify(t)} must be an origin scheme://host[:port] without a path (no wildcard)`);
      return t.toLowerCase();
    }),
  );
}

/** Both or neither of a certificate and its key. */
export function pair(env: Env, cert: string, key: string): { certFile?: string; keyFile?: string } {
  const c = file(env, cert);
  const k = file(env, key);
  if (Boolean(c) !== Boolean(k)) fail(c ? key : cert, `must be set together with ${c ? cert : key}`);
  return c && k ? { certFile: c, keyFile: k } : {};
}
