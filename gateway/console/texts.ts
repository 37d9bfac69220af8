import { adminDa, adminEn } from './admin-texts.ts';
import { auditDa, auditEn } from './audit-texts.ts';
import { composeDa, composeEn } from './compose-texts.ts';

/**
 * The console's words. Danish first (the users are Danish), English for guests and reviewers;
 * the English table has the Danish table's type, so a text missing in one language does not compile.
 */

export const languages = ['da', 'en'] as const;
export type Language = (typeof languages)[number];

export const isLanguage = (value: unknown): value is Language => languages.includes(value as Language);

const da = {
  ...auditDa,
  ...composeDa,
  ...adminDa,
  appName: 'Postbud',
  skipToContent: 'Gå til indholdet',
  mainNavigation: 'Hovedmenu',
  navDirectory: 'Adressebog',
  signedInAs: (name: string) => `Logget ind som ${name}`,
  roles: (roles: string) => `Roller: ${roles}`,
  signOut: 'Log ud',
  language: 'Sprog',
  languageName: 'Dansk',

  signInTitle: 'Log ind',
  signInIntro:
    'Log ind med din API-nøgle. Nøglen bruges kun her og sendes ikke igen: du får en session, som udløber af sig selv.',
  apiKeyLabel: 'API-nøgle',
  apiKeyHint: 'Nøglen begynder med pb_. En administrator kan oprette en til dig.',
  signInButton: 'Log ind',
  signInFailed: 'Nøglen blev ikke genkendt, eller den er tilbagekaldt.',
  signedOut: 'Du er logget ud.',
  sessionEnded: 'Din session er udløbet eller afsluttet. Log ind igen.',

  errorTitle: 'Det gik ikke',
  errorForbidden: 'Din nøgle har ikke adgang til dette.',
  errorNotFound: 'Siden findes ikke.',
  errorCsrf: 'Formularen var for gammel eller kom ikke fra konsollen. Indlæs siden igen, og prøv en gang til.',
  errorInternal: 'Der skete en fejl i Postbud. Prøv igen om lidt.',
  errorInvalid: 'Nogle felter skal rettes.',
  backToDirectory: 'Tilbage til adressebogen',

  directoryTitle: 'Adressebog',
  directoryIntro: 'Søg efter en modtager med ord fra navnet, stedet eller afdelingen, fx “socialpsykiatri aarhus”.',
  searchLabel: 'Søg i adressebogen',
  searchButton: 'Søg',
  resultCount: (count: number) => (count === 1 ? '1 postkasse fundet' : `${count} postkasser fundet`),
  noResults: 'Ingen postkasser passer til søgningen.',
  searchResults: 'Søgeresultater',
  colName: 'Navn',
  colPath: 'Placering',
  colSector: 'Sektor',
  colEan: 'EAN',
  colState: 'Tilstand',
  previousPage: 'Forrige side',
  nextPage: 'Næste side',
  pageOf: (page: number, pages: number) => `Side ${page} af ${pages}`,
  pagination: 'Sider',

  sector_region: 'Region',
  sector_municipality: 'Kommune',
  sector_gp: 'Almen praksis',
  'state_in-operation': 'I drift',
  state_deactivated: 'Nedlagt',
  'state_not-yet-valid': 'Endnu ikke gyldig',
  state_expired: 'Udløbet',
  kind_owner: 'Ejer',
  kind_institution: 'Institution',
  kind_unit: 'Enhed',

  breadcrumbs: 'Placering i hierarkiet',
  mailboxDetails: 'Oplysninger',
  field_sorId: 'SOR-id',
  field_ean: 'EAN (lokationsnummer)',
  field_deliveryEan: 'EAN breve leveres til',
  field_name: 'Navn',
  field_displayName: 'Visningsnavn',
  field_parentSorId: 'Overordnet SOR-id',
  field_kind: 'Type',
  field_sector: 'Sektor',
  field_municipalityCode: 'Kommunekode',
  field_regionCode: 'Regionskode',
  field_unitType: 'Enhedstype',
  field_address: 'Adresse',
  field_accepts: 'Modtager meddelelsestyper',
  field_endpoint: 'Endepunkt',
  field_validFrom: 'Gyldig fra',
  field_validTo: 'Gyldig til og med',
  field_active: 'Aktiv',
  field_successorSorId: 'Efterfølger (SOR-id)',
  field_version: 'Version',
  field_updatedAt: 'Senest ændret',
  acceptsHint: 'Én pr. linje eller adskilt af komma, fx CareCommunication.',
  none: '—',
  yes: 'Ja',
  no: 'Nej',

  lookAlikesTitle: 'Navne der ligner',
  lookAlikesIntro:
    'Postkasser i samme sektor, som let forveksles med denne. De ord, der adskiller navnene, er markeret.',
  noLookAlikes: 'Ingen aktive postkasser i samme sektor har et navn, der ligner.',
  similarity: (percent: number) => `${percent} % ens`,
  thisMailbox: 'Denne postkasse',
  lookAlike: 'Ligner',

  historyTitle: 'Historik',
  historyEmpty: 'Ingen ændringer registreret.',
  colVersion: 'Version',
  colChange: 'Ændring',
  colWhen: 'Tidspunkt',
  colWho: 'Hvem',
  colWhat: 'Hvad',
  change_create: 'Oprettet',
  change_update: 'Ændret',
  change_deactivate: 'Nedlagt',
  change_import: 'Importeret',
  unknownActor: 'ukendt',

  editMailbox: 'Rediger',
  editTitle: (name: string) => `Rediger ${name}`,
  save: 'Gem ændringer',
  cancel: 'Annuller',
  saved: 'Ændringerne er gemt.',
  nothingChanged: 'Intet blev ændret.',
  conflictTitle: 'Nogen har ændret postkassen imens',
  conflictIntro: (yours: number, current: number) =>
    `Du redigerede version ${yours}, men postkassen er nu i version ${current}. Intet er gemt. Sammenlign, og gem igen, hvis dine ændringer stadig skal med.`,
  colField: 'Felt',
  yourVersion: 'Din udgave',
  currentVersion: 'Den nye udgave',
  saveMineAnyway: 'Gem min udgave over den nye',

  deactivateTitle: 'Nedlæg postkassen',
  deactivateIntro:
    'En nedlagt postkasse modtager ikke flere breve. Afsendere, der bruger den, får at vide, hvilken postkasse der overtager.',
  successorHint: 'SOR-id for den postkasse, der overtager. Den skal være i drift.',
  lastDayLabel: 'Sidste dag (tom: i dag)',
  deactivateButton: 'Nedlæg',
  deactivateConfirm: 'Nedlæg postkassen? Den modtager ikke flere breve.',
  deactivated: 'Postkassen er nedlagt.',
  deactivationScheduled: (day: string) => `Postkassen nedlægges efter ${day}.`,
  allSectors: 'Alle sektorer',
  colSimilarity: 'Lighed',
  changedSince: 'Ændringer siden din version',
  fieldInvalid: (message: string) => `Ugyldig værdi (${message}).`,
  'code_ean-invalid': 'EAN-nummeret har et forkert kontrolciffer.',
  'code_parent-unknown': 'Den overordnede postkasse findes ikke i adressebogen.',
  'code_parent-cycle': 'Den overordnede postkasse ligger selv under denne.',
  'code_successor-invalid':
    'Efterfølgeren skal findes i adressebogen og være i drift, og den kan ikke være postkassen selv.',
  'code_mailbox-not-found': 'Postkassen findes ikke i adressebogen.',
  'code_sor-id-invalid': 'SOR-id skal være mindst 11 cifre.',
  'code_version-conflict': 'Postkassen er ændret af en anden imens. Indlæs siden igen.',
};

