import { attachmentContentTypes, categoryCodes } from './categories.ts';
import { lpr3System, lpr3ValuePattern } from './episode-of-care.ts';
import {
  dataAbsentReasonUrl,
  dEcprSystemPattern,
  patientIdentifierPatterns,
  patientIdentifierSystems,
} from './patient-identifiers.ts';

/**
 * The MedCom CareCommunication message (FHIR R4 XML) as the tree fast-xml-parser makes of it with
 * the options in gateway/medcom/letter-xml-check.ts. The tree's conventions, which this schema relies on:
 * - attributes are keys prefixed `@_`, so a FHIR primitive `<status value="unknown"/>` is
 *   `{ "@_value": "unknown" }` and the root carries `@_xmlns`;
 * - no values are converted: CPR numbers, EANs and SOR ids stay strings with their leading digits;
 * - the elements named in `repeatingElementNames` / `repeatingElementPaths` are always arrays,
 *   every other element is an object (or a string for text-only elements);
 * - whitespace-only text between elements is dropped; the xhtml narrative is kept as parsed.
 * The URIs below are the single source for the builder too.
 */

export const fhirNamespace = 'http://hl7.org/fhir';
export const xhtmlNamespace = 'http://www.w3.org/1999/xhtml';
export const xmlAttributePrefix = '@_';

/** A stored letter template carries this in `contentAttachment.data` until rendering adds the bytes. */
export const attachmentPlaceholderPrefix = 'postbud-attachment:';

export const repeatingElementNames = [
  'entry',
  'profile',
  'extension',
  'identifier',
  'given',
  'prefix',
  'coding',
  'category',
  'payload',
  'destination',
  'focus',
  'target',
  'agent',
  'entity',
  'telecom',
  'address',
  'recipient',
  'episodeOfCare',
] as const;
/** `name` and `code` repeat only in these resources; elsewhere they are single primitives. */
export const repeatingElementPaths = ['Patient.name', 'Practitioner.name', 'PractitionerRole.code'] as const;

const ig = 'http://medcomfhir.dk/ig';
export const careCommunicationUris = {
  messageProfile: `${ig}/carecommunication/StructureDefinition/medcom-careCommunication-message`,
  messageHeaderProfile: `${ig}/carecommunication/StructureDefinition/medcom-careCommunication-messageHeader`,
  communicationProfile: `${ig}/carecommunication/StructureDefinition/medcom-careCommunication-communication`,
  provenanceProfile: `${ig}/carecommunication/StructureDefinition/medcom-careCommunication-provenance`,
  patientProfile: `${ig}/core/StructureDefinition/medcom-core-patient`,
  practitionerRoleProfile: `${ig}/core/StructureDefinition/medcom-core-practitionerrole`,
  practitionerProfile: `${ig}/core/StructureDefinition/medcom-core-practitioner`,
  encounterProfile: `${ig}/core/StructureDefinition/medcom-core-encounter`,
  careTeamProfile: `${ig}/core/StructureDefinition/medcom-core-careteam`,
  senderExtension: `${ig}/core/StructureDefinition/medcom-core-sender-extension`,
  organizationProfile: `${ig}/messaging/StructureDefinition/medcom-messaging-organization`,
  eventCodes: `${ig}/terminology/CodeSystem/medcom-messaging-eventCodes`,
  destinationUseExtension: `${ig}/messaging/StructureDefinition/medcom-messaging-destinationUseExtension`,
  destinationUse: `${ig}/terminology/CodeSystem/medcom-messaging-destinationUse`,
  categoryCodes: `${ig}/terminology/CodeSystem/medcom-careCommunication-categoryCodes`,
  activityCodes: `${ig}/terminology/CodeSystem/medcom-messaging-activityCodes`,
  practitionerRoles: `${ig}/terminology/CodeSystem/medcom-core-PractitionerRolesSKSadministrativ`,
  datetimeExtension: `${ig}/core/StructureDefinition/medcom-core-datetime-extension`,
  identifierExtension: `${ig}/core/StructureDefinition/medcom-core-identifier-extension`,
  practitionerExtension: `${ig}/core/StructureDefinition/medcom-core-practitioner-extension`,
  contactExtension: `${ig}/core/StructureDefinition/medcom-core-contact-extension`,
  messageDefinition: `${ig}/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition|5.0`,
  fullUrlBase: 'https://medcomfhir.dk/ig/carecommunication/',
  sorEndpointBase: 'https://sor2.sum.dsdn.dk/#id=',
} as const;

