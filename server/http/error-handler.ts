import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const FASTIFY_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * The one error handler: every failure leaves as `{ code, message }` with its status. 4xx messages are
 * meant for the client; a 5xx keeps its details in the log and tells the client only the request id.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      void reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        });
      return;
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      void reply.code(400).send({ code: 'VALIDATION_FAILED', message: `Invalid ${where}: ${error.message}` });
      return;
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      void reply.code(status).send({ code: FASTIFY_CODES[status] ?? 'BAD_REQUEST', message: error.message });
      return;
    }
    request.log.error({ err: error }, 'unhandled error');
    void reply.code(500).send({
      code: 'INTERNAL',
      message: `Something went wrong on the server (request ${request.id}); the log has the details.`,
    });
  });
}
