/**
 * Incremental Server-Sent Events parser (WHATWG HTML "event stream interpretation"), written as a pure
 * step function so it can be fed chunks split anywhere: `feedSse(state, chunk) → { state, outputs }`.
 * Input is text; byte → text decoding (which must also cope with split UTF-8 sequences) is the caller's
 * job (`TextDecoder` with `{ stream: true }`).
 */

/** A dispatched message. `event` defaults to "message"; multi-line data is joined with "\n". */
export interface SseMessage {
  kind: 'event';
  event: string;
  data: string;
  id: string;
}

/** A comment line (": ping"); servers use them as keep-alives. */
export interface SseComment {
  kind: 'comment';
  text: string;
}

/** A `retry: <ms>` field: the server's suggested reconnection delay. */
export interface SseRetry {
  kind: 'retry';
  ms: number;
}

export type SseOutput = SseMessage | SseComment | SseRetry;

export interface SseState {
  /** Text of the current line not yet terminated. */
  readonly buffer: string;
  /** The previous chunk ended in "\r": a "\n" opening the next chunk belongs to the same line break. */
  readonly sawCR: boolean;
  /** Whether any text was seen (a leading BOM is only skipped at the very start). */
  readonly started: boolean;
  readonly event: string;
  readonly data: readonly string[];
  readonly lastEventId: string;
}

export const initialSseState: SseState = Object.freeze({
  buffer: '',
  sawCR: false,
  started: false,
  event: '',
  data: Object.freeze([]),
  lastEventId: '',
});

/** Feeds one chunk of text; returns the next state and whatever the completed lines produced, in order. */
export function feedSse(state: SseState, chunk: string): { state: SseState; outputs: SseOutput[] } {
  if (chunk.length === 0) return { state, outputs: [] };
  const outputs: SseOutput[] = [];
  let text = chunk;
  let { buffer, sawCR, started, event, lastEventId } = state;
  let data = state.data.slice();

  if (!started) {
    started = true;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }

  const processLine = (line: string): void => {
    if (line === '') {
      if (data.length > 0) outputs.push({ kind: 'event', event: event || 'message', data: data.join('\n'), id: lastEventId });
      event = '';
      data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) {
      outputs.push({ kind: 'comment', text: stripOneSpace(line.slice(1)) });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : stripOneSpace(line.slice(colon + 1));
    switch (field) {
      case 'event':
        event = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\u0000')) lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) outputs.push({ kind: 'retry', ms: Number(value) });
        break;
      default:
        // unknown fields are ignored, as the spec says
        break;
    }
  };

  let i = 0;
  if (sawCR) {
    if (text.charCodeAt(0) === 10) i = 1;
    sawCR = false;
  }
  let lineStart = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    const line = buffer + text.slice(lineStart, i);
    buffer = '';
    processLine(line);
    if (c === 13) {
      if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === 10) i++;
      } else {
        sawCR = true;
      }
    }
    lineStart = i + 1;
  }
  buffer += text.slice(lineStart);

  return { state: { buffer, sawCR, started, event, data, lastEventId }, outputs };
}

function stripOneSpace(s: string): string {
  return s.charCodeAt(0) === 32 ? s.slice(1) : s;
}