export const identifierSystems = {
  sor: 'urn:oid:1.2.208.176.1.1',
  ean: 'https://www.gs1.org/gln',
  cpr: patientIdentifierSystems.cpr,
} as const;

export const careCommunicationEventCode = 'care-communication-message';

const nonEmpty = { type: 'string', minLength: 1 } as const;
const dateTime = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$',
} as const;
const resourceId = { type: 'string', pattern: '^[A-Za-z0-9.-]{1,64}$' } as const;
// FHIR base64Binary may be wrapped with whitespace; a template holds the placeholder instead.
const attachmentData = {
  type: 'string',
  pattern: `^(?:[A-Za-z0-9+/=\\s]+|${attachmentPlaceholderPrefix}[0-9]+)$`,
} as const;

function valueOf<S extends object>(value: S) {
  return { type: 'object', required: ['@_value'], properties: { '@_value': value } } as const;
}

function reference<T extends string>(resourceType: T) {
  return {
    type: 'object',
    required: ['reference'],
    properties: { reference: valueOf({ type: 'string', pattern: `(^|/)${resourceType}/[A-Za-z0-9.-]{1,64}$` }) },
  } as const;
}

function coding<S extends string, C extends object>(system: S, code: C) {
  return {
    type: 'object',
    required: ['system', 'code'],
    properties: { system: valueOf({ const: system }), code: valueOf(code) },
  } as const;
}

/** `description` on a one-keyword wrapper becomes the error message (see letter-xml-check.ts). */
function mustContain<D extends string, S extends object>(description: D, item: S) {
  return { description, contains: item } as const;
}

function extensionWithUrl<U extends string>(url: U) {
  return { type: 'object', required: ['@_url'], properties: { '@_url': { const: url } } } as const;
}

function systemIs<S extends string>(system: S) {
  return { type: 'object', required: ['system'], properties: { system: valueOf({ const: system }) } } as const;
}

function identifierOf<S extends string>(system: S) {
  return { ...systemIs(system), required: ['system', 'value'] } as const;
}

function identifierValue<P extends string>(valuePattern: P) {
  return {
    type: 'object',
    required: ['value'],
    properties: { value: valueOf({ type: 'string', pattern: valuePattern }) },
  } as const;
}

function metaWithProfile<P extends string>(profile: P) {
  const profileList = {
    type: 'array',
    ...mustContain(`must list the profile ${profile}`, valueOf({ const: profile })),
  } as const;
  return { type: 'object', required: ['profile'], properties: { profile: profileList } } as const;
}

// FHIR: the narrative is xhtml in its own namespace; MedCom requires it on every resource.
const narrative = {
  type: 'object',
  required: ['status', 'div'],
  properties: {
    status: valueOf(nonEmpty),
    div: { type: 'object', required: ['@_xmlns'], properties: { '@_xmlns': { const: xhtmlNamespace } } },
  },
} as const;

/** Every entry in a MedCom message carries id, a MedCom profile and a narrative. */
function resource<P extends string, R extends readonly string[], S extends object>(
  profile: P,
  required: R,
  properties: S,
) {
  return {
    type: 'object',
    required: ['id', 'meta', 'text', ...required],
    properties: { id: valueOf(resourceId), meta: metaWithProfile(profile), text: narrative, ...properties },
  } as const;
}

const u = careCommunicationUris;

// Only the MedCom 'primary' destination exists: one receiver, no carbon copy.
const messageHeader = resource(
  u.messageHeaderProfile,
  ['eventCoding', 'destination', 'sender', 'source', 'focus', 'definition'],
  {
    eventCoding: coding(u.eventCodes, { const: careCommunicationEventCode }),
    destination: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['endpoint', 'receiver'],
        properties: { endpoint: valueOf(nonEmpty), receiver: reference('Organization') },
      },
    },
    sender: reference('Organization'),
    source: { type: 'object', required: ['endpoint'], properties: { endpoint: valueOf(nonEmpty) } },
    focus: { type: 'array', minItems: 1, maxItems: 1, items: reference('Communication') },
    definition: valueOf(nonEmpty),
  },
);

