import type { ErrorRequestHandler } from 'express';
import { ProblemError, problemBody, problemContentType } from '../platform/problem.ts';
import { discardRest } from './request-drain.ts';

/** Errors thrown by body parsers and other middleware, mapped to stable codes. */
function fromMiddleware(error: { type?: string; status?: number; statusCode?: number }): ProblemError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new ProblemError(
        413,
        'body-too-large',
        'Request body too large',
        'The body exceeds the configured limit.',
      );
    case 'entity.parse.failed':
      return new ProblemError(400, 'body-malformed', 'Malformed request body', 'The body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemError(415, 'body-encoding-unsupported', 'Unsupported body encoding');
    case 'request.aborted':
      return new ProblemError(400, 'request-aborted', 'Request aborted by the client');
  }
  // A parser's own message may quote the body or name a file of ours, so only the status is kept.
  const status = error.status ?? error.statusCode;
  if (status && status >= 400 && status < 500) return new ProblemError(status, 'bad-request', 'Bad request');
  return undefined;
}

/** What a refused client may still send after the answer, so it can read the answer. */
const refusedBodyGraceBytes = 8 * 1024 * 1024;

export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const problem = error instanceof ProblemError ? error : fromMiddleware(error ?? {});
  if (!problem) {
    // Only the error's class and message reach the log; request bodies never do.
    req.log?.error(
      { err: { type: error?.constructor?.name, message: error?.message, code: error?.code } },
      'unhandled error',
    );
  }
  const rendered =
    problem ?? new ProblemError(500, 'internal-error', 'Internal error', 'The gateway could not complete the request.');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (!req.complete) {
    // Refused while the body still arrives: closing now, with the client's bytes unread, would
    // reset the connection and could destroy this answer in transit (even when the client asked
    // for "Connection: close"). The connection stays open while the rest drains, up to a bound.
    if (req.httpVersion === '1.1') res.shouldKeepAlive = true;
    if (req.readableFlowing !== true) discardRest(req, refusedBodyGraceBytes);
  }
  if (rendered.status === 503 || rendered.status === 429) {
    const retryAfter = rendered.extra.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
  }
  // The request id, not the path: a path is the client's text and may hold anything.
  const instance =
    typeof req.id === 'string' || typeof req.id === 'number' ? `urn:postbud:request:${req.id}` : undefined;
  res
    .status(rendered.status)
    .type(problemContentType)
    .send(JSON.stringify(problemBody(rendered, instance)));
};
