import type { AcknowledgementIssue } from '../../schemas/acknowledgement.ts';
import type { ResponseCode } from '../../schemas/acknowledgement-codes.ts';
import { identifierSystems } from '../../schemas/care-communication-xml.ts';
import { assertSafeText, type FhirBody } from '../http/json-body.ts';
import type { MedcomErrorCode } from '../medcom/care-communication-rules.ts';
import { readFhirXml, type FhirResource } from '../medcom/fhir-xml-read.ts';
import { FhirJsonError, writeFhirXml } from '../medcom/fhir-xml-write.ts';
import { evaluateEach, holds } from '../medcom/fhirpath-eval.ts';
import { LetterXmlError } from '../medcom/xml-safety.ts';
import { ProblemError } from '../platform/problem.ts';
import { acknowledgementRules } from './acknowledgement-rules.ts';

/** An organisation of an acknowledgement, by the identifiers its Organization carries. */
export interface AcknowledgementParty {
  sorId?: string;
  ean?: string;
}

/** What Postbud keeps of a MedCom Acknowledgement Bundle a receiving system posted. */
export interface AcknowledgementMessage {
  bundleId: string;
  /** The acknowledgement's own MessageHeader.id: a resend keeps it. */
  messageHeaderId: string;
  /** MessageHeader.response.identifier: the MessageHeader.id of the acknowledged letter. */
  acknowledgedMessageHeaderId: string;
  code: ResponseCode;
  issues: AcknowledgementIssue[];
  /** The organisation that acknowledges (the letter's recipient) and the one it answers (the letter's sender). */
  sender: AcknowledgementParty;
  receiver: AcknowledgementParty;
}

/** A refused acknowledgement: 422 problem+json with the MedCom error code and every broken rule by path. */
export function acknowledgementProblem(
  medcomCode: MedcomErrorCode,
  title: string,
  detail: string,
  errors: string[] = [],
) {
  return new ProblemError(422, 'acknowledgement-invalid', title, detail, {
    medcomCode,
    ...(errors.length > 0 ? { errors } : {}),
  });
}

/** The Bundle as FHIR JSON: XML read by HL7's R4 model, JSON held to the same model. */
function bundleOf(body: FhirBody): FhirResource {
  if (body.fhir === 'xml') {
    try {
      const bundle = readFhirXml(body.text);
      assertSafeText(bundle);
      return bundle;
    } catch (error) {
      if (error instanceof LetterXmlError)
        throw acknowledgementProblem('MSG_BAD_SYNTAX', 'The acknowledgement is not FHIR XML', error.message);
      throw error;
    }
  }
  const json = body.json as Partial<FhirResource> | null;
  if (json === null || typeof json !== 'object' || Array.isArray(json) || typeof json.resourceType !== 'string')
    throw acknowledgementProblem('MSG_JSON_OBJECT', 'The acknowledgement is not a FHIR resource', 'Send a Bundle.');
  try {
    writeFhirXml(json as FhirResource);
  } catch (error) {
    if (error instanceof FhirJsonError)
      throw acknowledgementProblem('MSG_BAD_FORMAT', 'The acknowledgement is not FHIR R4 JSON', error.message);
    throw error;
  }
  return json as FhirResource;
}

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** MedCom: an entry's fullUrl is its resource's `Type/id`, absolute or relative, which is how references resolve. */
function fullUrlErrors(bundle: FhirResource): string[] {
  return list(bundle.entry).flatMap(({ fullUrl, resource }, index) => {
    const { resourceType, id } = object(resource);
    const key = `${String(resourceType)}/${String(id)}`;
    return typeof fullUrl === 'string' && (fullUrl === key || fullUrl.endsWith(`/${key}`))
      ? []
      : [`entry-fullurl: entry ${index}: fullUrl shall end with the resource's type and id`];
  });
}

function resolve(bundle: FhirResource, reference: unknown): Json {
  const key = (text(object(reference).reference) ?? '').split('/').slice(-2).join('/');
  return (
    list(bundle.entry)
      .map((entry) => object(entry.resource))
      .find((resource) => `${String(resource.resourceType)}/${String(resource.id)}` === key) ?? {}
  );
}

function partyOf(organization: Json): AcknowledgementParty {
  const value = (system: string) => text(list(organization.identifier).find((id) => id.system === system)?.value);
  const sorId = value(identifierSystems.sor);
  const ean = value(identifierSystems.ean);
  return { ...(sorId ? { sorId } : {}), ...(ean ? { ean } : {}) };
}

function issuesOf(outcome: Json): AcknowledgementIssue[] {
  return list(outcome.issue).map((issue) => {
    const details = object(issue.details);
    const coding = list(details.coding).map((c) => ({ system: String(c.system), code: String(c.code) }));
    const detailsText = text(details.text);
    return {
      severity: issue.severity as AcknowledgementIssue['severity'],
      code: String(issue.code),
      ...(coding.length > 0 || detailsText
        ? { details: { ...(coding.length > 0 ? { coding } : {}), ...(detailsText ? { text: detailsText } : {}) } }
        : {}),
    };
  });
}

/**
 * Reads a MedCom Acknowledgement 2.0 Bundle (FHIR XML or JSON) and checks it against our reading
 * of the profile. A Bundle that breaks a rule is refused with every broken rule named (paths and
 * rule texts, never values), so nothing of it is stored.
 */
export function readAcknowledgementBundle(body: FhirBody): AcknowledgementMessage {
  const bundle = bundleOf(body);
  if (bundle.resourceType !== 'Bundle')
    throw acknowledgementProblem('MSG_UNKNOWN_TYPE', 'The acknowledgement is not a Bundle', 'Send a message Bundle.');
  let results: unknown[][];
  try {
    results = evaluateEach(
      bundle,
      acknowledgementRules.map((rule) => rule.expression),
    );
  } catch {
    throw acknowledgementProblem('MSG_BAD_FORMAT', 'The acknowledgement could not be read as FHIR', 'See /docs.');
  }
  const broken = acknowledgementRules.filter((_rule, index) => !holds(results[index]!));
  const errors = [...fullUrlErrors(bundle), ...broken.map((rule) => `${rule.id}: ${rule.text}`)];
  if (errors.length > 0) {
    throw acknowledgementProblem(
      broken[0]?.code ?? 'MSG_RESOURCE_ID_MISSING',
      'The message is not a MedCom Acknowledgement 2.0 Postbud can receive',
      `${errors.length} rule(s) of MedCom's Acknowledgement profile are broken; see errors.`,
      errors,
    );
  }
  const header = object(list(bundle.entry)[0]!.resource);
  const response = object(header.response);
  const outcome = resolve(bundle, response.details);
  return {
    bundleId: String(bundle.id),
    messageHeaderId: String(header.id),
    acknowledgedMessageHeaderId: String(response.identifier),
    code: response.code as ResponseCode,
    issues: issuesOf(outcome),
    sender: partyOf(resolve(bundle, header.sender)),
    receiver: partyOf(resolve(bundle, list(header.destination)[0]?.receiver)),
  };
}
