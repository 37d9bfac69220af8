import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ProblemError } from './problem.ts';
import { isAcceptedDate, isAcceptedDateTime } from './instants.ts';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
// Stricter than RFC 3339's grammar: only instants Date and PostgreSQL both hold (instants.ts).
ajv.addFormat('date-time', isAcceptedDateTime);
ajv.addFormat('date', isAcceptedDate);

/** Paths and rules only: the submitted values may carry CPR numbers and never reach the answer. */
export function describeErrors(errors: ErrorObject[] | null | undefined): Array<{ path: string; message: string }> {
  return (errors ?? []).slice(0, 20).map((error) => ({
    path: error.instancePath || '/',
    message:
      error.keyword === 'additionalProperties'
        ? `has an unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : (error.message ?? 'is invalid'),
  }));
}

export function compile<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

/** Validates `body`, or throws 422 `validation-failed` listing what is wrong where. */
export function assertValid<T>(validate: ValidateFunction<T>, body: unknown): T {
  if (validate(body)) return body;
  throw new ProblemError(422, 'validation-failed', 'The request body is invalid', 'See `errors` for what to correct.', {
    errors: describeErrors(validate.errors),
  });
}