// MedCom Organization: both the SOR id (who) and the EAN location number (which mailbox).
const organization = resource(u.organizationProfile, ['identifier', 'name'], {
  identifier: {
    type: 'array',
    items: {
      type: 'object',
      allOf: [
        { if: systemIs(identifierSystems.ean), then: identifierValue('^[0-9]{13}$') },
        { if: systemIs(identifierSystems.sor), then: identifierValue('^[0-9]{11,}$') },
      ],
    },
    allOf: [
      mustContain('must contain a SOR identifier (urn:oid:1.2.208.176.1.1)', identifierOf(identifierSystems.sor)),
      mustContain('must contain an EAN identifier (https://www.gs1.org/gln)', identifierOf(identifierSystems.ean)),
    ],
  },
  name: valueOf(nonEmpty),
});

function identifierMatching<S extends object>(system: S) {
  return { type: 'object', required: ['system', 'value'], properties: { system: valueOf(system) } } as const;
}

/** A one-branch `anyOf`, so the error names the rule instead of quoting a long pattern. */
function described<D extends string, S extends object>(description: D, schema: S) {
  return { description, anyOf: [schema] } as const;
}

const cprSystem = { const: identifierSystems.cpr } as const;
const cprValue = identifierValue(patientIdentifierPatterns.cpr);
const xEcprSystem = { const: patientIdentifierSystems['x-ecpr'] } as const;
const dEcprSystem = { type: 'string', pattern: dEcprSystemPattern } as const;

// dk-core: a CPR, or a replacement CPR (X-eCPR, D-eCPR), each value in its own format.
const patientIdentifiers = {
  type: 'array',
  items: {
    type: 'object',
    allOf: [
      {
        if: identifierMatching(cprSystem),
        then: described('value must be a CPR number: ten digits, a real day first (dk-core cpr)', cprValue),
      },
      {
        if: identifierMatching(xEcprSystem),
        then: described(
          'value must be an X-eCPR (dk-core x-ecpr)',
          identifierValue(patientIdentifierPatterns['x-ecpr']),
        ),
      },
      {
        if: identifierMatching(dEcprSystem),
        then: described(
          'value must be a D-eCPR (dk-core d-ecpr)',
          identifierValue(patientIdentifierPatterns['d-ecpr']),
        ),
      },
    ],
  },
  description: 'must contain a CPR identifier (urn:oid:1.2.208.176.1.2) or a replacement CPR (X-eCPR, D-eCPR)',
  anyOf: [
    { contains: identifierMatching(cprSystem) },
    { contains: identifierMatching(xEcprSystem) },
    { contains: identifierMatching(dEcprSystem) },
  ],
} as const;

// MedCom: the official name always has a family name, or says that it is unknown.
const familyName = {
  description: 'must be a family name or carry data-absent-reason',
  anyOf: [
    valueOf(nonEmpty),
    {
      type: 'object',
      required: ['extension'],
      properties: { extension: { type: 'array', contains: extensionWithUrl(dataAbsentReasonUrl) } },
    },
  ],
} as const;

const patient = resource(u.patientProfile, ['identifier', 'name'], {
  identifier: patientIdentifiers,
  name: {
    type: 'array',
    minItems: 1,
    items: { type: 'object', properties: { family: familyName } },
    ...mustContain('must contain a name with a family name', { type: 'object', required: ['family'] }),
  },
});

function hasCategory<C extends string>(code: C) {
  const codingWith = {
    type: 'object',
    properties: { coding: { type: 'array', contains: coding(u.categoryCodes, { const: code }) } },
  } as const;
  return {
    type: 'object',
    required: ['category'],
    properties: { category: { type: 'array', contains: codingWith } },
  } as const;
}

