import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ERROR_CATALOGUE, OUTAGE_RETRY_AFTER_S, isOmnilaneError, type ErrorCode } from '../../shared/errors.js';
import { engineOf } from '../../shared/outage-log.js';

function send(code: ErrorCode, message: string) {
  return { status: ERROR_CATALOGUE[code].status, body: { code, message } };
}

/** Maps every failure to `{code, message}` with the catalogue's status. */
export function toErrorReply(err: FastifyError, ingestRoute: boolean): { status: number; body: { code: ErrorCode; message: string } } {
  if (isOmnilaneError(err)) return send(err.code, err.message);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(ingestRoute ? 'ING_ERR_BODY_TOO_LARGE' : 'API_ERR_BODY_TOO_LARGE', 'request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(ingestRoute ? 'ING_ERR_NOT_JSON' : 'API_ERR_VALIDATION', `body is not valid JSON: ${err.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ingestRoute ? send('ING_ERR_NOT_JSON', 'Content-Type must be application/json') : send('API_ERR_UNSUPPORTED_MEDIA_TYPE', err.message);
  }
  if (err.validation) return send('API_ERR_VALIDATION', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return send('API_ERR_VALIDATION', err.message);
  return send('API_ERR_INTERNAL', 'internal error');
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const ingestRoute = req.routeOptions.url === '/v1/events';
    const { status, body } = toErrorReply(err, ingestRoute);
    // An engine outage: the client is told when to retry, and the adapters' rate-limited outage log already has it.
    const outage = status === 503 && /_UNAVAILABLE$/.test(body.code);
    if (outage) void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_S));
    if (status >= 500 && !(outage && engineOf(err))) req.log.error({ err, reqId: req.id }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ code: 'API_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
});
