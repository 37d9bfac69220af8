import { Router, type RequestHandler } from 'express';
import { acknowledgementSchema, type Acknowledgement } from '../../schemas/acknowledgement.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { fhirBody, fhirMediaTypes, type FhirBody } from '../http/json-body.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { readerOf } from '../http/reader.ts';
import { recordAccess } from '../audit/access-log.ts';
import { writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { acknowledgeLetter } from './acknowledge-letter.ts';
import { readAcknowledgementBundle } from './acknowledgement-bundle-read.ts';
import { acknowledgementBundleFor } from './acknowledgement-for-sender.ts';
import { fromBundle, fromJson } from './received-acknowledgement.ts';

const validAcknowledgement = compile<Acknowledgement>(acknowledgementSchema);

/** An Acknowledgement Bundle with its narratives is a few tens of kilobytes. */
const acknowledgementBundleBody = fhirBody(1024 * 1024);

const isFhir = (contentType: string | undefined) =>
  (fhirMediaTypes as readonly string[]).includes((contentType ?? '').split(';')[0]!.trim().toLowerCase());

/** The JSON form's parser, for everything but a Bundle (which fhirBody has read already). */
const jsonUnlessBundle: RequestHandler = (req, res, next) =>
  isFhir(req.headers['content-type']) ? next() : smallJsonBody(req, res, next);

export function acknowledgementRoutes({ db, log }: AppDeps): Router {
  const router = Router();
  router.post(
    '/v1/acknowledgements',
    requireRole('adapter', 'admin'),
    acknowledgementBundleBody,
    jsonUnlessBundle,
    async (req, res) => {
      const received = isFhir(req.headers['content-type'])
        ? fromBundle(readAcknowledgementBundle(req.body as FhirBody))
        : fromJson(assertValid(validAcknowledgement, req.body));
      res.status(200).json(await acknowledgeLetter(db, actorOf(currentClient(req)), received));
    },
  );
  // Same access as the letter's status: its sender, and the roles that see every letter.
  router.get(
    '/v1/messages/:id/acknowledgement',
    requireRole('sender', 'auditor', 'admin', 'adapter'),
    async (req, res) => {
      const bundle = await acknowledgementBundleFor(db, currentClient(req), String(req.params.id));
      await recordAccess({ db, log }, readerOf(req), [
        { action: 'letter.acknowledgement', letterId: String(req.params.id).toLowerCase() },
      ]);
      const format = req.accepts(['application/fhir+json', 'application/fhir+xml', 'application/json']);
      if (format === 'application/fhir+xml') res.type('application/fhir+xml; charset=utf-8').send(writeFhirXml(bundle));
      else if (format) res.type('application/fhir+json; charset=utf-8').send(JSON.stringify(bundle));
      else
        throw new ProblemError(
          406,
          'not-acceptable',
          'Not acceptable',
          'Accept application/fhir+json (the default) or application/fhir+xml.',
        );
    },
  );
  return router;
}
