import type { RejectedLine } from './types.js';

/** The limits of one POST /v1/events request (MAX_EVENTS_PER_REQUEST, MAX_INGEST_BODY_BYTES; a test keeps them equal). */
export const MAX_BATCH_EVENTS = 1000;
export const MAX_BATCH_BYTES = 1024 * 1024;
/** `{"events":[` + `]}` around the comma-separated events. */
const ENVELOPE_BYTES = Buffer.byteLength('{"events":[]}');

/** The largest event that fits a request by itself, bytes of JSON. */
export const MAX_EVENT_BYTES = MAX_BATCH_BYTES - ENVELOPE_BYTES;

/**
 * Events on their way to one request, with the lines they came from (to map the reply's rejected indexes back
 * to lines), the lines rejected before sending, and the file position after its last record.
 */
export class Batch {
  readonly events: Array<Record<string, unknown>> = [];
  readonly json: string[] = [];
  readonly lines: number[] = [];
  readonly rejected: RejectedLine[] = [];
  /** Records (events and rejected lines) this batch covers. */
  records = 0;
  /** Body size so far: the events plus the commas between them. */
  bytes = ENVELOPE_BYTES;
  end: number;
  next: number;

  constructor(at: { end: number; next: number }) {
    this.end = at.end;
    this.next = at.next;
  }

  /** Whether an event of `size` JSON bytes still fits this request. */
  fits(size: number): boolean {
    return this.events.length < MAX_BATCH_EVENTS && this.bytes + size + (this.events.length > 0 ? 1 : 0) <= MAX_BATCH_BYTES;
  }

  add(event: Record<string, unknown>, json: string, size: number, line: number): void {
    this.bytes += size + (this.events.length > 0 ? 1 : 0);
    this.events.push(event);
    this.json.push(json);
    this.lines.push(line);
  }

  /** The request body, as POST /v1/events takes it. */
  body(): string {
    return `{"events":[${this.json.join(',')}]}`;
  }

  get empty(): boolean {
    return this.events.length === 0 && this.rejected.length === 0;
  }
}
