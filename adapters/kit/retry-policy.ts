/**
 * What to do after one delivery attempt: a plain function of the attempt's result, the attempt
 * number and the configured retry delays, so the rules can be read and tested without I/O.
 */

/** Which HTTP party an attempt was talking to when it ended. */
export type AttemptSide = 'gateway' | 'receiver';

/** How one attempt ended, as a transport reports it. */
export type AttemptResult =
  /** The receiving system answered (any status; 2xx means delivered). */
  | { kind: 'receiver-answered'; httpStatus: number }
  /** The gateway did not hand out the letter (claim check or status lookup). */
  | { kind: 'gateway-answered'; httpStatus: number }
  | { kind: 'unreachable'; side: AttemptSide; code: string }
  | { kind: 'timed-out'; side: AttemptSide; afterMs: number }
  /** Neither the mailbox nor the adapter's configuration names an endpoint. */
  | { kind: 'no-endpoint' }
  /** The mailbox's endpoint is not an http(s) URL, so no retry can succeed. */
  | { kind: 'unusable-endpoint' };

export type NextStep =
  | { action: 'delivered' }
  | { action: 'retry'; delayMs: number; nextAttempt: number; reason: string }
  | { action: 'dead-letter'; reason: string }
  | { action: 'failed'; reason: string };

export function isSuccessStatus(httpStatus: number): boolean {
  return httpStatus >= 200 && httpStatus <= 299;
}

/** Statuses that say "not now" rather than "never": the receiver is overloaded, slow or down. */
function isTransientStatus(httpStatus: number): boolean {
  return httpStatus === 408 || httpStatus === 429 || httpStatus >= 500;
}

/** Whether another attempt later may succeed where this one did not. */
export function isTransient(result: AttemptResult): boolean {
  switch (result.kind) {
    case 'receiver-answered':
      return isTransientStatus(result.httpStatus);
    case 'gateway-answered':
      // 404/410: the letter is gone for good. 401/403 mean the adapter's key or role is wrong,
      // which an operator fixes; retrying (and then the DLQ) keeps the letter recoverable.
      return isTransientStatus(result.httpStatus) || result.httpStatus === 401 || result.httpStatus === 403;
    case 'unreachable':
    case 'timed-out':
      return true;
    case 'no-endpoint':
    case 'unusable-endpoint':
      return false;
  }
}

/** A short operator-readable reason, safe for receipts and logs (no letter content, no keys). */
export function describeAttempt(result: AttemptResult): string {
  switch (result.kind) {
    case 'receiver-answered':
      return `receiver answered HTTP ${result.httpStatus}`;
    case 'gateway-answered':
      return `gateway answered HTTP ${result.httpStatus} for the letter`;
    case 'unreachable':
      return `${result.side} unreachable (${result.code})`;
    case 'timed-out':
      return `${result.side} did not answer within ${result.afterMs} ms`;
    case 'no-endpoint':
      return 'no endpoint: the mailbox has none and the sector has no default endpoint configured';
    case 'unusable-endpoint':
      return 'the mailbox endpoint is not an http(s) URL';
  }
}

/**
 * Attempt `attempt` (1-based) ended with `result`. Attempt n that failed transiently is retried
 * after `retryDelaysMs[n-1]`; once the delays are used up the letter goes to the dead-letter queue.
 */
export function decideNextStep(result: AttemptResult, attempt: number, retryDelaysMs: readonly number[]): NextStep {
  if (result.kind === 'receiver-answered' && isSuccessStatus(result.httpStatus)) {
    return { action: 'delivered' };
  }
  const reason = describeAttempt(result);
  // A missing endpoint is a configuration gap: park the letter where an operator can replay it.
  if (result.kind === 'no-endpoint') {
    return { action: 'dead-letter', reason };
  }
  if (!isTransient(result)) {
    return { action: 'failed', reason };
  }
  const delayMs = retryDelaysMs[attempt - 1];
  if (delayMs === undefined) {
    return { action: 'dead-letter', reason: `${reason}; gave up after ${attempt} attempts` };
  }
  return { action: 'retry', delayMs, nextAttempt: attempt + 1, reason };
}
