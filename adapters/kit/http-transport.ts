import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import type { AttemptResult, AttemptSide } from './retry-policy.ts';

/** Where and how an adapter reaches the gateway's HTTP API (role `adapter`). */
export interface GatewayAccess {
  url: string;
  key: string;
}

export interface DeliveryRequest {
  letterId: string;
  /** Path on the gateway to GET the letter XML from (claim check). */
  xmlPath: string;
  endpoint: string;
  gateway: GatewayAccess;
  /**
   * Gateway statuses after which delivering again would be a duplicate: when the claim check's
   * `Postbud-Letter-Status` names one, nothing is posted. This is the adapter's check against
   * copies (broker redeliveries, a relay that published twice), in the same request as the fetch.
   */
  finishedStatuses?: ReadonlySet<string>;
}

export interface DeliveryAttempt {
  result: AttemptResult;
  durationMs: number;
}

/** The claim check said the gateway has already finished the letter: nothing was posted. */
export interface AlreadyFinished {
  alreadyFinished: string;
}

/** The header in which the gateway's claim check tells the letter's status. */
export const letterStatusHeader = 'postbud-letter-status';

/** How a sector hands a letter to its receiving systems; HTTP here, other transports may follow. */
export interface DeliveryTransport {
  /** Never throws for HTTP statuses or network trouble: every ending is an `AttemptResult`. */
  deliver(request: DeliveryRequest): Promise<DeliveryAttempt | AlreadyFinished>;
}

export interface HttpTransportOptions {
  /** One budget for the whole attempt: fetching from the gateway and posting to the receiver. */
  timeoutMs: number;
}

export const letterContentType = 'application/fhir+xml';

export function gatewayUrl(gateway: GatewayAccess, path: string): string {
  return `${gateway.url.replace(/\/+$/, '')}${path}`;
}

/** The endpoint as it may appear in receipts and logs: credentials and query strings stripped. */
export function describeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function isHttpUrl(endpoint: string): boolean {
  try {
    const { protocol } = new URL(endpoint);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function classifyFetchError(error: unknown, side: AttemptSide, timeout: AbortSignal, timeoutMs: number): AttemptResult {
  if (timeout.aborted) {
    return { kind: 'timed-out', side, afterMs: timeoutMs };
  }
  // undici reports "fetch failed" and keeps the system error (ECONNREFUSED, ECONNRESET, …) as
  // cause; node:http reports the system error itself.
  const failure = error as { code?: unknown; name?: unknown; cause?: { code?: unknown; name?: unknown } } | undefined;
  const code = failure?.cause?.code ?? failure?.cause?.name ?? failure?.code ?? failure?.name ?? 'error';
  return { kind: 'unreachable', side, code: String(code).slice(0, 60) };
}

/**
 * One HTTP exchange by node:http(s), never following a redirect: resolves with the response
 * (its body unread) once the head has arrived; `body`, if given, is piped into the request.
 */
function exchange(
  url: string,
  init: { method: 'GET' | 'POST'; headers: OutgoingHttpHeaders; signal: AbortSignal },
  body?: Readable,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, init);
    request.once('response', resolve);
    // Kept on: a request aborted after its answer came may still report an error.
    request.on('error', reject);
    if (!body) request.end();
    // Either side failing ends both: a truncated letter is never sent as if it were whole.
    else pipeline(body, request, () => undefined);
  });
}

/**
 * Streams the letter from the gateway straight into the POST to the receiving system, so the
 * adapter holds only what is in flight, whatever the letter's size. Both legs use node:http:
 * fetch, asked not to follow redirects, tees a streamed request body and keeps the unread copy
 * of every chunk until the request is collected, which cost a third of the adapters' CPU in
 * garbage collection and held each letter whole in memory.
 */
export function createHttpTransport(options: HttpTransportOptions): DeliveryTransport {
  return {
    async deliver(request) {
      const started = performance.now();
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const finish = (result: AttemptResult): DeliveryAttempt => ({
        result,
        durationMs: Math.round(performance.now() - started),
      });
      if (!isHttpUrl(request.endpoint)) {
        return finish({ kind: 'unusable-endpoint' });
      }
      let side: AttemptSide = 'gateway';
      let letter: IncomingMessage | undefined;
      try {
        letter = await exchange(gatewayUrl(request.gateway, request.xmlPath), {
          method: 'GET',
          headers: { authorization: `Bearer ${request.gateway.key}`, accept: `${letterContentType}, application/xml` },
          signal: timeout,
        });
        const httpStatus = letter.statusCode ?? 0;
        if (httpStatus !== 200) return finish({ kind: 'gateway-answered', httpStatus });
        const status = letter.headers[letterStatusHeader];
        if (typeof status === 'string' && request.finishedStatuses?.has(status)) return { alreadyFinished: status };
        side = 'receiver';
        const answer = await exchange(
          request.endpoint,
          {
            method: 'POST',
            headers: {
              'content-type': letterContentType,
              'x-postbud-letter-id': request.letterId,
              // MedCom receivers may see a letter twice (see consumer.ts); this lets them drop the copy.
              'idempotency-key': request.letterId,
            },
            signal: timeout,
          },
          letter,
        );
        // The answer's body is not needed; reading it off keeps the connection reusable.
        answer.resume();
        return finish({ kind: 'receiver-answered', httpStatus: answer.statusCode ?? 0 });
      } catch (error) {
        return finish(classifyFetchError(error, side, timeout, options.timeoutMs));
      } finally {
        // A claim-check response the POST did not read to its end (refusal, early answer) is released.
        if (letter && !letter.complete) letter.destroy();
      }
    },
  };
}

export type LetterStatusLookup =
  { kind: 'status'; status: string | undefined } | { kind: 'failure'; result: AttemptResult };

/** Asks the gateway what it knows of a letter, to avoid delivering a redelivered message twice. */
export async function lookUpLetterStatus(
  gateway: GatewayAccess,
  letterId: string,
  timeoutMs: number,
): Promise<LetterStatusLookup> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(gatewayUrl(gateway, `/v1/messages/${encodeURIComponent(letterId)}`), {
      headers: { authorization: `Bearer ${gateway.key}`, accept: 'application/json' },
      redirect: 'manual',
      signal: timeout,
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { kind: 'failure', result: { kind: 'gateway-answered', httpStatus: response.status } };
    }
    // A body without a readable status is "unknown", not a gateway outage.
    const body = (await response.json().catch(() => null)) as { status?: unknown } | null;
    return { kind: 'status', status: typeof body?.status === 'string' ? body.status : undefined };
  } catch (error) {
    return { kind: 'failure', result: classifyFetchError(error, 'gateway', timeout, timeoutMs) };
  }
}
