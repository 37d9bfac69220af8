import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../schemas/mailbox.ts';
import { blockingCodes, checkRouting, type RoutingContext } from './guards.ts';

const socialpsykiatri = 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri';
const udsatteVoksne = 'Aarhus Kommune, Socialforvaltningen, Voksne Job og Handicap, Socialpsykiatri og Udsatte Voksne';

function mailbox(fields: Partial<Mailbox> & Pick<Mailbox, 'sorId' | 'name'>): Mailbox {
  return {
    ean: '5790000209354',
    displayName: null,
    parentSorId: null,
    kind: 'unit',
    sector: 'municipality',
    municipalityCode: '751',
    regionCode: '1082',
    unitType: null,
    address: null,
    accepts: ['CareCommunication'],
    endpoint: null,
    validFrom: null,
    validTo: null,
    active: true,
    successorSorId: null,
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...fields,
  };
}

const hospital = mailbox({
  sorId: '265161000016000',
  name: 'Aarhus Universitetshospital, Psykiatrien',
  sector: 'region',
  municipalityCode: null,
});
const socialPsychiatry = mailbox({
  sorId: '451271000016007',
  name: socialpsykiatri,
  displayName: 'Socialpsykiatrien Aarhus',
});

/** A letter from the hospital to Aarhus social psychiatry that passes every guard. */
function context(overrides: Partial<RoutingContext> = {}): RoutingContext {
  return {
    messageType: 'CareCommunication',
    senderSorId: hospital.sorId,
    recipientSorId: socialPsychiatry.sorId,
    allowedSenderSorIds: [hospital.sorId],
    sender: hospital,
    recipient: socialPsychiatry,
    recipientEffectiveEan: socialPsychiatry.ean,
    expectedName: socialpsykiatri,
    patientMunicipalityCode: '751',
    confusableWith: [],
    earlierLettersSenderToRecipient: 4,
    today: new Date('2025-06-15T10:00:00Z'),
    ...overrides,
  };
}

const codes = (findings: { code: string }[]) => findings.map((finding) => finding.code);

describe('a letter to the right, open mailbox', () => {
  it('passes without findings', () => {
    expect(checkRouting(context())).toEqual({ blocking: [], warnings: [] });
  });
});

