/**
 * What readers other than operators see of a failed delivery: one of four coarse outcomes,
 * never the receiver's address, port, DNS or TLS error, so the trail does not map the network
 * behind the gateway. Admins keep the adapters' full reasons.
 */
export type CoarseDeliveryFailure = 'receiver-unreachable' | 'receiver-refused' | 'receiver-error' | 'timeout';

const timeoutWords = /did not answer within|timed? ?out|ETIMEDOUT|ESOCKETTIMEDOUT/i;
const unreachableWords =
  /unreachable|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|certificate|TLS|SSL|no endpoint|not an http/i;

/** The coarse outcome of an attempt, from the receiver's HTTP status when it answered, else the reason. */
export function coarseDeliveryFailure(
  error: string | null | undefined,
  httpStatus?: number | null,
): CoarseDeliveryFailure {
  if (typeof httpStatus === 'number') {
    if (httpStatus === 408) return 'timeout';
    return httpStatus >= 400 && httpStatus < 500 && httpStatus !== 429 ? 'receiver-refused' : 'receiver-error';
  }
  const reason = error ?? '';
  if (timeoutWords.test(reason)) return 'timeout';
  if (unreachableWords.test(reason)) return 'receiver-unreachable';
  return 'receiver-error';
}

/**
 * An event's details as non-operators see them: a delivery reason (`error`) becomes `failure`,
 * and the endpoint is left out. Other details are returned as they are; `changed` says if any was not.
 */
export function coarseDeliveryDetails(details: Record<string, unknown>): {
  value: Record<string, unknown>;
  changed: boolean;
} {
  if (!('error' in details) && !('endpoint' in details)) return { value: details, changed: false };
  const { error, endpoint: _endpoint, ...rest } = details;
  const httpStatus = typeof details.httpStatus === 'number' ? details.httpStatus : undefined;
  return {
    value: {
      ...rest,
      ...(error !== undefined ? { failure: coarseDeliveryFailure(String(error), httpStatus) } : {}),
    },
    changed: true,
  };
}
