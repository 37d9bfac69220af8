// The letter's people and organisations: Patient, Organization, PractitionerRole and Practitioner.
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { careCommunicationUris as uri, identifierSystems } from '../../schemas/care-communication-xml.ts';
import { dataAbsentReasonUrl } from '../../schemas/patient-identifiers.ts';
import { isPractitionerRoleCode, practitionerRoleCodes } from '../../schemas/practitioner-roles.ts';
import type { LetterDraft, LetterIds, OrganisationParty, SpecificParty } from './letter-draft.ts';
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
    const identifier = resource.ele(null, 'identifier');
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
  const identifier = resource.ele(null, 'identifier');
  if (replacementCpr !== undefined) {
    // dk-core: a replacement CPR is temporary, which its `use` says.
    primitive(identifier, 'use', 'temp');
    primitive(identifier, 'system', replacementCpr.system);
    primitive(identifier, 'value', replacementCpr.value, 'patient.replacementCpr');
  } else {
    primitive(identifier, 'system', identifierSystems.cpr);
    primitive(identifier, 'value', cpr ?? '', 'patient.cpr');
  }
  const name = resource.ele(null, 'name');
  primitive(name, 'use', 'official');
  if (family !== undefined) primitive(name, 'family', family, 'patient.family');
  else {
    // MedCom: the family name is always there; when unknown it says so instead of holding a value.
    const absent = extension(name.ele(null, 'family'), dataAbsentReasonUrl);
    primitive(absent, 'valueCode', 'unknown');
  }
  for (const part of (given ?? '').trim().split(/\s+/).filter(Boolean)) primitive(name, 'given', part, 'patient.given');
}

/** MedCom: a role from its SKS list is sent as that code, any other role as plain text (never as a made-up code). */
function roleCode(resource: XMLBuilder, role: string, field: string): void {
  if (isPractitionerRoleCode(role)) coding(resource.ele(null, 'code'), uri.practitionerRoles, role, field);
  else primitive(resource.ele(null, 'code'), 'text', role, field);
}

const roleLabel = (role: string) => (isPractitionerRoleCode(role) ? practitionerRoleCodes[role] : role);

function practitionerEntry(bundle: XMLBuilder, id: string, fullName: string, field: string): void {
  const practitioner = entry(bundle, 'Practitioner', id, uri.practitionerProfile);
  narrative(practitioner, 'generated', [[field, fullName]]);
  const { family, given } = splitName(fullName);
  const name = practitioner.ele(null, 'name');
  primitive(name, 'family', family, field);
  for (const part of given) primitive(name, 'given', part, field);
}

export function author(bundle: XMLBuilder, draft: LetterDraft, ids: LetterIds): void {
  const role = entry(bundle, 'PractitionerRole', ids.practitionerRole, uri.practitionerRoleProfile);
  narrative(role, 'generated', [['author.role', roleLabel(draft.author.role)]]);
  reference(role, 'practitioner', `Practitioner/${ids.practitioner}`);
  roleCode(role, draft.author.role, 'author.role');
  practitionerEntry(bundle, ids.practitioner, draft.author.name, 'author.name');
}

/** The reference a Communication makes to a specific sender or recipient written under `id`. */
export function specificPartyReference(party: SpecificParty, id: string): string {
  return 'careTeam' in party ? `CareTeam/${id}` : `PractitionerRole/${id}`;
}

/** What a reader sees of a specific party: the team's name, or the practitioner and role. */
export function specificPartyLabel(party: SpecificParty): string {
  return 'careTeam' in party
    ? party.careTeam.name
    : `${party.practitioner.name} (${roleLabel(party.practitioner.role)})`;
}

/**
 * A specific sender or recipient, tied to its organisation as MedCom's invariants -11 and -12
 * demand: a CareTeam managed by it, or a PractitionerRole (with its Practitioner) in it.
 */
export function specificParty(
  bundle: XMLBuilder,
  party: SpecificParty,
  ids: { resource: string; practitioner: string },
  organisationId: string,
  field: 'specificSender' | 'specificRecipient',
): void {
  if ('careTeam' in party) {
    const team = entry(bundle, 'CareTeam', ids.resource, uri.careTeamProfile);
    narrative(team, 'generated', [[field, party.careTeam.name]]);
    primitive(team, 'name', party.careTeam.name, `${field}.careTeam.name`);
    reference(team, 'managingOrganization', `Organization/${organisationId}`);
    return;
  }
  const role = entry(bundle, 'PractitionerRole', ids.resource, uri.practitionerRoleProfile);
  narrative(role, 'generated', [[field, specificPartyLabel(party)]]);
  reference(role, 'practitioner', `Practitioner/${ids.practitioner}`);
  reference(role, 'organization', `Organization/${organisationId}`);
  roleCode(role, party.practitioner.role, `${field}.practitioner.role`);
  practitionerEntry(bundle, ids.practitioner, party.practitioner.name, `${field}.practitioner.name`);
}
