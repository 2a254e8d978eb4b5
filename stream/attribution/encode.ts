import { AttributionError } from './errors.js';
import type { EncodedPaths, PathInput, PathRecord } from './types.js';

/** FNV-1a over the char codes of s[start, end). */
export function hashChars(s: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let q = start; q < end; q++) h = Math.imul(h ^ s.charCodeAt(q), 0x01000193);
  return h;
}

/**
 * Builds EncodedPaths incrementally: interns channel names to small integers and merges identical paths.
 * Both lookups are open-addressing hash tables, so the streaming CSV parser can intern a channel straight from
 * its text buffer (no substring unless the name is new) and a path from its channel ids (no string key).
 */
export class PathAccumulator {
  readonly channels: string[] = [];
  private chSlots = new Int32Array(64).fill(-1);
  private chHashes = new Int32Array(64);
  private pathSlots = new Int32Array(1 << 12).fill(-1);
  private pathHashes = new Int32Array(1 << 12);
  private touches = new Int32Array(1 << 14);
  private nTouches = 0;
  private offsets = new Int32Array(1 << 11);
  private conv = new Float64Array(1 << 11);
  private val = new Float64Array(1 << 11);
  private nul = new Float64Array(1 << 11);
  /** number of distinct paths so far */
  count = 0;

  /** Id of a channel name, interned on first sight. */
  channelId(name: string): number {
    return this.channelIdAt(name, 0, name.length, hashChars(name, 0, name.length));
  }

  /** Id of the channel named buf[start, end) whose hashChars is `hash`. */
  channelIdAt(buf: string, start: number, end: number, hash: number): number {
    const mask = this.chSlots.length - 1;
    const len = end - start;
    let i = hash & mask;
    for (;;) {
      const k = this.chSlots[i];
      if (k < 0) break;
      if (this.chHashes[i] === hash) {
        const name = this.channels[k];
        if (name.length === len && buf.startsWith(name, start)) return k;
      }
      i = (i + 1) & mask;
    }
    const id = this.channels.length;
    this.channels.push(start === 0 && end === buf.length ? buf : buf.slice(start, end));
    this.chSlots[i] = id;
    this.chHashes[i] = hash;
    if (this.channels.length * 2 > this.chSlots.length) this.growChannels();
    return id;
  }

  private growChannels(): void {
    const size = this.chSlots.length * 2;
    this.chSlots = new Int32Array(size).fill(-1);
    this.chHashes = new Int32Array(size);
    this.channels.forEach((name, id) => {
      const h = hashChars(name, 0, name.length);
      let i = h & (size - 1);
      while (this.chSlots[i] >= 0) i = (i + 1) & (size - 1);
      this.chSlots[i] = id;
      this.chHashes[i] = h;
    });
  }

  /** Index of the distinct path made of `ids[0..len)`, created with zero counts on first sight. */
  pathIndex(ids: ArrayLike<number>, len: number): number {
    let h = 0x811c9dc5 | 0;
    for (let j = 0; j < len; j++) h = Math.imul(h ^ ids[j], 0x01000193);
    h ^= len;
    const mask = this.pathSlots.length - 1;
    let i = h & mask;
    for (;;) {
      const k = this.pathSlots[i];
      if (k < 0) break;
      if (this.pathHashes[i] === h && this.samePath(k, ids, len)) return k;
      i = (i + 1) & mask;
    }
    const idx = this.count;
    if (idx + 2 > this.offsets.length) this.growPaths();
    if (this.nTouches + len > this.touches.length) {
      const t = new Int32Array(Math.max(this.touches.length * 2, this.nTouches + len));
      t.set(this.touches.subarray(0, this.nTouches));
      this.touches = t;
    }
    for (let j = 0; j < len; j++) this.touches[this.nTouches + j] = ids[j];
    this.nTouches += len;
    this.offsets[idx + 1] = this.nTouches;
    this.count++;
    this.pathSlots[i] = idx;
    this.pathHashes[i] = h;
    if (this.count * 2 > this.pathSlots.length) this.rehashPaths();
    return idx;
  }

  private samePath(k: number, ids: ArrayLike<number>, len: number): boolean {
    const a = this.offsets[k];
    if (this.offsets[k + 1] - a !== len) return false;
    for (let j = 0; j < len; j++) if (this.touches[a + j] !== ids[j]) return false;
    return true;
  }

