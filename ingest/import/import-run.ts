import type { ErrorCode } from '../../shared/errors.js';
import { Batch, MAX_EVENT_BYTES } from './batch.js';
import { emptyCounts, writeCheckpoint, type ImportCheckpoint, type ImportCounts, type ImportIdentity } from './checkpoint.js';
import type { CsvMappingSpec } from './csv-mapping.js';
import { readRecords } from './records.js';
import type { RejectReport } from './reject-report.js';
import type { ImportFormat, RejectedLine } from './types.js';

/** The pipeline's answer to one batch: the same shape as POST /v1/events' 202 reply. */
export interface SinkReply {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; code: ErrorCode; message: string }>;
}

/** Where batches go: the ingest service in this process, or a running deployment over HTTP. */
export interface ImportSink {
  /**
   * Sends one batch and resolves once the pipeline acknowledged it (it is on the bus). Throws only when it
   * could not be delivered (after the sink's own retries); the batch is then not acknowledged.
   */
  send(batch: Batch): Promise<SinkReply>;
}

export interface ImportProgress {
  /** Byte offset acknowledged so far, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
  counts: ImportCounts;
}

export interface RunImportOptions {
  path: string;
  format: ImportFormat;
  mapping?: CsvMappingSpec;
  identity: ImportIdentity;
  sink: ImportSink;
  /** Where to resume: a checkpoint of this same import, or null to start at the first line. */
  resume: ImportCheckpoint | null;
  checkpointPath: string;
  report: RejectReport;
  onProgress?: (p: ImportProgress) => void;
  /** Aborting stops after the batch in flight is acknowledged and checkpointed (Ctrl-C). */
  signal?: AbortSignal;
}

export interface ImportResult {
  counts: ImportCounts;
  /** False when the signal stopped it early; the checkpoint says where to go on. */
  complete: boolean;
  nextLine: number;
}

/**
 * Reads the file from the checkpoint on, sends events in batches of at most 1000 events / 1 MiB, and after each
 * acknowledged batch appends its rejected lines to the report and then moves the checkpoint past it. A crash
 * between the two re-sends that batch on resume: the pipeline answers its events as duplicates of themselves
 * (each id counts once) and the report is cut back to the checkpoint's size, so nothing is counted twice.
 */
export async function runImport(o: RunImportOptions): Promise<ImportResult> {
  const c: ImportCheckpoint = o.resume
    ? structuredClone(o.resume)
    : { version: 1, identity: o.identity, nextByte: 0, nextLine: 1, reportBytes: 0, counts: emptyCounts(), done: false };
  const counts = c.counts;
  const progress = () => o.onProgress?.({ bytes: c.nextByte, totalBytes: o.identity.size, counts });
  if (c.done) {
    progress();
    return { counts, complete: true, nextLine: c.nextLine };
  }

  const reject = (b: Batch, r: RejectedLine) => {
    b.rejected.push(r);
    counts.rejected++;
    counts.byCode[r.code] = (counts.byCode[r.code] ?? 0) + 1;
  };
  const flush = async (b: Batch) => {
    if (b.events.length > 0) {
      const reply = await o.sink.send(b);
      counts.accepted += reply.accepted;
      counts.duplicates += reply.duplicates;
      for (const r of reply.rejected) reject(b, { line: b.lines[r.index], code: r.code, reason: r.message });
      b.rejected.sort((x, y) => x.line - y.line);
    }
    o.report.append(b.rejected);
    counts.lines += b.records;
    Object.assign(c, { nextByte: b.end, nextLine: b.next, reportBytes: o.report.bytes });
    writeCheckpoint(o.checkpointPath, c);
    progress();
  };

  progress();
  let batch = new Batch({ end: c.nextByte, next: c.nextLine });
  for await (const rec of readRecords(o.path, { format: o.format, fromByte: c.nextByte, fromLine: c.nextLine, mapping: o.mapping })) {
    if (rec.ok) {
      const json = JSON.stringify(rec.event);
      const size = Buffer.byteLength(json);
      if (size > MAX_EVENT_BYTES) {
        reject(batch, { line: rec.line, code: 'IMPORT_ERR_TOO_LARGE', reason: `the event is ${size} bytes; one request carries at most ${MAX_EVENT_BYTES}` });
      } else {
        if (!batch.fits(size)) {
          await flush(batch);
          if (o.signal?.aborted) return { counts, complete: false, nextLine: c.nextLine };
          batch = new Batch(batch);
        }
        batch.add(rec.event, json, size, rec.line);
      }
    } else {
      reject(batch, { line: rec.line, code: rec.code, reason: rec.reason });
    }
    batch.records++;
    batch.end = rec.end;
    batch.next = rec.next;
    // A long run of bad lines still moves the checkpoint on.
    if (batch.rejected.length >= 1000) {
      await flush(batch);
      if (o.signal?.aborted) return { counts, complete: false, nextLine: c.nextLine };
      batch = new Batch(batch);
    }
  }
  if (!batch.empty || batch.end !== c.nextByte) await flush(batch);
  c.done = true;
  writeCheckpoint(o.checkpointPath, c);
  progress();
  return { counts, complete: true, nextLine: c.nextLine };
}
