/** The administrators' pages' words (spread into texts.ts). */
export const adminDa = {
  navClients: 'API-klienter',
  clientsTitle: 'API-klienter',
  clientsIntro:
    'Systemer og personer med en nøgle til Postbud. En ny nøgle vises kun én gang: kopier den med det samme.',
  newClientTitle: 'Opret en klient',
  clientName: 'Navn',
  clientRoles: 'Roller',
  clientSenders: 'Må sende for (SOR-id, ét pr. linje)',
  createClient: 'Opret',
  role_sender: 'Afsender',
  role_admin: 'Administrator',
  role_auditor: 'Revisor',
  role_adapter: 'Adapter',
  colClientState: 'Tilstand',
  clientActive: 'Aktiv',
  clientRevoked: 'Tilbagekaldt',
  revokeClient: 'Tilbagekald',
  revokeConfirm: 'Tilbagekald klienten? Dens nøgle afvises fra næste kald.',
  rotateClient: 'Ny nøgle',
  rotateConfirm: 'Giv klienten en ny nøgle? Den gamle afvises med det samme.',
  keyShownOnce: (name: string) => `Nøglen til ${name}. Den vises kun denne ene gang:`,
  clientRevokedNotice: (name: string) => `${name} er tilbagekaldt.`,
  'code_role-mix-refused': 'De roller kan ikke kombineres på én nøgle.',
  'code_client-revoke-self': 'Du kan ikke tilbagekalde din egen nøgle.',
  navDeadLetters: 'Fejlede leveringer',
  deadLettersTitle: 'Fejlede leveringer',
  deadLettersIntro: 'Breve, som ikke kunne leveres efter alle forsøg. Ret modtagerens endepunkt, og send brevet igen.',
  noDeadLetters: 'Ingen fejlede leveringer.',
  colAttempts: 'Forsøg',
  colLastError: 'Sidste fejl',
  colFailedAt: 'Fejlet',
  replay: 'Send igen',
  replayConfirm: 'Send brevet igen til modtagerens nuværende endepunkt?',
  replayed: 'Brevet er sat i kø igen.',
  navImport: 'Import',
  importTitle: 'Importér adressebogen (CSV)',
  importIntro: 'Indsæt et SOR-udtræk som CSV. Du ser først, hvad der ville ske; intet ændres, før du vælger Anvend.',
  importCsv: 'CSV-indhold',
  importPreview: 'Vis hvad der ville ske',
  importPreviewTitle: 'Forhåndsvisning: intet er ændret endnu',
  importApply: 'Anvend importen',
  importDone: 'Importen er anvendt.',
  importCounts: (created: number, updated: number, deactivated: number, unchanged: number) =>
    `${created} oprettes, ${updated} ændres, ${deactivated} nedlægges, ${unchanged} uændrede.`,
  importRefused: (count: number) => `${count} rækker afvises`,
  colLine: 'Linje',
  colReason: 'Årsag',
  importFile: 'Vælg en CSV-fil',
  importFileHint: 'Et SOR-udtræk gemt som CSV (UTF-8). En valgt fil bruges i stedet for teksten nedenfor.',
  importDeactivateMissing: 'Nedlæg postkasser, der mangler i udtrækket',
  importDeactivateMissingHint:
    'Kun postkasser, som en tidligere SOR-import har oprettet eller ændret, og som er i drift. Postkasser oprettet i hånden røres ikke.',
  importMissingTitle: (count: number) =>
    count === 1
      ? '1 postkasse nedlægges, fordi den mangler i udtrækket'
      : `${count} postkasser nedlægges, fordi de mangler i udtrækket`,
  importMissingDone: (count: number) =>
    count === 1
      ? '1 postkasse er nedlagt, fordi den mangler i udtrækket'
      : `${count} postkasser er nedlagt, fordi de mangler i udtrækket`,
  'code_import-encoding-invalid': 'Filen er ikke UTF-8. Gem udtrækket igen som UTF-8 (Excel: “CSV UTF-8”).',
  'code_import-missing-unsafe':
    'En række har intet SOR-id, så det kan ikke afgøres, hvilke postkasser udtrækket udelader. Ret rækken, eller importér uden at nedlægge manglende postkasser.',
  'code_import-empty': 'Filen har en overskrift, men ingen rækker.',
};