describe('blocking guards', () => {
  it('refuses a sender the API client may not send for, with 403', () => {
    const { blocking } = checkRouting(context({ allowedSenderSorIds: ['999999'] }));
    expect(blocking).toMatchObject([
      { code: 'sender-not-allowed', status: 403, details: { senderSorId: hospital.sorId } },
    ]);
  });

  it('refuses a sender that is not in the directory', () => {
    const { blocking } = checkRouting(context({ sender: undefined }));
    expect(blocking).toMatchObject([{ code: 'sender-unknown', status: 422 }]);
  });

  it('refuses an unknown recipient and runs no other recipient check or warning', () => {
    const result = checkRouting(
      context({ recipient: undefined, recipientSorId: '123456789', earlierLettersSenderToRecipient: 0 }),
    );
    expect(result.blocking).toMatchObject([
      { code: 'recipient-unknown', status: 422, details: { recipientSorId: '123456789' } },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('refuses a letter to the sender itself', () => {
    const { blocking } = checkRouting(
      context({ recipientSorId: hospital.sorId, recipient: hospital, expectedName: hospital.name }),
    );
    expect(blocking).toMatchObject([{ code: 'recipient-is-sender', status: 422 }]);
  });

  describe('an inactive recipient', () => {
    const successor = mailbox({ sorId: '451271000016999', name: udsatteVoksne, ean: null });

    it('is refused when deactivated, naming its successor with path and EAN', () => {
      const closed = { ...socialPsychiatry, active: false, successorSorId: successor.sorId };
      const { blocking } = checkRouting(
        context({
          recipient: closed,
          recipientSuccessor: {
            ...successor,
            path: ['Aarhus Kommune', 'Socialforvaltningen', udsatteVoksne],
            effectiveEan: '5790000000050',
          },
        }),
      );
      expect(blocking).toHaveLength(1);
      expect(blocking[0]).toMatchObject({
        code: 'recipient-inactive',
        status: 422,
        details: {
          reason: 'deactivated',
          successor: {
            sorId: successor.sorId,
            name: udsatteVoksne,
            path: ['Aarhus Kommune', 'Socialforvaltningen', udsatteVoksne],
            ean: '5790000000050',
          },
        },
      });
      expect(blocking[0]!.message).toContain(udsatteVoksne);
    });

    it('names at least the successor SOR id when the successor was not looked up', () => {
      const closed = { ...socialPsychiatry, active: false, successorSorId: successor.sorId };
      const { blocking } = checkRouting(context({ recipient: closed }));
      expect(blocking[0]!.details).toMatchObject({ successor: { sorId: successor.sorId } });
    });

    it('is refused after its last valid day, counted in Danish time', () => {
      const closing = { ...socialPsychiatry, validTo: '2025-03-31' };
      // 22:30 UTC on 31 March is 00:30 on 1 April in Copenhagen (summer time).
      const { blocking } = checkRouting(context({ recipient: closing, today: new Date('2025-03-31T22:30:00Z') }));
      expect(blocking).toMatchObject([{ code: 'recipient-inactive', details: { reason: 'expired', successor: null } }]);
      expect(checkRouting(context({ recipient: closing, today: new Date('2025-03-31T21:30:00Z') })).blocking).toEqual(
        [],
      );
    });

    it('is refused before its first valid day', () => {
      const opening = { ...socialPsychiatry, validFrom: '2025-07-01' };
      expect(checkRouting(context({ recipient: opening })).blocking).toMatchObject([
        { code: 'recipient-inactive', details: { reason: 'not-yet-valid', validFrom: '2025-07-01' } },
      ]);
      expect(checkRouting(context({ recipient: opening, today: new Date('2025-07-01T08:00:00Z') })).blocking).toEqual(
        [],
      );
    });
  });

  describe('a recipient that cannot receive the letter', () => {
    it('is refused when it does not accept the message type', () => {
      const { blocking } = checkRouting(context({ recipient: { ...socialPsychiatry, accepts: ['Acknowledgement'] } }));
      expect(blocking).toMatchObject([
        { code: 'recipient-cannot-receive', status: 422, details: { reason: 'message-type' } },
      ]);
    });

    it('accepts an entry with a version suffix', () => {
      const recipient = { ...socialPsychiatry, accepts: ['Acknowledgement', 'CareCommunication;1.0'] };
      expect(checkRouting(context({ recipient })).blocking).toEqual([]);
    });

    it('does not take a longer message type name for the wanted one', () => {
      const recipient = { ...socialPsychiatry, accepts: ['CareCommunicationDraft;1.0'] };
      expect(codes(checkRouting(context({ recipient })).blocking)).toEqual(['recipient-cannot-receive']);
    });

    it('is refused when it has no EAN location number, neither its own nor inherited', () => {
      const { blocking } = checkRouting(context({ recipientEffectiveEan: null }));
      expect(blocking).toMatchObject([{ code: 'recipient-cannot-receive', details: { reason: 'no-location-number' } }]);
    });
  });

  describe('the recipient name the user confirmed', () => {
    it('is refused when it is neither the name nor the display name, showing both', () => {
      const { blocking } = checkRouting(context({ expectedName: udsatteVoksne }));
      expect(blocking).toMatchObject([
        {
          code: 'recipient-name-mismatch',
          status: 422,
          details: {
            expectedName: udsatteVoksne,
            currentName: socialpsykiatri,
            displayName: 'Socialpsykiatrien Aarhus',
          },
        },
      ]);
      expect(blocking[0]!.message).toContain(udsatteVoksne);
      expect(blocking[0]!.message).toContain(socialpsykiatri);
    });

    it('matches the display name, and ignores case, spacing, punctuation and Danish spelling', () => {
      expect(checkRouting(context({ expectedName: 'socialpsykiatrien  AARHUS' })).blocking).toEqual([]);
      expect(
        checkRouting(
          context({ expectedName: 'Århus kommune socialforvaltningen voksne job og handicap socialpsykiatri' }),
        ).blocking,
      ).toEqual([]);
    });

    it('is not checked when the user confirmed no name', () => {
      expect(checkRouting(context({ expectedName: undefined })).blocking).toEqual([]);
    });
  });
});

describe('warnings', () => {
  it("warns when the patient's municipality differs from a municipal recipient's", () => {
    const { warnings, blocking } = checkRouting(context({ patientMunicipalityCode: '740' }));
    expect(blocking).toEqual([]);
    expect(warnings).toMatchObject([
      { code: 'municipality-mismatch', details: { patientMunicipalityCode: '740', recipientMunicipalityCode: '751' } },
    ]);
    expect(warnings[0]!.status).toBeUndefined();
  });

  it("warns when a message's receiver EAN is not the one the directory has for the addressed SOR unit", () => {
    const { warnings, blocking } = checkRouting(
      context({ recipientEffectiveEan: '5790001353308', claimedRecipientEan: '5790000209354' }),
    );
    expect(blocking).toEqual([]);
    expect(warnings).toMatchObject([
      { code: 'receiver-ean-differs', details: { claimedEan: '5790000209354', directoryEan: '5790001353308' } },
    ]);
    const same = context({ recipientEffectiveEan: '5790001353308', claimedRecipientEan: '5790001353308' });
    expect(checkRouting(same).warnings).toEqual([]);
  });

  it('does not compare municipalities for a regional recipient or an unknown patient municipality', () => {
    const toHospital = context({
      senderSorId: socialPsychiatry.sorId,
      allowedSenderSorIds: [socialPsychiatry.sorId],
      sender: socialPsychiatry,
      recipientSorId: hospital.sorId,
      recipient: hospital,
      expectedName: hospital.name,
      patientMunicipalityCode: '740',
    });
    expect(checkRouting(toHospital).warnings).toEqual([]);
    expect(checkRouting(context({ patientMunicipalityCode: undefined })).warnings).toEqual([]);
  });

  it('warns about a look-alike mailbox and says in plain words how the names differ', () => {
    const lookalike = mailbox({ sorId: '451271000016999', name: udsatteVoksne });
    const { warnings } = checkRouting(context({ confusableWith: [{ mailbox: lookalike, similarity: 0.8933 }] }));
    expect(warnings).toMatchObject([
      {
        code: 'confusable-name',
        details: {
          lookalikes: [
            {
              sorId: lookalike.sorId,
              name: udsatteVoksne,
              similarity: 0.89,
              onlyInRecipient: [],
              onlyInLookalike: ['og', 'Udsatte', 'Voksne'],
            },
          ],
        },
      },
    ]);
    expect(warnings[0]!.message).toContain('"og Udsatte Voksne"');
  });

  it('says which words and characters only look alike when a look-alike reads the same', () => {
    const lookalike = mailbox({ sorId: '451271000016998', name: socialPsychiatry.name.replace('Kommune', 'Kornmune') });
    const { warnings } = checkRouting(context({ confusableWith: [{ mailbox: lookalike, similarity: 1 }] }));
    expect(warnings[0]!.details).toMatchObject({
      lookalikes: [{ sorId: lookalike.sorId, readsAs: ['"Kornmune" where the other has "Kommune"'] }],
    });
    expect(warnings[0]!.message).toContain('reads the same: "Kornmune" where the other has "Kommune"');
  });

  it('does not count the recipient as its own look-alike', () => {
    expect(checkRouting(context({ confusableWith: [{ mailbox: socialPsychiatry, similarity: 1 }] })).warnings).toEqual(
      [],
    );
  });

  it('warns about the first letter from this sender to this mailbox', () => {
    const { warnings } = checkRouting(context({ earlierLettersSenderToRecipient: 0 }));
    expect(warnings).toMatchObject([
      { code: 'first-contact', details: { senderSorId: hospital.sorId, recipientSorId: socialPsychiatry.sorId } },
    ]);
  });
});

describe('the order of findings', () => {
  it('puts the most important blocking finding first', () => {
    const closedSelf = { ...hospital, active: false, accepts: [] };
    const { blocking } = checkRouting(
      context({
        allowedSenderSorIds: [],
        recipientSorId: hospital.sorId,
        recipient: closedSelf,
        expectedName: 'Somewhere else',
        recipientEffectiveEan: null,
      }),
    );
    expect(codes(blocking)).toEqual([
      'sender-not-allowed',
      'recipient-is-sender',
      'recipient-name-mismatch',
      'recipient-inactive',
      'recipient-cannot-receive',
      'recipient-cannot-receive',
    ]);
  });

  it('puts an unknown recipient before an unknown sender', () => {
    const { blocking } = checkRouting(context({ allowedSenderSorIds: [], sender: undefined, recipient: undefined }));
    expect(codes(blocking)).toEqual(['sender-not-allowed', 'recipient-unknown', 'sender-unknown']);
    expect(blockingCodes.indexOf('sender-not-allowed')).toBe(0);
  });

  it('puts a look-alike first among the warnings', () => {
    const lookalike = mailbox({ sorId: '451271000016999', name: udsatteVoksne });
    const { warnings } = checkRouting(
      context({
        patientMunicipalityCode: '740',
        earlierLettersSenderToRecipient: 0,
        confusableWith: [{ mailbox: lookalike, similarity: 0.89 }],
      }),
    );
    expect(codes(warnings)).toEqual(['confusable-name', 'municipality-mismatch', 'first-contact']);
  });
});
