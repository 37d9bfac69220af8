/** The clinics' pages' words: composing a letter and following its status (spread into texts.ts). */

/** What a finding's sentence may name; every value is the directory's or the user's own, never a CPR. */
export interface FindingWords {
  recipient: string;
  sender?: string;
  successor?: string;
  file?: string;
  patientMunicipality?: string;
  recipientMunicipality?: string;
}

export const composeDa = {
  // A letter refused before its form is read (http/upload-slots.ts) gets the console's error page.
  'code_server-busy': 'Postbud tager imod mange breve lige nu. Prøv igen om lidt.',
  navCompose: 'Skriv brev',
  composeTitle: 'Skriv et brev',
  composeIntro:
    'Find modtageren, skriv brevet, og vedhæft op til ti filer (PDF eller billeder). Postbud kontrollerer modtageren, før brevet sendes.',
  composeRecipientStep: '1. Modtager',
  composeLetterStep: '2. Brevet',
  composeSearchLabel: 'Søg efter modtageren',
  composeChoose: 'Vælg',
  composeChooseLabel: (name: string) => `Vælg ${name}`,
  composeChosen: 'Valgt modtager',
  composeChooseAnother: 'Vælg en anden modtager',
  composeNoRecipient: 'Søg efter modtageren, og vælg den, før du skriver brevet.',
  composeSender: 'Afsender',
  composePatient: 'Patient',
  composeCpr: 'CPR-nummer',
  composeCprHint: 'Ti cifre, fx 250947-9989.',
  composeGiven: 'Fornavne',
  composeFamily: 'Efternavn',
  composeMunicipality: 'Patientens kommunekode (valgfri)',
  composeCategory: 'Kategori',
  composeTopic: 'Emne (skal udfyldes ved kategorien Andet)',
  composeText: 'Brevets tekst',
  composeAuthor: 'Skrevet af',
  composeAuthorName: 'Dit navn',
  composeAuthorRole: 'Din stilling, fx sygeplejerske',
  composeAuthorPhone: 'Dit telefonnummer',
  composeFiles: 'Filer',
  composeFilesLabel: 'Vælg filer (højst 10)',
  composeFilesHint: 'PDF, PNG, JPEG, GIF, TIFF eller BMP. Du kan også trække filerne hertil.',
  composeDropHere: 'Træk filer hertil',
  composeChosenFiles: 'Valgte filer',
  composeRemoveFile: (name: string) => `Fjern ${name}`,
  composeTooManyFiles: 'Et brev kan have højst ti filer; de øvrige er ikke taget med.',
  composeSend: 'Send brevet',
  composeUploading: 'Sender…',
  composeUploaded: (percent: number) => `${percent} % overført`,
  composeProgress: 'Overførsel',
  composeRefused: 'Brevet er ikke sendt.',
  composeFilesAgain: 'Filerne skal vælges igen, før brevet sendes.',
  composeUploadFailed: 'Forbindelsen blev afbrudt. Brevet er ikke sendt; prøv igen.',

  warningTitle: 'Kontrollér modtageren',
  warningIntro: 'Brevet er ikke sendt endnu. Postbud fandt noget, du bør se på, før det sendes:',
  warningChosen: 'Du har valgt',
  warningLookAlike: 'Ligner',
  warningSendAnyway: 'Send alligevel',
  warningCancel: 'Ret brevet',
  warningAcknowledge: 'Jeg har kontrolleret det, og brevet skal sendes alligevel',

  'warning_confusable-name': (w: FindingWords) =>
    `Navnet på ${w.recipient} ligner andre postkassers. Kontrollér, at du har valgt den rigtige; de ord, der adskiller navnene, er markeret.`,
  'warning_municipality-mismatch': (w: FindingWords) =>
    `Patienten hører til kommune ${w.patientMunicipality}, men ${w.recipient} hører til kommune ${w.recipientMunicipality}.`,
  'warning_first-contact': (w: FindingWords) =>
    `Det er første gang, ${w.sender ?? 'din organisation'} skriver til ${w.recipient}.`,
  'warning_receiver-ean-differs': (w: FindingWords) =>
    `Lokationsnummeret i brevet er ikke det, adressebogen har for ${w.recipient}.`,

  'finding_sender-not-allowed': () => 'Din nøgle må ikke sende på vegne af den valgte afsender.',
  'finding_sender-unknown': () => 'Afsenderen findes ikke i adressebogen. Kontakt en administrator.',
  'finding_recipient-unknown': () => 'Modtageren findes ikke i adressebogen. Søg, og vælg modtageren igen.',
  'finding_recipient-is-sender': () => 'Modtageren er afsenderen selv. Vælg en anden modtager.',
  'finding_recipient-name-mismatch': (w: FindingWords) =>
    `Modtagerens navn er ændret, siden du valgte den. Den hedder nu ${w.recipient}. Vælg modtageren igen.`,
  'finding_recipient-inactive': (w: FindingWords) =>
    w.successor
      ? `${w.recipient} modtager ikke længere breve. ${w.successor} har overtaget; vælg den i stedet.`
      : `${w.recipient} modtager ikke breve nu. Vælg en anden modtager.`,
  'finding_recipient-cannot-receive': (w: FindingWords) =>
    `${w.recipient} kan ikke modtage korrespondancebreve elektronisk. Vælg en anden modtager.`,
  'finding_ean-missing': () => 'Afsender eller modtager har intet lokationsnummer (EAN). Kontakt en administrator.',
  'finding_topic-required': () => 'Skriv et emne, når kategorien er Andet.',
  'finding_cpr-invalid': () => 'CPR-nummeret er ikke gyldigt: de første seks cifre skal være en dato.',
  'finding_cpr-replacement-form': () => 'CPR-nummeret har den gamle form for erstatningsnummer. Brug et eCPR.',
  'finding_too-many-attachments': () => 'Et brev kan have højst ti filer.',
  'finding_attachment-too-large': () => 'En af filerne er for stor.',
  'finding_letter-too-large': () => 'Filerne fylder tilsammen for meget til ét brev.',
  'finding_attachment-type-mismatch': (w: FindingWords) =>
    `Filen ${w.file ?? ''} er ikke den type, navnet siger. Gem den igen som PDF eller billede.`,
  'finding_attachment-type-not-allowed': (w: FindingWords) =>
    `Filen ${w.file ?? ''} er hverken en PDF eller et billede (PNG, JPEG, GIF, TIFF, BMP).`,
  'finding_attachment-empty': (w: FindingWords) => `Filen ${w.file ?? ''} er tom.`,
  'finding_attachment-corrupt': (w: FindingWords) => `Filen ${w.file ?? ''} er beskadiget og kan ikke sendes.`,
  'finding_attachment-too-many-pixels': (w: FindingWords) =>
    `Billedet ${w.file ?? ''} er for stort (for mange billedpunkter).`,
  'finding_too-many-uploads': () => 'Du sender allerede mange breve på én gang. Vent lidt, og prøv igen.',
  'finding_sector-backlogged': () => 'Modtagerens sektor har travlt lige nu. Prøv igen om lidt.',
  'finding_field-invalid': () => 'Et felt er ikke udfyldt rigtigt:',
  'finding_attachment-title-invalid': (w: FindingWords) =>
    `Filnavnet ${w.file ?? ''} kan ikke bruges som titel. Omdøb filen, og vælg den igen.`,
  'finding_idempotency-key-reused': () =>
    'Denne side har allerede sendt et andet brev. Åbn “Skriv brev” igen for at sende et nyt.',

  sentTitle: 'Brevets status',
  sentIntro: (name: string) => `Brevet til ${name}.`,
  sentReload: 'Opdater status',
  sentUpdating: 'Siden opdateres af sig selv.',
  sentSteps: 'Brevets vej',
  sentAttachments: 'Vedhæftede filer',
  sentNoAttachments: 'Ingen filer.',
  sentLetterId: 'Brevets id',
  sentWriteAnother: 'Skriv et nyt brev',
  letter_accepted: 'Modtaget af Postbud',
  letter_queued: 'Sat i kø til modtageren',
  letter_delivered: 'Leveret til modtagerens system',
  letter_acknowledged: 'Kvitteret af modtageren',
  letter_rejected: 'Afvist af modtageren',
  letter_misrouted: 'Meldt som fejlsendt',
  letter_failed: 'Kunne ikke leveres',
};