export type Texts = typeof da;

const en: Texts = {
  ...auditEn,
  ...composeEn,
  ...adminEn,
  appName: 'Postbud',
  skipToContent: 'Skip to content',
  mainNavigation: 'Main menu',
  navDirectory: 'Directory',
  signedInAs: (name) => `Signed in as ${name}`,
  roles: (roles) => `Roles: ${roles}`,
  signOut: 'Sign out',
  language: 'Language',
  languageName: 'English',

  signInTitle: 'Sign in',
  signInIntro:
    'Sign in with your API key. The key is used here once and never sent again: you get a session that expires by itself.',
  apiKeyLabel: 'API key',
  apiKeyHint: 'The key starts with pb_. An administrator can create one for you.',
  signInButton: 'Sign in',
  signInFailed: 'The key was not recognised, or it has been revoked.',
  signedOut: 'You are signed out.',
  sessionEnded: 'Your session has expired or ended. Please sign in again.',

  errorTitle: 'That did not work',
  errorForbidden: 'Your key does not give access to this.',
  errorNotFound: 'There is no such page.',
  errorCsrf: 'The form was too old or did not come from the console. Reload the page and try again.',
  errorInternal: 'Something went wrong in Postbud. Please try again shortly.',
  errorInvalid: 'Some fields need correcting.',
  backToDirectory: 'Back to the directory',

  directoryTitle: 'Directory',
  directoryIntro:
    'Search for a recipient with words from the name, the place or the department, e.g. “socialpsykiatri aarhus”.',
  searchLabel: 'Search the directory',
  searchButton: 'Search',
  resultCount: (count) => (count === 1 ? '1 mailbox found' : `${count} mailboxes found`),
  noResults: 'No mailbox matches the search.',
  searchResults: 'Search results',
  colName: 'Name',
  colPath: 'Path',
  colSector: 'Sector',
  colEan: 'EAN',
  colState: 'State',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  pageOf: (page, pages) => `Page ${page} of ${pages}`,
  pagination: 'Pages',

  sector_region: 'Region',
  sector_municipality: 'Municipality',
  sector_gp: 'General practice',
  'state_in-operation': 'In operation',
  state_deactivated: 'Deactivated',
  'state_not-yet-valid': 'Not yet valid',
  state_expired: 'Expired',
  kind_owner: 'Owner',
  kind_institution: 'Institution',
  kind_unit: 'Unit',

  breadcrumbs: 'Place in the hierarchy',
  mailboxDetails: 'Details',
  field_sorId: 'SOR id',
  field_ean: 'EAN (location number)',
  field_deliveryEan: 'EAN letters are delivered to',
  field_name: 'Name',
  field_displayName: 'Display name',
  field_parentSorId: 'Parent SOR id',
  field_kind: 'Kind',
  field_sector: 'Sector',
  field_municipalityCode: 'Municipality code',
  field_regionCode: 'Region code',
  field_unitType: 'Unit type',
  field_address: 'Address',
  field_accepts: 'Accepts message types',
  field_endpoint: 'Endpoint',
  field_validFrom: 'Valid from',
  field_validTo: 'Valid until (inclusive)',
  field_active: 'Active',
  field_successorSorId: 'Successor (SOR id)',
  field_version: 'Version',
  field_updatedAt: 'Last changed',
  acceptsHint: 'One per line or separated by commas, e.g. CareCommunication.',
  none: '—',
  yes: 'Yes',
  no: 'No',

  lookAlikesTitle: 'Names that look alike',
  lookAlikesIntro:
    'Mailboxes of the same sector that are easily taken for this one. The words that tell the names apart are marked.',
  noLookAlikes: 'No active mailbox of the same sector has a name like this one.',
  similarity: (percent) => `${percent} % alike`,
  thisMailbox: 'This mailbox',
  lookAlike: 'Looks like',

  historyTitle: 'History',
  historyEmpty: 'No changes recorded.',
  colVersion: 'Version',
  colChange: 'Change',
  colWhen: 'When',
  colWho: 'Who',
  colWhat: 'What',
  change_create: 'Created',
  change_update: 'Changed',
  change_deactivate: 'Deactivated',
  change_import: 'Imported',
  unknownActor: 'unknown',

  editMailbox: 'Edit',
  editTitle: (name) => `Edit ${name}`,
  save: 'Save changes',
  cancel: 'Cancel',
  saved: 'The changes are saved.',
  nothingChanged: 'Nothing was changed.',
  conflictTitle: 'Someone changed the mailbox meanwhile',
  conflictIntro: (yours, current) =>
    `You edited version ${yours}, but the mailbox is now at version ${current}. Nothing was saved. Compare, and save again if your changes still belong.`,
  colField: 'Field',
  yourVersion: 'Your version',
  currentVersion: 'The new version',
  saveMineAnyway: 'Save my version over the new one',

  deactivateTitle: 'Deactivate the mailbox',
  deactivateIntro:
    'A deactivated mailbox receives no more letters. Senders who still use it are told which mailbox takes over.',
  successorHint: 'SOR id of the mailbox that takes over. It must be in operation.',
  lastDayLabel: 'Last day (empty: today)',
  deactivateButton: 'Deactivate',
  deactivateConfirm: 'Deactivate the mailbox? It will receive no more letters.',
  deactivated: 'The mailbox is deactivated.',
  deactivationScheduled: (day) => `The mailbox closes after ${day}.`,
  allSectors: 'All sectors',
  colSimilarity: 'Similarity',
  changedSince: 'Changes since your version',
  fieldInvalid: (message) => `Invalid value (${message}).`,
  'code_ean-invalid': 'The EAN number has a wrong check digit.',
  'code_parent-unknown': 'The parent mailbox is not in the directory.',
  'code_parent-cycle': 'The parent mailbox is itself below this one.',
  'code_successor-invalid':
    'The successor must be in the directory and in operation, and cannot be the mailbox itself.',
  'code_mailbox-not-found': 'The mailbox is not in the directory.',
  'code_sor-id-invalid': 'An SOR id has at least 11 digits.',
  'code_version-conflict': 'Someone else changed the mailbox meanwhile. Reload the page.',
};

const tables: Record<Language, Texts> = { da, en };

export function textsFor(language: Language): Texts {
  return tables[language];
}

/** The plain words for a refusal's stable code (`code_…`), where the console has them. */
export function codeText(t: Texts, code: string): string | undefined {
  return (t as unknown as Record<string, string | undefined>)[`code_${code}`];
}

/** The label of a mailbox field (`field_…`), or the field's own name. */
export function fieldLabel(t: Texts, field: string): string {
  return (t as unknown as Record<string, string | undefined>)[`field_${field}`] ?? field;
}
