// The pipeline bench's anchor: a bare Fastify 5 route that parses the same JSON body as POST /v1/events and
// answers 202, nothing else. Run as its own process on PORT, like the Omnilane server it is compared with.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
app.post('/v1/events', async (req, reply) => {
  const n = Array.isArray(req.body?.events) ? req.body.events.length : 0;
  return reply.code(202).send({ accepted: n, duplicates: 0, rejected: [] });
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