export const composeEn: typeof composeDa = {
  'code_server-busy': 'Postbud is taking in many letters right now. Please try again shortly.',
  navCompose: 'Write a letter',
  composeTitle: 'Write a letter',
  composeIntro:
    'Find the recipient, write the letter and attach up to ten files (PDF or images). Postbud checks the recipient before the letter is sent.',
  composeRecipientStep: '1. Recipient',
  composeLetterStep: '2. The letter',
  composeSearchLabel: 'Search for the recipient',
  composeChoose: 'Choose',
  composeChooseLabel: (name) => `Choose ${name}`,
  composeChosen: 'Chosen recipient',
  composeChooseAnother: 'Choose another recipient',
  composeNoRecipient: 'Search for the recipient and choose it before you write the letter.',
  composeSender: 'Sender',
  composePatient: 'Patient',
  composeCpr: 'CPR number',
  composeCprHint: 'Ten digits, e.g. 250947-9989.',
  composeGiven: 'Given names',
  composeFamily: 'Family name',
  composeMunicipality: "Patient's municipality code (optional)",
  composeCategory: 'Category',
  composeTopic: 'Topic (required for the category Other)',
  composeText: 'Text of the letter',
  composeAuthor: 'Written by',
  composeAuthorName: 'Your name',
  composeAuthorRole: 'Your role, e.g. sygeplejerske',
  composeAuthorPhone: 'Your phone number',
  composeFiles: 'Files',
  composeFilesLabel: 'Choose files (at most 10)',
  composeFilesHint: 'PDF, PNG, JPEG, GIF, TIFF or BMP. You can also drag the files here.',
  composeDropHere: 'Drop files here',
  composeChosenFiles: 'Chosen files',
  composeRemoveFile: (name) => `Remove ${name}`,
  composeTooManyFiles: 'A letter carries at most ten files; the others were left out.',
  composeSend: 'Send the letter',
  composeUploading: 'Sending…',
  composeUploaded: (percent) => `${percent} % uploaded`,
  composeProgress: 'Upload',
  composeRefused: 'The letter was not sent.',
  composeFilesAgain: 'Choose the files again before sending the letter.',
  composeUploadFailed: 'The connection was lost. The letter was not sent; please try again.',

  warningTitle: 'Check the recipient',
  warningIntro: 'The letter is not sent yet. Postbud found something you should look at before it is sent:',
  warningChosen: 'You chose',
  warningLookAlike: 'Looks like',
  warningSendAnyway: 'Send anyway',
  warningCancel: 'Change the letter',
  warningAcknowledge: 'I have checked it, and the letter is to be sent anyway',

  'warning_confusable-name': (w) =>
    `The name of ${w.recipient} looks like other mailboxes' names. Check that you chose the right one; the words that tell the names apart are marked.`,
  'warning_municipality-mismatch': (w) =>
    `The patient belongs to municipality ${w.patientMunicipality}, but ${w.recipient} belongs to municipality ${w.recipientMunicipality}.`,
  'warning_first-contact': (w) => `This is the first letter from ${w.sender ?? 'your organisation'} to ${w.recipient}.`,
  'warning_receiver-ean-differs': (w) =>
    `The location number in the letter is not the one the directory has for ${w.recipient}.`,

  'finding_sender-not-allowed': () => 'Your key may not send on behalf of the chosen sender.',
  'finding_sender-unknown': () => 'The sender is not in the directory. Please contact an administrator.',
  'finding_recipient-unknown': () => 'The recipient is not in the directory. Search and choose the recipient again.',
  'finding_recipient-is-sender': () => 'The recipient is the sender itself. Choose another recipient.',
  'finding_recipient-name-mismatch': (w) =>
    `The recipient's name has changed since you chose it. It is now ${w.recipient}. Choose the recipient again.`,
  'finding_recipient-inactive': (w) =>
    w.successor
      ? `${w.recipient} no longer receives letters. ${w.successor} has taken over; choose it instead.`
      : `${w.recipient} does not receive letters now. Choose another recipient.`,
  'finding_recipient-cannot-receive': (w) =>
    `${w.recipient} cannot receive care communication letters electronically. Choose another recipient.`,
  'finding_ean-missing': () =>
    'The sender or the recipient has no location number (EAN). Please contact an administrator.',
  'finding_topic-required': () => 'Write a topic when the category is Other.',
  'finding_cpr-invalid': () => 'The CPR number is not valid: its first six digits must be a date.',
  'finding_cpr-replacement-form': () => 'The CPR number has the old replacement form. Use an eCPR.',
  'finding_too-many-attachments': () => 'A letter carries at most ten files.',
  'finding_attachment-too-large': () => 'One of the files is too large.',
  'finding_letter-too-large': () => 'The files together are too large for one letter.',
  'finding_attachment-type-mismatch': (w) =>
    `The file ${w.file ?? ''} is not the type its name says. Save it again as PDF or image.`,
  'finding_attachment-type-not-allowed': (w) =>
    `The file ${w.file ?? ''} is neither a PDF nor an image (PNG, JPEG, GIF, TIFF, BMP).`,
  'finding_attachment-empty': (w) => `The file ${w.file ?? ''} is empty.`,
  'finding_attachment-corrupt': (w) => `The file ${w.file ?? ''} is damaged and cannot be sent.`,
  'finding_attachment-too-many-pixels': (w) => `The image ${w.file ?? ''} is too large (too many pixels).`,
  'finding_too-many-uploads': () => 'You are already sending many letters at once. Wait a moment and try again.',
  'finding_sector-backlogged': () => "The recipient's sector is busy right now. Please try again shortly.",
  'finding_field-invalid': () => 'A field is not filled in correctly:',
  'finding_attachment-title-invalid': (w) =>
    `The file name ${w.file ?? ''} cannot be used as a title. Rename the file and choose it again.`,
  'finding_idempotency-key-reused': () =>
    'This page has already sent another letter. Open “Write a letter” again to send a new one.',

  sentTitle: "The letter's status",
  sentIntro: (name) => `The letter to ${name}.`,
  sentReload: 'Update the status',
  sentUpdating: 'The page updates by itself.',
  sentSteps: "The letter's way",
  sentAttachments: 'Attached files',
  sentNoAttachments: 'No files.',
  sentLetterId: "The letter's id",
  sentWriteAnother: 'Write another letter',
  letter_accepted: 'Received by Postbud',
  letter_queued: 'Queued for the recipient',
  letter_delivered: "Delivered to the recipient's system",
  letter_acknowledged: 'Acknowledged by the recipient',
  letter_rejected: 'Refused by the recipient',
  letter_misrouted: 'Reported as misrouted',
  letter_failed: 'Could not be delivered',
};
