// The letter's people and organisations: Patient, Organization, PractitionerRole and Practitioner.
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationUris as uri, identifierSystems } from '../../schemas/care-communication-xml.ts';
import { dataAbsentReasonUrl } from '../../schemas/patient-identifiers.ts';
import { isPractitionerRoleCode, practitionerRoleCodes } from '../../schemas/practitioner-roles.ts';
import type { LetterDraft, LetterIds, OrganisationParty } from './letter-draft.ts';
import { coding, entry, extension, narrative, primitive, reference } from './letter-xml-writer.ts';

function splitName(name: string): { family: string; given: string[] } {
  const parts = name.trim().split(/\s+/);
  return { family: parts.pop() ?? '', given: parts };
}

export function organisation(
  bundle: XMLBuilder,
  id: string,
  party: OrganisationParty,
  role: 'sender' | 'recipient',
): void {
  const resource = entry(bundle, 'Organization', id, uri.organizationProfile);
  narrative(resource, 'generated', [[`${role}.name`, `${party.name} (SOR ${party.sorId}, EAN ${party.ean})`]]);
  for (const [system, value, field] of [
    [identifierSystems.ean, party.ean, `${role}.ean`],
    [identifierSystems.sor, party.sorId, `${role}.sorId`],
  ] as const) {
    const identifier = resource.ele('identifier');
    primitive(identifier, 'system', system);
    primitive(identifier, 'value', value, field);
  }
  primitive(resource, 'name', party.name, `${role}.name`);
}

function patientNarrative({ cpr, replacementCpr, given, family }: LetterDraft['patient']): string {
  const name = [given, family ?? '(efternavn ukendt)'].filter(Boolean).join(' ');
  const id = cpr !== undefined ? `CPR ${cpr.slice(0, 6)}-${cpr.slice(6)}` : `erstatnings-CPR ${replacementCpr?.value}`;
  return `${name}, ${id}`;
}

export function patient(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const resource = entry(bundle, 'Patient', ids.patient, uri.patientProfile);
  const { cpr, replacementCpr, given, family } = draft.patient;
  narrative(resource, 'generated', [['patient', patientNarrative(draft.patient)]]);
  const identifier = resource.ele('identifier');
  if (replacementCpr !== undefined) {
    // dk-core: a replacement CPR is temporary, which its `use` says.
    primitive(identifier, 'use', 'temp');
    primitive(identifier, 'system', replacementCpr.system);
    primitive(identifier, 'value', replacementCpr.value, 'patient.replacementCpr');
  } else {
    primitive(identifier, 'system', identifierSystems.cpr);
    primitive(identifier, 'value', cpr ?? '', 'patient.cpr');
  }
  const name = resource.ele('name');
  primitive(name, 'use', 'official');
  if (family !== undefined) primitive(name, 'family', family, 'patient.family');
  else {
    // MedCom: the family name is always there; when unknown it says so instead of holding a value.
    const absent = extension(name.ele('family'), dataAbsentReasonUrl);
    primitive(absent, 'valueCode', 'unknown');
  }
  for (const part of (given ?? '').trim().split(/\s+/).filter(Boolean)) primitive(name, 'given', part, 'patient.given');
}

export function author(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const role = entry(bundle, 'PractitionerRole', ids.practitionerRole, uri.practitionerRoleProfile);
  const roleName = draft.author.role;
  const known = isPractitionerRoleCode(roleName);
  narrative(role, 'generated', [['author.role', known ? practitionerRoleCodes[roleName] : roleName]]);
  reference(role, 'practitioner', `Practitioner/${ids.practitioner}`);
  // MedCom: a role from its SKS list is sent as that code, any other role as plain text (never as a made-up code).
  if (known) coding(role.ele('code'), uri.practitionerRoles, roleName, 'author.role');
  else primitive(role.ele('code'), 'text', roleName, 'author.role');

  const practitioner = entry(bundle, 'Practitioner', ids.practitioner, uri.practitionerProfile);
  narrative(practitioner, 'generated', [['author.name', draft.author.name]]);
  const { family, given } = splitName(draft.author.name);
  const name = practitioner.ele('name');
  primitive(name, 'family', family, 'author.name');
  for (const part of given) primitive(name, 'given', part, 'author.name');
}
