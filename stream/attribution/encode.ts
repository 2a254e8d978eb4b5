import { AttributionError } from './errors.js';
import type { EncodedPaths, PathInput, PathRecord } from './types.js';

/**
 * Builds EncodedPaths incrementally: interns channel names to small integers and merges identical paths.
 * Used by encodePaths and by the streaming CSV parser (which caches raw path strings in front of it).
 */
export class PathAccumulator {
  readonly channels: string[] = [];
  private readonly channelIds = new Map<string, number>();
  private readonly pathIds = new Map<string, number>();
  private touches: number[] = [];
  private offsets: number[] = [0];
  private conv: number[] = [];
  private val: number[] = [];
  private nul: number[] = [];

  /** Id of a channel name, interned on first sight. */
  channelId(name: string): number {
    let id = this.channelIds.get(name);
    if (id === undefined) {
      id = this.channels.length;
      this.channels.push(name);
      this.channelIds.set(name, id);
    }
    return id;
  }

  /** Index of the distinct path made of `ids[0..len)`, created with zero counts on first sight. */
  pathIndex(ids: ArrayLike<number>, len: number): number {
    let key = '';
    if (this.channels.length < 0xffff) {
      for (let i = 0; i < len; i++) key += String.fromCharCode(ids[i]);
    } else {
      for (let i = 0; i < len; i++) key += (i ? ',' : '') + ids[i];
    }
    let idx = this.pathIds.get(key);
    if (idx === undefined) {
      idx = this.conv.length;
      this.pathIds.set(key, idx);
      for (let i = 0; i < len; i++) this.touches.push(ids[i]);
      this.offsets.push(this.touches.length);
      this.conv.push(0);
      this.val.push(0);
      this.nul.push(0);
    }
    return idx;
  }

  addCounts(idx: number, conversions: number, value: number, nulls: number): void {
    this.conv[idx] += conversions;
    this.val[idx] += value;
    this.nul[idx] += nulls;
  }

  finish(): EncodedPaths {
    return {
      channels: this.channels.slice(),
      offsets: Int32Array.from(this.offsets),
      touches: Int32Array.from(this.touches),
      conversions: Float64Array.from(this.conv),
      value: Float64Array.from(this.val),
      nulls: Float64Array.from(this.nul),
      count: this.conv.length,
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
  return isEncoded(input) ? input : encodePaths(input as readonly PathRecord[]);
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
