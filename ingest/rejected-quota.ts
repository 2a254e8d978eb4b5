/**
 * How much of the refused webhook payloads is kept. Refusals come before any authentication holds
 * (a bad signature is, by definition, anyone), so keeping every body at full size hands the disk
 * to whoever can reach the port. Pure over an injected `now`: fixed one-minute windows per source
 * (channel and address) and over all sources, plus a size cap per stored payload.
 */
export interface RejectedQuotaOptions {
  /** Payloads kept per source per window; 0 keeps none. */
  perSource: number;
  /** Bytes kept of a payload whose request carried no valid signature (the sender is unknown). */
  unsignedBytes: number;
  /** Bytes kept of any other refused payload (signed but malformed). */
  signedBytes: number;
  /** Bytes kept per window over all sources. */
  bytesPerWindow: number;
  windowMs?: number;
  /** Sources tracked at once; beyond it the oldest windows are forgotten (bounds this map too). */
  maxSources?: number;
}

export type KeepDecision = { keep: true; payload: string; truncated: boolean } | { keep: false; why: 'source' | 'total' };

export interface RejectedQuotaStats {
  kept: number;
  truncated: number;
  /** Payloads not stored at all, by reason: the source's budget or the overall byte budget. */
  dropped: { source: number; total: number };
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair (keeps it valid text). */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (end > 0 && c >= 0xd800 && c <= 0xdbff) end--;
  return s.slice(0, end);
}

export class RejectedQuota {
  private readonly sources = new Map<string, { start: number; n: number }>();
  private total = { start: 0, bytes: 0 };
  private readonly windowMs: number;
  private readonly maxSources: number;
  readonly stats: RejectedQuotaStats = { kept: 0, truncated: 0, dropped: { source: 0, total: 0 } };

  constructor(private readonly o: RejectedQuotaOptions) {
    this.windowMs = o.windowMs ?? 60_000;
    this.maxSources = o.maxSources ?? 10_000;
  }

  /** Decides whether, and how much of, one refused payload from `source` is kept at `now`. */
  decide(source: string, payload: string, signed: boolean, now: number): KeepDecision {
    let s = this.sources.get(source);
    if (!s || now - s.start >= this.windowMs) {
      if (!s && this.sources.size >= this.maxSources) this.forgetOld(now);
      s = { start: now, n: 0 };
      this.sources.set(source, s);
    }
    if (s.n >= this.o.perSource) {
      this.stats.dropped.source++;
      return { keep: false, why: 'source' };
    }
    if (now - this.total.start >= this.windowMs) this.total = { start: now, bytes: 0 };
    const cap = signed ? this.o.signedBytes : this.o.unsignedBytes;
    const kept = cutText(payload, cap);
    if (this.total.bytes + kept.length > this.o.bytesPerWindow) {
      this.stats.dropped.total++;
      return { keep: false, why: 'total' };
    }
    s.n++;
    this.total.bytes += kept.length;
    this.stats.kept++;
    const truncated = kept.length < payload.length;
    if (truncated) this.stats.truncated++;
    return { keep: true, payload: kept, truncated };
  }

  /** Drops expired windows; when all are live, the oldest half (a flood of addresses must not grow the map). */
  private forgetOld(now: number): void {
    for (const [k, v] of this.sources) if (now - v.start >= this.windowMs) this.sources.delete(k);
    if (this.sources.size < this.maxSources) return;
    const byAge = [...this.sources.entries()].sort((a, b) => a[1].start - b[1].start);
    for (const [k] of byAge.slice(0, Math.ceil(byAge.length / 2))) this.sources.delete(k);
  }
}
