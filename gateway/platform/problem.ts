/**
 * A refusal with a stable code, rendered as RFC 9457 problem+json. `detail` is written for the
 * client's operator and never echoes submitted content, SQL or stack traces.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export const problemContentType = 'application/problem+json';

export function problemBody(problem: ProblemError, instance?: string) {
  return {
    type: `urn:postbud:problem:${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(instance ? { instance } : {}),
    ...problem.extra,
  };
}
