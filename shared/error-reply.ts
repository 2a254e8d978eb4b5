import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, OUTAGE_RETRY_AFTER_S, isOmnilaneError, type ErrorCode } from './errors.js';
import type { Logger } from './logger.js';
import { engineOf } from './outage-log.js';

/** Every failed request is answered with this body (the code is in shared/errors.ts and docs/errors.md). */
export const ErrorReply = Type.Object({ code: Type.String(), message: Type.String() }, { $id: 'ErrorReply' });

export interface ErrorReplyOf {
  status: number;
  body: { code: ErrorCode; message: string };
}

function send(code: ErrorCode, message: string): ErrorReplyOf {
  return { status: ERROR_CATALOGUE[code].status, body: { code, message } };
}

/** Maps every failure to `{code, message}` with the catalogue's status (ingest routes answer with ING_ codes). */
export function toErrorReply(err: FastifyError, ingestRoute: boolean): ErrorReplyOf {
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

export interface ErrorHandlerOptions {
  /** How this scope maps a failure to a reply. */
  toReply: (err: FastifyError, req: FastifyRequest) => ErrorReplyOf;
  /** The log line of a 5xx. */
  failure: string;
  /** Where a 5xx is logged; the request's logger when left out. */
  log?: Logger;
}

/**
 * The one Fastify error handler (the API and each ingest scope install it with their own mapping): sends the
 * reply, tells the client when to retry an engine outage, and logs what failed on our side (an outage is already
 * in the adapters' rate-limited outage log).
 */
export function errorHandler(o: ErrorHandlerOptions) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = o.toReply(err, req);
    const outage = status === 503 && /_UNAVAILABLE$/.test(body.code);
    if (outage) void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_S));
    if (status >= 500 && !(outage && engineOf(err))) (o.log ?? req.log).error({ err, reqId: req.id }, o.failure);
    void reply.status(status).send(body);
  };
}