export const adminEn: typeof adminDa = {
  navClients: 'API clients',
  clientsTitle: 'API clients',
  clientsIntro: 'Systems and people with a key to Postbud. A new key is shown once only: copy it at once.',
  newClientTitle: 'Create a client',
  clientName: 'Name',
  clientRoles: 'Roles',
  clientSenders: 'May send for (SOR ids, one a line)',
  createClient: 'Create',
  role_sender: 'Sender',
  role_admin: 'Administrator',
  role_auditor: 'Auditor',
  role_adapter: 'Adapter',
  colClientState: 'State',
  clientActive: 'Active',
  clientRevoked: 'Revoked',
  revokeClient: 'Revoke',
  revokeConfirm: 'Revoke the client? Its key is refused from the next call.',
  rotateClient: 'New key',
  rotateConfirm: 'Give the client a new key? The old one is refused at once.',
  keyShownOnce: (name) => `The key of ${name}. It is shown this once only:`,
  clientRevokedNotice: (name) => `${name} is revoked.`,
  'code_role-mix-refused': 'Those roles cannot be combined on one key.',
  'code_client-revoke-self': 'You cannot revoke your own key.',
  navDeadLetters: 'Failed deliveries',
  deadLettersTitle: 'Failed deliveries',
  deadLettersIntro:
    "Letters that could not be delivered after every attempt. Fix the recipient's endpoint, then send the letter again.",
  noDeadLetters: 'No failed deliveries.',
  colAttempts: 'Attempts',
  colLastError: 'Last error',
  colFailedAt: 'Failed',
  replay: 'Send again',
  replayConfirm: "Send the letter again to the recipient's current endpoint?",
  replayed: 'The letter is queued again.',
  navImport: 'Import',
  importTitle: 'Import the directory (CSV)',
  importIntro: 'Paste a SOR extract as CSV. You see first what would happen; nothing changes until you choose Apply.',
  importCsv: 'CSV content',
  importPreview: 'Show what would happen',
  importPreviewTitle: 'Preview: nothing is changed yet',
  importApply: 'Apply the import',
  importDone: 'The import is applied.',
  importCounts: (created, updated, deactivated, unchanged) =>
    `${created} created, ${updated} changed, ${deactivated} deactivated, ${unchanged} unchanged.`,
  importRefused: (count) => `${count} rows refused`,
  colLine: 'Line',
  colReason: 'Reason',
  importFile: 'Choose a CSV file',
  importFileHint: 'An SOR extract saved as CSV (UTF-8). A chosen file is used instead of the text below.',
  importDeactivateMissing: 'Deactivate mailboxes missing from the extract',
  importDeactivateMissingHint:
    'Only mailboxes in operation that an earlier SOR import created or changed. Mailboxes created by hand are left alone.',
  importMissingTitle: (count) =>
    count === 1
      ? '1 mailbox would be deactivated: it is missing from the extract'
      : `${count} mailboxes would be deactivated: they are missing from the extract`,
  importMissingDone: (count) =>
    count === 1
      ? '1 mailbox was deactivated: it is missing from the extract'
      : `${count} mailboxes were deactivated: they are missing from the extract`,
  'code_import-encoding-invalid': 'The file is not UTF-8. Export the extract again as UTF-8 (Excel: “CSV UTF-8”).',
  'code_import-missing-unsafe':
    'A row has no SOR id, so it cannot be told which mailboxes the extract leaves out. Fix the row, or import without deactivating missing mailboxes.',
  'code_import-empty': 'The file has a header but no rows.',
};
