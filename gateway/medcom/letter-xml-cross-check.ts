import { careCommunicationUris, identifierSystems } from '../../schemas/care-communication-xml.ts';

/**
 * What JSON Schema cannot say of a schema-valid CareCommunication tree (letter-xml-check.ts):
 * references resolve, SOR addresses agree with the Organizations, EANs carry their check digit,
 * and MedCom's invariants on Encounter and specific parties hold.
 */

interface Primitive {
  '@_value': string;
}
interface Reference {
  reference: Primitive;
}
interface Identifier {
  system?: Primitive;
  value?: Primitive;
}
interface ResourceView {
  id: Primitive;
  identifier?: Identifier[];
  destination?: Array<{ endpoint: Primitive; receiver: Reference }>;
  sender?: Reference;
  source?: { endpoint: Primitive };
  focus?: Reference[];
  subject?: Reference;
  encounter?: Reference;
  extension?: Array<{ '@_url': string; valueReference?: Reference }>;
  recipient?: Reference[];
  organization?: Reference;
  managingOrganization?: Reference;
  episodeOfCare?: Array<{ identifier?: Identifier[] }>;
}
/** The parts of a schema-valid tree the cross-checks read. */
export interface BundleView {
  Bundle: { entry: Array<{ fullUrl: Primitive; resource: Record<string, ResourceView> }> };
}

function gs1CheckDigitValid(ean: string): boolean {
  const digits = [...ean].map(Number);
  const sum = digits
    .slice(0, -1)
    .reverse()
    .reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits.at(-1);
}

/** What JSON Schema cannot say: references resolve, addresses agree, EANs carry their check digit. */
export function crossCheck(tree: BundleView): string[] {
  const errors: string[] = [];
  const entries = tree.Bundle.entry;
  const located = new Map<string, ResourceView>();
  entries.forEach((entry, index) => {
    for (const [type, resource] of Object.entries(entry.resource)) {
      const key = `${type}/${resource.id['@_value']}`;
      located.set(key, resource);
      // MedCom: fullUrl ends with the resource's type and id, which is how references resolve.
      if (!entry.fullUrl['@_value'].endsWith(`/${key}`))
        errors.push(`/Bundle/entry/${index}/fullUrl: must end with /${type}/<id>`);
      if (type === 'Organization') {
        resource.identifier?.forEach((identifier, i) => {
          const ean = identifier.value?.['@_value'];
          if (
            identifier.system?.['@_value'] === identifierSystems.ean &&
            ean !== undefined &&
            !gs1CheckDigitValid(ean)
          ) {
            errors.push(
              `/Bundle/entry/${index}/resource/Organization/identifier/${i}/value/@_value: EAN check digit is wrong`,
            );
          }
        });
      }
    }
  });
  const resolve = (reference: Reference, type: string, path: string) => {
    const key = reference.reference['@_value'].split('/').slice(-2).join('/');
    const target = key.startsWith(`${type}/`) ? located.get(key) : undefined;
    if (!target) errors.push(`${path}/reference: does not resolve to an entry of type ${type}`);
    return target;
  };
  const sorOf = (organisation: ResourceView | undefined) =>
    organisation?.identifier?.find((identifier) => identifier.system?.['@_value'] === identifierSystems.sor)?.value?.[
      '@_value'
    ];
  // A SOR endpoint naming another unit than the addressed Organization is a misrouting in the making.
  const sameSor = (endpoint: Primitive, organisation: ResourceView | undefined, path: string, role: string) => {
    const value = endpoint['@_value'];
    const sor = sorOf(organisation);
    if (
      organisation &&
      sor !== undefined &&
      value.startsWith(careCommunicationUris.sorEndpointBase) &&
      value.slice(careCommunicationUris.sorEndpointBase.length) !== sor
    ) {
      errors.push(`${path}: SOR id differs from the ${role} Organization's SOR identifier`);
    }
  };

  const headerPath = '/Bundle/entry/0/resource/MessageHeader';
  const header = entries[0]?.resource.MessageHeader;
  if (!header) return errors;
  header.focus?.forEach((focus, i) => resolve(focus, 'Communication', `${headerPath}/focus/${i}`));
  header.destination?.forEach((destination, i) => {
    const receiver = resolve(destination.receiver, 'Organization', `${headerPath}/destination/${i}/receiver`);
    sameSor(destination.endpoint, receiver, `${headerPath}/destination/${i}/endpoint`, 'receiver');
  });
  if (header.sender) {
    const sender = resolve(header.sender, 'Organization', `${headerPath}/sender`);
    if (header.source) sameSor(header.source.endpoint, sender, `${headerPath}/source/endpoint`, 'sender');
  }
  entries.forEach((entry, index) => {
    const subject = entry.resource.Communication?.subject ?? entry.resource.Encounter?.subject;
    const type = entry.resource.Communication ? 'Communication' : 'Encounter';
    if (subject) resolve(subject, 'Patient', `/Bundle/entry/${index}/resource/${type}/subject`);
  });
  errors.push(...encounterErrors(entries, located));
  errors.push(...specificPartyErrors(entries, located));
  return errors;
}

