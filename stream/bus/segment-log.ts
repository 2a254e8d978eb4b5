import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { BusMessage } from '../../shared/ports/event-bus.js';
import { JournalFile } from '../state/journal-file.js';

/** One file of a partition's log: offsets [base, next segment's base). */
export interface Segment {
  base: number;
  path: string;
  bytes: number;
  /** Newest record timestamp in the segment (epoch ms); -Infinity when empty. */
  lastTs: number;
}

export interface Retention {
  /** Segments whose newest record is older than this go (ms; 0 = never by time). */
  ms: number;
  /** Oldest segments go while the partition is larger than this (bytes; 0 = never by size). */
  bytes: number;
}

/**
 * How many of the oldest segments retention deletes, Kafka's way: whole segments only, never the
 * active (last) one, by age of their newest record or while the partition exceeds its size. Pure.
 */
export function segmentsToDelete(segments: readonly Pick<Segment, 'bytes' | 'lastTs'>[], now: number, r: Retention): number {
  let total = segments.reduce((n, s) => n + s.bytes, 0);
  let n = 0;
  while (n < segments.length - 1) {
    const s = segments[n];
    const tooOld = r.ms > 0 && s.lastTs < now - r.ms;
    const tooBig = r.bytes > 0 && total > r.bytes;
    if (!tooOld && !tooBig) break;
    total -= s.bytes;
    n++;
  }
  return n;
}

/** Parses one log line `offset \t timestamp \t JSON key \t value`. */
export function parseLine(topic: string, partition: number, line: string): BusMessage {
  const t1 = line.indexOf('\t');
  const t2 = line.indexOf('\t', t1 + 1);
  const t3 = line.indexOf('\t', t2 + 1);
  return {
    topic,
    partition,
    offset: Number(line.slice(0, t1)),
    timestamp: Number(line.slice(t1 + 1, t2)),
    key: JSON.parse(line.slice(t2 + 1, t3)) as string,
    value: line.slice(t3 + 1),
  };
}

export const formatLine = (m: BusMessage) => `${m.offset}\t${m.timestamp}\t${JSON.stringify(m.key)}\t${m.value}`;

const segmentName = (base: number) => `${String(base).padStart(20, '0')}.log`;

/**
 * A partition's log as a list of segment files in `<dir>/<topic>-<n>/`, named by their first
 * offset, rolled at `segmentBytes`, so retention can delete whole old files while appends go on.
 * A log written before segments existed (`<dir>/<topic>-<n>.log`) is read as the first segment.
 */
export class SegmentLog {
  readonly segments: Segment[] = [];
  private active: JournalFile;
  private readonly folder: string;

  constructor(
    dir: string,
    private readonly topic: string,
    private readonly partition: number,
    private readonly segmentBytes: number,
    private readonly fsync = false,
  ) {
    this.folder = join(dir, `${topic}-${partition}`);
    const legacy = join(dir, `${topic}-${partition}.log`);
    if (existsSync(legacy)) this.segments.push({ base: 0, path: legacy, bytes: 0, lastTs: -Infinity });
    if (existsSync(this.folder)) {
      for (const f of readdirSync(this.folder)
        .filter((n) => /^\d{20}\.log$/.test(n))
        .sort()) {
        this.segments.push({ base: Number(f.slice(0, 20)), path: join(this.folder, f), bytes: 0, lastTs: -Infinity });
      }
    }
    if (this.segments.length === 0) {
      mkdirSync(this.folder, { recursive: true });
      this.segments.push({ base: 0, path: join(this.folder, segmentName(0)), bytes: 0, lastTs: -Infinity });
    }
    this.active = new JournalFile(this.segments[this.segments.length - 1].path, fsync);
  }

  /** Every record on disk, oldest first (cuts a torn last line); fills in segment sizes and ages. */
  loadAll(): BusMessage[] {
    const out: BusMessage[] = [];
    for (const s of this.segments) {
      const lines = JournalFile.readLines(s.path).filter(Boolean);
      s.bytes = existsSync(s.path) ? statSync(s.path).size : 0;
      for (const l of lines) {
        const m = parseLine(this.topic, this.partition, l);
        out.push(m);
        if (m.timestamp > s.lastTs) s.lastTs = m.timestamp;
      }
      if (lines.length > 0 && s.path.endsWith(`${this.topic}-${this.partition}.log`)) s.base = parseLine(this.topic, this.partition, lines[0]).offset;
    }
    return out;
  }

  /** First offset still on disk. */
  get startOffset(): number {
    return this.segments[0].base;
  }

  /**
   * Appends records (consecutive offsets, in order); rolls to a new segment first when the active
   * one has reached `segmentBytes`. Resolves when the bytes are in the file.
   */
  append(msgs: BusMessage[]): Promise<void> {
    if (msgs.length === 0) return Promise.resolve();
    if (this.active.size >= this.segmentBytes) this.roll(msgs[0].offset);
    const seg = this.segments[this.segments.length - 1];
    const lines = msgs.map(formatLine);
    for (const m of msgs) if (m.timestamp > seg.lastTs) seg.lastTs = m.timestamp;
    seg.bytes += lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    return this.active.append(lines);
  }

  private roll(base: number): void {
    this.active.close(); // flushes what earlier publishes queued: their promises resolve
    mkdirSync(this.folder, { recursive: true });
    const path = join(this.folder, segmentName(base));
    this.segments.push({ base, path, bytes: 0, lastTs: -Infinity });
    this.active = new JournalFile(path, this.fsync);
  }

  /** Deletes the whole old segments retention no longer keeps; returns the new start offset. */
  applyRetention(now: number, r: Retention): number {
    const n = segmentsToDelete(this.segments, now, r);
    for (const s of this.segments.splice(0, n)) unlinkSync(s.path);
    return this.startOffset;
  }

  /** Records from `offset` on (at most `max`, below `until`), read from the files: for consumers far behind. */
  read(offset: number, max: number, until: number): BusMessage[] {
    const out: BusMessage[] = [];
    for (let i = 0; i < this.segments.length && out.length < max; i++) {
      const nextBase = i + 1 < this.segments.length ? this.segments[i + 1].base : Infinity;
      if (nextBase <= offset) continue;
      const s = this.segments[i];
      if (s.base >= until) break;
      const text = existsSync(s.path) ? readFileSync(s.path, 'utf8') : '';
      for (const line of text.split('\n')) {
        if (!line) continue;
        const m = parseLine(this.topic, this.partition, line);
        if (m.offset < offset) continue;
        if (m.offset >= until || out.length >= max) return out;
        out.push(m);
      }
    }
    return out;
  }

  close(): void {
    this.active.close();
  }
}
