/**
 * A FAKE of an outside provider (Twilio, WhatsApp Cloud API, an HTTP email
 * API) for tests and benches: a node:http server on 127.0.0.1:0 that records
 * every request and answers with a canned JSON body. It can be told to fail
 * the next N requests (status and optional Retry-After). Nothing here talks
 * to a real provider.
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
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  let failures: { n: number; status: number; retryAfterS?: number } = { n: 0, status: 503 };
  let count = 0;
  let replyFn = (_req: RecordedRequest, n: number): { status?: number; body: unknown } => ({ status: 201, body: { sid: `SMfake${n}`, messages: [{ id: `wamid.fake${n}` }] } });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(rec);
      if (failures.n > 0) {
        failures.n--;
        res.writeHead(failures.status, { 'content-type': 'application/json', ...(failures.retryAfterS !== undefined ? { 'retry-after': String(failures.retryAfterS) } : {}) });
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
    close: () => new Promise((r) => server.close(() => r())),
  };
}
