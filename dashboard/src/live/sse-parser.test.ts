import { describe, expect, it } from 'vitest';
import { feedSse, initialSseState, type SseOutput } from './sse-parser.js';

function parseChunks(chunks: string[]): SseOutput[] {
  let state = initialSseState;
  const out: SseOutput[] = [];
  for (const c of chunks) {
    const r = feedSse(state, c);
    state = r.state;
    out.push(...r.outputs);
  }
  return out;
}

/** Every way of cutting `text` into two and three pieces gives the same outputs as one chunk. */
function expectSplitInvariant(text: string): SseOutput[] {
  const whole = parseChunks([text]);
  for (let i = 0; i <= text.length; i++) {
    expect(parseChunks([text.slice(0, i), text.slice(i)]), `split at ${i}`).toEqual(whole);
    for (let j = i; j <= text.length; j += 3) {
      expect(parseChunks([text.slice(0, i), text.slice(i, j), text.slice(j)]), `split at ${i},${j}`).toEqual(whole);
    }
  }
  expect(parseChunks(text.split(''))).toEqual(whole);
  return whole;
}

const board = JSON.stringify({ generated_at: '2026-11-24T01:00:00.000Z', totals: { events: 3 } });

describe('feedSse', () => {
  it('parses a board event and a ping comment', () => {
    const out = parseChunks([`: ping\n\nevent: board\ndata: ${board}\n\n`]);
    expect(out).toEqual([
      { kind: 'comment', text: 'ping' },
      { kind: 'event', event: 'board', data: board, id: '' },
    ]);
  });

  it('gives the same result for chunks split anywhere (LF)', () => {
    const out = expectSplitInvariant(`: ping\n\nevent: board\ndata: ${board}\n\nevent: board\nid: 7\ndata: {"a":1}\n\n`);
    expect(out.filter((o) => o.kind === 'event')).toHaveLength(2);
  });

  it('gives the same result for chunks split anywhere (CRLF and CR)', () => {
    const out = expectSplitInvariant(`event: board\r\ndata: one\r\n\r\ndata: two\r\rdata:three\r\n\r\n`);
    expect(out).toEqual([
      { kind: 'event', event: 'board', data: 'one', id: '' },
      { kind: 'event', event: 'message', data: 'two', id: '' },
      { kind: 'event', event: 'message', data: 'three', id: '' },
    ]);
  });

  it('does not treat a CR at a chunk end followed by LF as two line breaks', () => {
    // "data: a\r" + "\n" + "\r\n": one line break then one blank line, so exactly one event
    expect(parseChunks(['data: a\r', '\n', '\r\n'])).toEqual([{ kind: 'event', event: 'message', data: 'a', id: '' }]);
    // "\r" + "" + "\n": an empty chunk in between must not lose the pending CR
    expect(parseChunks(['data: a\r', '', '\n\n'])).toEqual([{ kind: 'event', event: 'message', data: 'a', id: '' }]);
  });

  it('joins multi-line data with newlines', () => {
    expect(parseChunks(['data: line1\ndata: line2\ndata\n\n'])).toEqual([{ kind: 'event', event: 'message', data: 'line1\nline2\n', id: '' }]);
  });

  it('strips exactly one leading space from values', () => {
    expect(parseChunks(['data:  two spaces\ndata:none\n\n'])).toEqual([{ kind: 'event', event: 'message', data: ' two spaces\nnone', id: '' }]);
  });

  it('holds an event until the blank line arrives', () => {
    let r = feedSse(initialSseState, 'event: board\ndata: x\n');
    expect(r.outputs).toEqual([]);
    r = feedSse(r.state, '\n');
    expect(r.outputs).toEqual([{ kind: 'event', event: 'board', data: 'x', id: '' }]);
  });

  it('does not dispatch an event with no data, and resets the event type after a blank line', () => {
    expect(parseChunks(['event: board\n\ndata: y\n\n'])).toEqual([{ kind: 'event', event: 'message', data: 'y', id: '' }]);
  });

  it('skips a leading BOM only at the start of the stream', () => {
    expect(parseChunks(['\uFEFFdata: a\n\n'])).toEqual([{ kind: 'event', event: 'message', data: 'a', id: '' }]);
    expect(parseChunks(['\uFEFF', 'data: a\n\n'])).toEqual([{ kind: 'event', event: 'message', data: 'a', id: '' }]);
  });

  it('keeps the last event id and reports retry and ignores unknown fields', () => {
    expect(parseChunks(['id: 5\nretry: 2500\nretry: soon\nfoo: bar\ndata: a\n\ndata: b\n\n'])).toEqual([
      { kind: 'retry', ms: 2500 },
      { kind: 'event', event: 'message', data: 'a', id: '5' },
      { kind: 'event', event: 'message', data: 'b', id: '5' },
    ]);
  });

  it('does not mutate the state it was given', () => {
    const first = feedSse(initialSseState, 'data: a\n');
    const snapshot = JSON.stringify(first.state);
    feedSse(first.state, 'data: b\n\n');
    expect(JSON.stringify(first.state)).toBe(snapshot);
    expect(initialSseState.data).toEqual([]);
  });

  it('keeps multi-byte text intact (decoding is done upstream with TextDecoder stream mode)', () => {
    const text = 'event: board\ndata: {"channel":"微信"}\n\n';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const dec = new TextDecoder();
      const chunks = [dec.decode(bytes.slice(0, cut), { stream: true }), dec.decode(bytes.slice(cut), { stream: true })];
      expect(parseChunks(chunks)).toEqual([{ kind: 'event', event: 'board', data: '{"channel":"微信"}', id: '' }]);
    }
  });
});
