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
  // undici reports "fetch failed" and keeps the system error (ECONNREFUSED, ECONNRESET, …) as cause.
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? cause?.name ?? (error as Error | undefined)?.name ?? 'error';
  return { kind: 'unreachable', side, code: String(code).slice(0, 60) };
}

/**
 * Streams the letter from the gateway straight into the POST to the receiving system, so the
 * adapter holds only what is in flight, whatever the letter's size.
 */
export function createHttpTransport(options: HttpTransportOptions): DeliveryTransport {
  return {
    async deliver(request) {
      const started = performance.now();
      const timeout = AbortSignal.timeout(options.timeoutMs);
      // Aborted in `finally` so a claim-check response the POST never consumed is released.
      const done = new AbortController();
      const signal = AbortSignal.any([timeout, done.signal]);
      const finish = (result: AttemptResult): DeliveryAttempt => ({
        result,
        durationMs: Math.round(performance.now() - started),
      });
      if (!isHttpUrl(request.endpoint)) {
        return finish({ kind: 'unusable-endpoint' });
      }
      let side: AttemptSide = 'gateway';
      try {
        const letter = await fetch(gatewayUrl(request.gateway, request.xmlPath), {
          headers: { authorization: `Bearer ${request.gateway.key}`, accept: `${letterContentType}, application/xml` },
          redirect: 'manual',
          signal,
        });
        if (letter.status !== 200 || letter.body === null) {
          await letter.body?.cancel();
          return finish({ kind: 'gateway-answered', httpStatus: letter.status });
        }
        const status = letter.headers.get(letterStatusHeader);
        if (status !== null && request.finishedStatuses?.has(status)) {
          await letter.body.cancel();
          return { alreadyFinished: status };
        }
        side = 'receiver';
        // `duplex` is what lets undici send a stream body; the DOM typings do not know it yet.
        const post: RequestInit & { duplex: 'half' } = {
          method: 'POST',
          body: letter.body,
          duplex: 'half',
          headers: {
            'content-type': letterContentType,
            'x-postbud-letter-id': request.letterId,
            // MedCom receivers may see a letter twice (see consumer.ts); this lets them drop the copy.
            'idempotency-key': request.letterId,
          },
          // Never follow a redirect: the letter would go somewhere the directory did not name.
          redirect: 'manual',
          signal,
        };
        const answer = await fetch(request.endpoint, post);
        await answer.body?.cancel();
        return finish({ kind: 'receiver-answered', httpStatus: answer.status });
      } catch (error) {
        return finish(classifyFetchError(error, side, timeout, options.timeoutMs));
      } finally {
        done.abort();
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
