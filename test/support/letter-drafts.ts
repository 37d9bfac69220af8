import type { LetterDraft } from '../../gateway/medcom/letter-xml.ts';

/** A letter draft shaped like MedCom's CareCommunication examples, with one PDF attached. */
export function letterDraft(overrides: Partial<LetterDraft> = {}): LetterDraft {
  return {
    letterId: '6f1f3c7e-2b1a-4c1d-9a55-0d1c2f3e4a5b',
    communicationId: '0b7c9a51-3f0e-4c6e-8a4c-2d5f1b7e9c31',
    sentAt: '2026-11-23T10:15:00+01:00',
    sender: { sorId: '441211000016000', ean: '5790001987244', name: 'Klinik for Ældresygdomme, AUH, Skejby' },
    recipient: { sorId: '330461000016004', ean: '5790001353308', name: 'Sundhedsplejen, Aabenraa kommune' },
    patient: { cpr: '2509479989', given: 'Bruno Test', family: 'Elmer' },
    category: 'regarding-referral',
    topic: 'Kritisk tilstand',
    priority: 'asap',
    text: 'Til rette vedkommende.\nHilsen Michael',
    author: { name: 'Michael Magnus Burns', role: 'sygeplejerske', phone: '+4538683868' },
    attachments: [
      {
        title: 'Blodprøveresultater',
        contentType: 'application/pdf',
        creation: '2026-11-20T08:00:00+01:00',
        position: 0,
      },
    ],
    ...overrides,
  };
}
