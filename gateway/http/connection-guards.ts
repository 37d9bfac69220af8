import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../platform/config.ts';
import { ProblemError, problemBody, problemContentType } from '../platform/problem.ts';

const reasons: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** After an answer, how long a refused client may keep sending before the socket is cut. */
const lingerMs = 500;

/** Node's parser and timeout errors as problems; `undefined` when the client is gone anyway. */
function clientErrorProblem(error: NodeJS.ErrnoException): ProblemError | undefined {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new ProblemError(
      431,
      'headers-too-large',
      'Request headers too large',
      'The request line and headers are over the size limit.',
    );
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new ProblemError(
      408,
      'request-timeout',
      'Request timeout',
      'The request was not received completely in time.',
    );
  }
  // The client closed mid-request (perhaps after reading a refusal): there is no one to answer.
  if (error.code === 'HPE_INVALID_EOF_STATE') return undefined;
  if (error.code?.startsWith('HPE_')) {
    return new ProblemError(400, 'request-malformed', 'Malformed HTTP request', 'The request is not valid HTTP/1.1.');
  }
  return undefined;
}

function rawProblem(problem: ProblemError): string {
  const body = JSON.stringify(problemBody(problem));
  return [
    `HTTP/1.1 ${problem.status} ${reasons[problem.status] ?? 'Error'}`,
    `Content-Type: ${problemContentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

const answered = new WeakSet<Socket>();

/**
 * Answers what Node's HTTP layer refuses before Express sees a request (headers over the size
 * limit, malformed HTTP, a request not received within the timeouts) with problem+json like every
 * other refusal. The socket is half-closed and cut shortly after: closing at once, with the
 * client's bytes unread, would reset the connection and could destroy the answer in transit.
 */
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (answered.has(socket)) return; // the parser reports every later chunk again
  answered.add(socket);
  const problem = clientErrorProblem(error);
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (!problem || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawProblem(problem));
  setTimeout(() => socket.destroy(), lingerMs).unref();
}

/**
 * Node keeps at most `maxHeadersCount` headers and silently drops the rest; a request that
 * reaches the cap is refused instead, so no header a proxy or client meant is lost unnoticed.
 */
function refuseHeaderFloods(maxHeaderCount: number, app: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.rawHeaders.length / 2 <= maxHeaderCount) return app(req, res);
    const problem = new ProblemError(
      431,
      'headers-too-many',
      'Too many request headers',
      `A request may carry at most ${maxHeaderCount} headers.`,
    );
    const body = JSON.stringify(problemBody(problem));
    res
      .writeHead(431, {
        'Content-Type': problemContentType,
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      })
      .end(body);
  };
}

/**
 * The gateway's HTTP server with its slow-loris guards: headers and the whole request must arrive
 * within bounded time, idle sockets are closed, and the timeouts are checked often enough to
 * matter (Node checks every 30 s by default, which would double a short timeout).
 */
export function createGuardedServer(http: Config['http'], app: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      keepAliveTimeout: http.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(http.headersTimeoutMs / 4))),
    },
    refuseHeaderFloods(http.maxHeaderCount, app),
  );
  server.timeout = http.socketTimeoutMs;
  server.maxHeadersCount = http.maxHeaderCount + 1;
  server.on('clientError', onClientError);
  return server;
}