  private growPaths(): void {
    const size = this.offsets.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets, (n) => new Int32Array(n));
    this.conv = grow(this.conv, (n) => new Float64Array(n));
    this.val = grow(this.val, (n) => new Float64Array(n));
    this.nul = grow(this.nul, (n) => new Float64Array(n));
  }

  private rehashPaths(): void {
    const size = this.pathSlots.length * 2;
    const oldSlots = this.pathSlots;
    const oldHashes = this.pathHashes;
    this.pathSlots = new Int32Array(size).fill(-1);
    this.pathHashes = new Int32Array(size);
    for (let s = 0; s < oldSlots.length; s++) {
      if (oldSlots[s] < 0) continue;
      let i = oldHashes[s] & (size - 1);
      while (this.pathSlots[i] >= 0) i = (i + 1) & (size - 1);
      this.pathSlots[i] = oldSlots[s];
      this.pathHashes[i] = oldHashes[s];
    }
  }

  addCounts(idx: number, conversions: number, value: number, nulls: number): void {
    this.conv[idx] += conversions;
    this.val[idx] += value;
    this.nul[idx] += nulls;
  }

  finish(): EncodedPaths {
    return {
      channels: this.channels.slice(),
      offsets: this.offsets.slice(0, this.count + 1),
      touches: this.touches.slice(0, this.nTouches),
      conversions: this.conv.slice(0, this.count),
      value: this.val.slice(0, this.count),
      nulls: this.nul.slice(0, this.count),
      count: this.count,
    };
  }
}

function checkRecord(r: PathRecord, i: number): void {
  if (r.path.length === 0) throw new AttributionError('ATTR_ERR_BAD_INPUT', `path ${i} is empty`);
  for (const k of ['conversions', 'value', 'nulls'] as const) {
    const v = r[k];
    if (!Number.isFinite(v) || v < 0) {
      throw new AttributionError('ATTR_ERR_BAD_INPUT', `path ${i}: ${k} must be a finite number >= 0, got ${v}`);
    }
  }
}

/**
 * Encodes records into the columnar form, merging identical paths (same channels in the same order) by summing
 * conversions, value and nulls. Throws AttributionError(ATTR_ERR_BAD_INPUT) on an empty path or a negative or
 * non-finite count: models take validated data.
 */
export function encodePaths(records: readonly PathRecord[]): EncodedPaths {
  const acc = new PathAccumulator();
  let ids = new Int32Array(16);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    checkRecord(r, i);
    if (ids.length < r.path.length) ids = new Int32Array(r.path.length * 2);
    for (let j = 0; j < r.path.length; j++) ids[j] = acc.channelId(r.path[j]);
    acc.addCounts(acc.pathIndex(ids, r.path.length), r.conversions, r.value, r.nulls);
  }
  return acc.finish();
}

export function isEncoded(input: PathInput): input is EncodedPaths {
  return !Array.isArray(input) && (input as EncodedPaths).offsets instanceof Int32Array;
}

/** Accepts either form; records are encoded (and so aggregated). */
export function toEncoded(input: PathInput): EncodedPaths {
  return isEncoded(input) ? input : encodePaths(input);
}

/** Back to plain records, one per distinct path, in first-seen order. */
export function decodePaths(enc: EncodedPaths): PathRecord[] {
  const out: PathRecord[] = [];
  for (let i = 0; i < enc.count; i++) {
    const path: string[] = [];
    for (let t = enc.offsets[i]; t < enc.offsets[i + 1]; t++) path.push(enc.channels[enc.touches[t]]);
    out.push({ path, conversions: enc.conversions[i], value: enc.value[i], nulls: enc.nulls[i] });
  }
  return out;
}

/** Merges identical paths (sum of conversions, value, nulls); keeps first-seen order. */
export function aggregatePaths(records: readonly PathRecord[]): PathRecord[] {
  return decodePaths(encodePaths(records));
}

export interface Totals {
  conversions: number;
  value: number;
  nulls: number;
}

export function totalsOf(enc: EncodedPaths): Totals {
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  for (let i = 0; i < enc.count; i++) {
    conversions += enc.conversions[i];
    value += enc.value[i];
    nulls += enc.nulls[i];
  }
  return { conversions, value, nulls };
}
