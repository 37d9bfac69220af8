import type { ErrorRequestHandler } from 'express';
import { fhirMediaTypes, type FhirBody } from '../http/json-body.ts';
import { writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { ProblemError } from '../platform/problem.ts';
import { refusalAcknowledgement } from './refusal-acknowledgement.ts';

const isFhirBody = (body: unknown): body is FhirBody =>
  body !== null &&
  typeof body === 'object' &&
  ((body as FhirBody).fhir === 'xml' || (body as FhirBody).fhir === 'json');

/**
 * A MedCom message refused by `POST /v1/messages` is answered with a `fatal-error`
 * Acknowledgement, in the format asked for, when the sending system's Accept prefers FHIR over
 * problem+json; every other refusal goes on to the problem handler.
 */
export const medcomRefusals: ErrorRequestHandler = (error, req, res, next) => {
  if (
    !(error instanceof ProblemError) ||
    error.status < 400 ||
    error.status >= 500 ||
    error.code === 'confirmation-required' ||
    req.method !== 'POST' ||
    req.path !== '/v1/messages' ||
    !isFhirBody(req.body)
  )
    return next(error);
  const format = req.accepts(['application/problem+json', 'application/json', ...fhirMediaTypes]);
  if (format !== 'application/fhir+xml' && format !== 'application/fhir+json') return next(error);
  const acknowledgement = refusalAcknowledgement(req.body, error);
  if (!acknowledgement) return next(error);
  res.status(error.status).type(`${format}; charset=utf-8`);
  res.send(format === 'application/fhir+xml' ? writeFhirXml(acknowledgement) : JSON.stringify(acknowledgement));
};
