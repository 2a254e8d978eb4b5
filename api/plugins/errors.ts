import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorHandler, toErrorReply } from '../../shared/error-reply.js';

/** Answers every failure with `{code, message}` (shared/error-reply.ts) and an unknown route with API_ERR_NOT_FOUND. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(errorHandler({ toReply: (err, req) => toErrorReply(err, req.routeOptions.url === '/v1/events'), failure: 'request failed' }));
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ code: 'API_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
});