/**
 * MedCom medcom-careCommunication-9 and -15: an Encounter is sent exactly when the Communication
 * refers to it, and then it carries an episode-of-care identifier.
 */
function encounterErrors(entries: BundleView['Bundle']['entry'], located: Map<string, ResourceView>): string[] {
  const errors: string[] = [];
  const encounterIds = entries.flatMap((entry) => {
    const id = entry.resource.Encounter?.id['@_value'];
    return id === undefined ? [] : [id];
  });
  entries.forEach((entry, index) => {
    const communication = entry.resource.Communication;
    if (!communication) return;
    const path = `/Bundle/entry/${index}/resource/Communication/encounter`;
    if (!communication.encounter) {
      if (encounterIds.length > 0) errors.push(`${path}: must refer to the Encounter in the Bundle`);
      return;
    }
    const key = communication.encounter.reference['@_value'].split('/').slice(-2).join('/');
    const target = key.startsWith('Encounter/') ? located.get(key) : undefined;
    if (!target) errors.push(`${path}/reference: does not resolve to an entry of type Encounter`);
    else if (
      !target.episodeOfCare?.some((episode) => episode.identifier?.some((identifier) => identifier.value !== undefined))
    )
      errors.push(`${path}: the Encounter must carry an episode-of-care identifier`);
  });
  return errors;
}

/**
 * MedCom medcom-careCommunication-11 and -12: a specific sender (or recipient) belongs to the
 * MessageHeader's sender (or receiver) Organization: a CareTeam it manages or a PractitionerRole in it.
 */
function specificPartyErrors(entries: BundleView['Bundle']['entry'], located: Map<string, ResourceView>): string[] {
  const errors: string[] = [];
  const header = entries[0]?.resource.MessageHeader;
  const keyOf = (reference: Reference | undefined) => reference?.reference['@_value'].split('/').slice(-2).join('/');
  const senderKey = keyOf(header?.sender);
  const receiverKey = keyOf(header?.destination?.[0]?.receiver);
  entries.forEach((entry, index) => {
    const communication = entry.resource.Communication;
    if (!communication) return;
    const path = `/Bundle/entry/${index}/resource/Communication`;
    const check = (reference: Reference | undefined, organisationKey: string | undefined, at: string, role: string) => {
      const key = keyOf(reference);
      const party = key && /^(CareTeam|PractitionerRole)\//.test(key) ? located.get(key) : undefined;
      if (!party) {
        errors.push(`${at}: does not resolve to a CareTeam or PractitionerRole entry`);
        return;
      }
      const belongsTo = keyOf(party.managingOrganization ?? party.organization);
      if (belongsTo === undefined || belongsTo !== organisationKey)
        errors.push(`${at}: must belong to the MessageHeader's ${role} Organization`);
    };
    communication.extension
      ?.filter((extension) => extension['@_url'] === careCommunicationUris.senderExtension)
      .forEach((extension) => check(extension.valueReference, senderKey, `${path}/extension/sender`, 'sender'));
    communication.recipient?.forEach((recipient, i) =>
      check(recipient, receiverKey, `${path}/recipient/${i}`, 'receiver'),
    );
  });
  return errors;
}