const attachment = {
  type: 'object',
  required: ['title'],
  properties: {
    contentType: valueOf({ enum: [...attachmentContentTypes] }),
    data: valueOf(attachmentData),
    // A link a receiver may open: web addresses only, never javascript: or data: URLs.
    url: valueOf({ type: 'string', pattern: '^https?://[^\\s]+$' }),
    title: valueOf(nonEmpty),
    creation: valueOf(dateTime),
  },
  description: 'must carry contentType with data, or a url',
  anyOf: [
    { type: 'object', required: ['contentType', 'data'] },
    { type: 'object', required: ['url'] },
  ],
} as const;

// MedCom: a segment's identifier is a UUID v4 (medcom-uuidv4) assigned by an organisation.
const segmentIdentifier = {
  type: 'object',
  required: ['valueIdentifier'],
  properties: {
    valueIdentifier: {
      type: 'object',
      required: ['value', 'assigner'],
      properties: {
        value: valueOf({
          type: 'string',
          pattern: '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
        }),
        assigner: reference('Organization'),
      },
    },
  },
} as const;

// Every segment is dated and identified; a text segment also names its author and phone.
const payload = {
  type: 'object',
  required: ['extension'],
  properties: {
    extension: {
      type: 'array',
      items: {
        type: 'object',
        if: extensionWithUrl(u.identifierExtension),
        then: described(
          'the segment identifier must be a urn:uuid: UUID v4 with an assigner (medcom-uuidv4)',
          segmentIdentifier,
        ),
      },
      allOf: [
        mustContain('must contain the sent date-time extension', extensionWithUrl(u.datetimeExtension)),
        mustContain('must contain the segment identifier extension', extensionWithUrl(u.identifierExtension)),
      ],
    },
    contentString: valueOf(nonEmpty),
    contentAttachment: attachment,
  },
  allOf: [
    {
      description: 'must have exactly one of contentString and contentAttachment',
      oneOf: [
        { type: 'object', required: ['contentString'] },
        { type: 'object', required: ['contentAttachment'] },
      ],
    },
    {
      if: { type: 'object', required: ['contentString'] },
      then: {
        type: 'object',
        properties: {
          extension: {
            type: 'array',
            allOf: [
              mustContain(
                'must contain the author (practitioner) extension',
                extensionWithUrl(u.practitionerExtension),
              ),
              mustContain('must contain the author contact extension', extensionWithUrl(u.contactExtension)),
            ],
          },
        },
      },
    },
  ],
} as const;

const communication = {
  ...resource(u.communicationProfile, ['identifier', 'status', 'category', 'subject', 'payload'], {
    identifier: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['value'], properties: { value: valueOf(nonEmpty) } },
    },
    status: valueOf({ const: 'unknown' }),
    // MedCom: exactly one category, from the MedCom list.
    category: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['coding'],
        properties: {
          coding: {
            type: 'array',
            minItems: 1,
            maxItems: 1,
            items: coding(u.categoryCodes, { enum: [...categoryCodes] }),
          },
        },
      },
    },
    priority: valueOf({ enum: ['routine', 'asap'] }),
    subject: reference('Patient'),
    topic: { type: 'object', required: ['text'], properties: { text: valueOf(nonEmpty) } },
    payload: {
      type: 'array',
      minItems: 1,
      items: payload,
      ...mustContain('must contain a text segment (contentString)', { type: 'object', required: ['contentString'] }),
    },
  }),
  allOf: [
    // MedCom: priority belongs only to letters about a referral.
    {
      if: hasCategory('regarding-referral'),
      else: {
        description: 'priority is allowed only with category regarding-referral',
        not: { type: 'object', required: ['priority'] },
      },
    },
    // MedCom: with category 'other' the topic is what tells the receiver what the letter is about.
    { if: hasCategory('other'), then: { type: 'object', required: ['topic'] } },
  ],
} as const;

// MedCom (medcom-careCommunication-7): a role is a coded value or a text, never both.
const practitionerRole = resource(u.practitionerRoleProfile, ['practitioner', 'code'], {
  practitioner: reference('Practitioner'),
  code: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      properties: {
        coding: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', required: ['system', 'code'], properties: { code: valueOf(nonEmpty) } },
        },
        text: valueOf(nonEmpty),
      },
      description: 'must carry either a coding or a text',
      oneOf: [
        { type: 'object', required: ['coding'] },
        { type: 'object', required: ['text'] },
      ],
    },
  },
});

