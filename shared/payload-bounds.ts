import type { ErrorCode } from './errors.js';

/**
 * Structural bounds every event must respect before any later stage touches it. Later stages
 * (JSON.stringify for the bus, DuckDB's UTF-8 conversion, the profile builder) recurse or assume
 * valid text, so a hostile value must be stopped here, per event, before it can fail a batch.
 */
export const PAYLOAD_BOUNDS = {
  /** Deepest nesting of objects/arrays below the event root (the event itself is depth 0). */
  maxDepth: 32,
  /** Longest single string (key or value), in UTF-16 code units. Message texts fit comfortably. */
  maxStringLength: 64 * 1024,
  /** Most values (scalars, objects, arrays) in one event: bounds the walk itself. */
  maxNodes: 10_000,
} as const;

/**
 * Documented numeric bounds (docs/events.md): money values (deal.won and opportunity.created
 * properties.value) in [0, 1e12], since a trillion in any currency is beyond any real deal and sums of
 * billions of them stay finite; every other number finite and within ±1e20 (room for epoch
 * nanoseconds) so no sum can overflow to Infinity. JSON.parse turns 1e400 into Infinity, hence the check.
 */
export const NUMBER_BOUNDS = {
  moneyMax: 1e12,
  anyAbsMax: 1e20,
} as const;

export interface BoundsViolation {
  code: ErrorCode;
  message: string;
}

/** True when `s` holds a UTF-16 surrogate without its partner (not encodable as UTF-8). */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function checkString(s: string, path: string): BoundsViolation | null {
  if (s.length > PAYLOAD_BOUNDS.maxStringLength) {
    return { code: 'ING_ERR_TOO_LARGE_VALUE', message: `${path}: string of ${s.length} characters is longer than ${PAYLOAD_BOUNDS.maxStringLength}` };
  }
  if (hasLoneSurrogate(s)) return { code: 'ING_ERR_BAD_UNICODE', message: `${path}: text holds a lone UTF-16 surrogate (not valid Unicode)` };
  return null;
}

/**
 * Walks a parsed JSON value with an explicit stack (never recursion, so 100,000 levels cannot
 * overflow the call stack) and returns the first violation: depth, node count, string length,
 * lone surrogates (in keys too), non-finite or out-of-range numbers. Paths name the culprit.
 */
export function checkBounds(root: unknown, rootPath = 'event'): BoundsViolation | null {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: root, path: rootPath, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (++nodes > PAYLOAD_BOUNDS.maxNodes) {
      return { code: 'ING_ERR_TOO_LARGE_VALUE', message: `${rootPath}: more than ${PAYLOAD_BOUNDS.maxNodes} values in one event` };
    }
    if (typeof v === 'string') {
      const bad = checkString(v, path);
      if (bad) return bad;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v) || Math.abs(v) > NUMBER_BOUNDS.anyAbsMax) {
        return { code: 'ING_ERR_OUT_OF_RANGE', message: `${path}: ${v} is outside the accepted range ±${NUMBER_BOUNDS.anyAbsMax}` };
      }
    } else if (v !== null && typeof v === 'object') {
      if (depth >= PAYLOAD_BOUNDS.maxDepth) {
        return { code: 'ING_ERR_TOO_DEEP', message: `${path}: nested deeper than ${PAYLOAD_BOUNDS.maxDepth} levels` };
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i];
          const badKey = checkString(k, `${path} key`);
          if (badKey) return badKey;
          stack.push({ v: (v as Record<string, unknown>)[k], path: `${path}.${k.length > 40 ? `${k.slice(0, 40)}…` : k}`, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}
