/**
 * Web chat wire protocol (JSON text frames over `GET /v1/channels/webchat/socket`).
 *
 * Visitor → server
 *   hello    {type, site_key, visitor_id, conversation_id?, last_seq?}   first frame, within 10 s
 *   message  {type, client_msg_id, text}        idempotent by client_msg_id (resend after reconnect is safe)
 *   typing   {type}                             ephemeral, fanned out, never stored
 *   read     {type, seq}                        visitor has seen everything up to seq
 *   identify {type, email?, phone?}             optional contact details, carried on later events
 *   ping     {type}                             answered with pong
 * Server → visitor
 *   welcome  {type, conversation_id, seq, read_seq}   seq = last seq of the conversation; then replay
 *   message  {type, seq, from: 'visitor'|'agent', text, at, client_msg_id?, agent_id?}
 *            replay after welcome, and live pushes; clients drop seq they already hold
 *   ack      {type, client_msg_id, seq}          the message is stored and ingested under seq
 *   typing   {type, from: 'agent'|'visitor', agent_id?}
 *   read     {type, from: 'agent'|'visitor', seq}
 *   error    {type, code, message, client_msg_id?, retry_after_ms?}   the frame was refused; the socket stays open
 *   pong     {type}
 * The socket is closed with a code in 4000–4999 (WEBCHAT_CLOSE) and a reason for violations.
 *
 * Resume: a visitor keeps conversation_id and the highest seq seen; on reconnect it sends them in
 * hello and gets every retained message after last_seq, then live pushes, with no gap and no
 * duplicate seq. Unacked messages are resent with the same client_msg_id and acked with their
 * original seq. A conversation_id that is unknown, expired, or belongs to another visitor or site
 * gets a fresh conversation (welcome carries the new id; the client resets last_seq).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** Close codes (RFC 6455 private range 4000–4999; 1009/1013 are standard). */
export const WEBCHAT_CLOSE = {
  badPayload: 4400,
  unauthorized: 4401,
  forbiddenOrigin: 4403,
  helloTimeout: 4408,
  rateLimited: 4429,
  tooLarge: 1009,
  unavailable: 1013,
  goingAway: 1001,
} as const;

/** Codes in error frames and close reasons. */
export type WebchatErrorCode = 'ING_ERR_BAD_PAYLOAD' | 'ING_ERR_UNAUTHORIZED' | 'ING_ERR_RATE_LIMITED' | 'ING_ERR_BODY_TOO_LARGE' | 'ING_ERR_UNAVAILABLE';

/** Largest frame accepted at all (bytes); larger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Longest message text, in UTF-16 code units after trimming. */
export const MAX_TEXT_LENGTH = 4000;

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });

const Hello = Type.Object({
  type: Type.Literal('hello'),
  site_key: Type.String({ minLength: 1, maxLength: 128 }),
  visitor_id: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
  conversation_id: Type.Optional(Type.Union([Id, Type.Null()])),
  last_seq: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
});
const Message = Type.Object({ type: Type.Literal('message'), client_msg_id: Id, text: Type.String() });
const Typing = Type.Object({ type: Type.Literal('typing') });
const Read = Type.Object({ type: Type.Literal('read'), seq: Type.Integer({ minimum: 0 }) });
const Identify = Type.Object({
  type: Type.Literal('identify'),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
});
const Ping = Type.Object({ type: Type.Literal('ping') });

const checks = {
  hello: TypeCompiler.Compile(Hello),
  message: TypeCompiler.Compile(Message),
  typing: TypeCompiler.Compile(Typing),
  read: TypeCompiler.Compile(Read),
  identify: TypeCompiler.Compile(Identify),
  ping: TypeCompiler.Compile(Ping),
};

export type HelloFrame = Static<typeof Hello>;
export type MessageFrame = Static<typeof Message>;
export type ClientFrame = HelloFrame | MessageFrame | Static<typeof Typing> | Static<typeof Read> | Static<typeof Identify> | Static<typeof Ping>;

/** A message as kept in the conversation log and sent to visitors. */
export interface ChatMessage {
  seq: number;
  from: 'visitor' | 'agent';
  text: string;
  /** Epoch ms when the server stored it. */
  at: number;
  client_msg_id?: string;
  agent_id?: string;
}

export type ServerFrame =
  | { type: 'welcome'; conversation_id: string; seq: number; read_seq: number }
  | ({ type: 'message' } & ChatMessage)
  | { type: 'ack'; client_msg_id: string; seq: number }
  | { type: 'typing'; from: 'agent' | 'visitor'; agent_id?: string }
  | { type: 'read'; from: 'agent' | 'visitor'; seq: number }
  | { type: 'error'; code: WebchatErrorCode; message: string; client_msg_id?: string; retry_after_ms?: number }
  | { type: 'pong' };

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; code: WebchatErrorCode; message: string; client_msg_id?: string };

const bad = (message: string, client_msg_id?: string): ParseResult => ({
  ok: false,
  code: 'ING_ERR_BAD_PAYLOAD',
  message,
  ...(client_msg_id ? { client_msg_id } : {}),
});

/**
 * Parses and validates one text frame. Pure; never throws. Message text is
 * trimmed and must hold 1 to MAX_TEXT_LENGTH characters; a refused message
 * names its client_msg_id so the client can drop it from its queue.
 */
export function parseClientFrame(raw: string): ParseResult {
  if (Buffer.byteLength(raw, 'utf8') > MAX_FRAME_BYTES)
    return { ok: false, code: 'ING_ERR_BODY_TOO_LARGE', message: `frames are limited to ${MAX_FRAME_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return bad('frame is not valid JSON');
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in checks)) return bad('frame.type must be one of hello, message, typing, read, identify, ping');
  const check = checks[type as keyof typeof checks];
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    const where = first?.path ? first.path.replace(/^\//, '') : type;
    const id = (value as { client_msg_id?: unknown }).client_msg_id;
    return bad(`${type}.${where}: ${first?.message ?? 'invalid'}`, typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : undefined);
  }
  if (type === 'message') {
    const m = value as MessageFrame;
    const text = m.text.trim();
    if (text.length === 0) return bad('message.text is empty', m.client_msg_id);
    if (text.length > MAX_TEXT_LENGTH) return bad(`message.text is longer than ${MAX_TEXT_LENGTH} characters`, m.client_msg_id);
    return { ok: true, frame: { ...m, text } };
  }
  return { ok: true, frame: value };
}

/**
 * Token bucket per connection: `burst` frames at once, `perSecond` refill.
 * Pure over the given times. take() answers 0 when allowed, else the ms until
 * the next token.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