// MedCom Core CareTeam: a named team within an organisation, as a specific sender or recipient.
const careTeam = resource(u.careTeamProfile, ['name'], {
  name: valueOf(nonEmpty),
  managingOrganization: reference('Organization'),
});

const practitioner = resource(u.practitionerProfile, ['name'], { name: { type: 'array', minItems: 1 } });

// MedCom Core Encounter: carries the episode-of-care identifier; an LPR3 one is a UUID v5.
const encounter = resource(u.encounterProfile, ['status', 'class', 'subject'], {
  status: valueOf(nonEmpty),
  class: { type: 'object', required: ['system', 'code'] },
  subject: reference('Patient'),
  episodeOfCare: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        // `identifier` is parsed as a list wherever it appears (repeatingElementNames); FHIR allows one here.
        identifier: {
          type: 'array',
          maxItems: 1,
          items: {
            type: 'object',
            required: ['value'],
            if: systemIs(lpr3System),
            then: described('an LPR3 identifier must be urn:uuid: and a UUID v5', identifierValue(lpr3ValuePattern)),
          },
        },
      },
    },
  },
});

const provenance = resource(u.provenanceProfile, ['target', 'recorded', 'activity', 'agent'], {
  target: { type: 'array', minItems: 1, items: reference('MessageHeader') },
  recorded: valueOf(dateTime),
  activity: {
    type: 'object',
    required: ['coding'],
    properties: { coding: { type: 'array', minItems: 1, items: coding(u.activityCodes, nonEmpty) } },
  },
  agent: { type: 'array', minItems: 1 },
});

const entry = {
  type: 'object',
  required: ['fullUrl', 'resource'],
  properties: {
    fullUrl: valueOf(nonEmpty),
    resource: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      properties: {
        MessageHeader: messageHeader,
        Communication: communication,
        Patient: patient,
        Organization: organization,
        PractitionerRole: practitionerRole,
        Practitioner: practitioner,
        Provenance: provenance,
        Encounter: encounter,
        CareTeam: careTeam,
      },
    },
  },
} as const;

function entryOf<T extends string>(resourceType: T) {
  return {
    type: 'object',
    required: ['resource'],
    properties: { resource: { type: 'object', required: [resourceType] } },
  } as const;
}

export const careCommunicationXmlSchema = {
  $id: 'CareCommunicationXml',
  type: 'object',
  required: ['Bundle'],
  additionalProperties: false,
  properties: {
    Bundle: {
      type: 'object',
      required: ['@_xmlns', 'id', 'meta', 'type', 'timestamp', 'entry'],
      properties: {
        '@_xmlns': { const: fhirNamespace },
        id: valueOf(resourceId),
        meta: metaWithProfile(u.messageProfile),
        type: valueOf({ const: 'message' }),
        timestamp: valueOf(dateTime),
        entry: {
          type: 'array',
          minItems: 8,
          // In JSON Schema 2020-12 `items` skips what `prefixItems` covers, so entry 0 gets both.
          prefixItems: [{ allOf: [entryOf('MessageHeader'), entry] }],
          items: entry,
          allOf: [
            {
              description: 'must contain exactly one MessageHeader entry',
              contains: entryOf('MessageHeader'),
              maxContains: 1,
            },
            {
              description: 'must contain exactly one Communication entry',
              contains: entryOf('Communication'),
              maxContains: 1,
            },
            { description: 'must contain exactly one Patient entry', contains: entryOf('Patient'), maxContains: 1 },
            {
              description: 'must contain the sender and receiver Organization entries',
              contains: entryOf('Organization'),
              minContains: 2,
            },
            mustContain('must contain a PractitionerRole entry', entryOf('PractitionerRole')),
            mustContain('must contain a Practitioner entry', entryOf('Practitioner')),
            mustContain('must contain a Provenance entry', entryOf('Provenance')),
          ],
        },
      },
    },
  },
} as const;
