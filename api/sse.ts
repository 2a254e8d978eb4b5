import type { FastifyReply } from 'fastify';

/**
 * Takes over a reply as a Server-Sent Events stream (no proxy buffering, a 2 s
 * client retry) and returns a writer that ignores writes after the client left.
 */
export function openEventStream(reply: FastifyReply): (chunk: string) => void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const write = (s: string) => {
    if (!res.writableEnded) res.write(s);
  };
  write('retry: 2000\n\n');
  return write;
}
