/**
 * A FAKE of an outside provider (Twilio, WhatsApp Cloud API, an HTTP email
 * API, the WeChat Official Account API) for tests and benches: a node:http
 * server on 127.0.0.1:0 that records every request and answers with a canned
 * JSON body. It can be told to fail the next N requests (status and optional
 * Retry-After), or to act as WeChat's token and customer-service endpoints
 * (`wechat()`). Nothing here talks to a real provider.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeProvider {
  url: string;
  requests: RecordedRequest[];
  /** Fails the next `n` requests with `status` (default 503). */
  failNext(n: number, status?: number, retryAfterS?: number): void;
  /** The JSON body answered on success, from the request (default `{sid, messages:[{id}]}` with a counter). */
  reply(fn: (req: RecordedRequest, n: number) => { status?: number; body: unknown }): void;
  /** From now on answers as the WeChat Official Account API (see FakeWechat). */
  wechat(): FakeWechat;
  close(): Promise<void>;
}

/**
 * A fake of WeChat's `GET /cgi-bin/token` (issues `FAKE_TOKEN_<n>`, expires_in
 * 7200) and `POST /cgi-bin/message/custom/send` (errcode 40001 for a token it
 * did not issue or has revoked, else errcode 0). Always HTTP 200, as WeChat.
 */
export interface FakeWechat {
  /** Tokens issued so far, oldest first. */
  tokens: string[];
  /** Texts accepted by custom/send, in order, as parsed from the request body. */
  sent: Array<{ touser: string; content: string }>;
  /** Makes every token issued so far invalid (the next send answers 40001). */
  revokeTokens(): void;
  /** Answers the next `n` custom/send calls with `errcode` (e.g. -1 busy, 45015 window closed). */
  errcodeNext(n: number, errcode: number, errmsg?: string): void;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  let failures: { n: number; status: number; retryAfterS?: number } = { n: 0, status: 503 };
  let count = 0;
  let replyFn = (_req: RecordedRequest, n: number): { status?: number; body: unknown } => ({
    status: 201,
    body: { sid: `SMfake${n}`, messages: [{ id: `wamid.fake${n}` }] },
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(rec);
      if (failures.n > 0) {
        failures.n--;
        res.writeHead(failures.status, {
          'content-type': 'application/json',
          ...(failures.retryAfterS !== undefined ? { 'retry-after': String(failures.retryAfterS) } : {}),
        });
        return res.end('{"message":"fake provider failure"}');
      }
      const r = replyFn(rec, ++count);
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(n, status = 503, retryAfterS) {
      failures = { n, status, retryAfterS };
    },
    reply(fn) {
      replyFn = fn;
    },
    wechat() {
      const valid = new Set<string>();
      let forced: { n: number; errcode: number; errmsg: string } = { n: 0, errcode: 0, errmsg: '' };
      const wx: FakeWechat = {
        tokens: [],
        sent: [],
        revokeTokens: () => valid.clear(),
        errcodeNext(n, errcode, errmsg = `fake errcode ${errcode}`) {
          forced = { n, errcode, errmsg };
        },
      };
      replyFn = (req) => {
        const u = new URL(req.url, 'http://fake');
        if (u.pathname.endsWith('/cgi-bin/token')) {
          if (u.searchParams.get('grant_type') !== 'client_credential' || !u.searchParams.get('appid') || !u.searchParams.get('secret')) {
            return { status: 200, body: { errcode: 40002, errmsg: 'invalid grant_type' } };
          }
          const token = `FAKE_TOKEN_${wx.tokens.length + 1}`;
          wx.tokens.push(token);
          valid.add(token);
          return { status: 200, body: { access_token: token, expires_in: 7200 } };
        }
        if (u.pathname.endsWith('/cgi-bin/message/custom/send')) {
          if (!valid.has(u.searchParams.get('access_token') ?? ''))
            return { status: 200, body: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } };
          if (forced.n > 0) {
            forced.n--;
            return { status: 200, body: { errcode: forced.errcode, errmsg: forced.errmsg } };
          }
          const m = JSON.parse(req.body) as { touser: string; text: { content: string } };
          wx.sent.push({ touser: m.touser, content: m.text.content });
          return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
        }
        return { status: 404, body: { errcode: 404, errmsg: 'no such fake wechat path' } };
      };
      return wx;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
