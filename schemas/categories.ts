/** MedCom CareCommunication category codes with their Danish labels (DOMAIN.md). */
export const careCommunicationCategories = {
  'alcohol-and-drug-treatment': 'Rusmiddelbehandling',
  'assistive-devices': 'Hjælpemidler',
  carecoordination: 'Forløbskoordinering',
  decease: 'Dødsfald',
  discharge: 'Udskrivelse',
  'examination-results': 'Undersøgelsessvar',
  healthcare: 'Sundhedspleje',
  'home-care-assessment': 'Visitation',
  medicine: 'Medicin',
  nursing: 'Sygepleje',
  outpatient: 'Ambulant',
  'psychiatry-social-disability': 'Psykiatri, social, handicap',
  'regarding-referral': 'Vedr. henvisning',
  telemedicine: 'Telemedicin',
  training: 'Træning',
  'acute-ambulant': 'Akut ambulant',
  'extended-care-responsibility': 'Udvidet behandlingsansvar',
  other: 'Andet',
} as const;

export type CategoryCode = keyof typeof careCommunicationCategories;
export const categoryCodes = Object.keys(careCommunicationCategories) as CategoryCode[];

/** Attachment media types every MedCom receiver must accept. */
export const attachmentContentTypes = [
  'application/pdf',
  'image/gif',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/bmp',
] as const;
export type AttachmentContentType = (typeof attachmentContentTypes)[number];

export const sectors = ['region', 'municipality', 'gp'] as const;
export type Sector = (typeof sectors)[number];

export const letterStatuses = [
  'accepted',
  'queued',
  'delivered',
  'acknowledged',
  'rejected',
  'misrouted',
  'failed',
] as const;
export type LetterStatus = (typeof letterStatuses)[number];

/** The message type name a mailbox lists in `accepts` to receive correspondence letters. */
export const careCommunicationMessageType = 'CareCommunication';
