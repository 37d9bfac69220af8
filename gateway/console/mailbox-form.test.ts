import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../schemas/mailbox.ts';
import { differingFields, formOf, patchFromForm } from './mailbox-form.ts';

const mailbox: Mailbox = {
  sorId: '200011000016004',
  ean: '5790000200029',
  name: 'Testby Kommune, Socialpsykiatri',
  displayName: null,
  parentSorId: '200001000016003',
  kind: 'unit',
  sector: 'municipality',
  municipalityCode: '751',
  regionCode: null,
  unitType: null,
  address: null,
  accepts: ['CareCommunication'],
  endpoint: null,
  validFrom: null,
  validTo: null,
  active: true,
  successorSorId: null,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('the mailbox edit form', () => {
  it('shows every field as text, lists one per line, nothing for null', () => {
    const form = formOf({ ...mailbox, accepts: ['CareCommunication', 'CareCommunication;1.0'] });
    expect(form.name).toBe('Testby Kommune, Socialpsykiatri');
    expect(form.accepts).toBe('CareCommunication\nCareCommunication;1.0');
    expect(form.displayName).toBe('');
  });

  it('an unchanged form is an empty patch; changed fields only, empty clears, lists split on lines and commas', () => {
    expect(patchFromForm(formOf(mailbox), mailbox)).toEqual({});
    const form = {
      ...formOf(mailbox),
      displayName: 'Socialpsykiatrien',
      municipalityCode: '',
      accepts: 'CareCommunication, HospitalNotification\nCareCommunication',
    };
    expect(patchFromForm(form, mailbox)).toEqual({
      displayName: 'Socialpsykiatrien',
      municipalityCode: null,
      accepts: ['CareCommunication', 'HospitalNotification'],
    });
  });

  it('an emptied name stays a text, so the schema refuses it instead of clearing it', () => {
    expect(patchFromForm({ ...formOf(mailbox), name: '' }, mailbox)).toEqual({ name: '' });
  });

  it('names the fields two versions of the form differ in', () => {
    const mine = { ...formOf(mailbox), address: 'Torvet 1', accepts: 'CareCommunication' };
    const theirs = { ...formOf(mailbox), name: 'Testby Kommune, Psykiatri' };
    expect(differingFields(mine, theirs)).toEqual(['name', 'address']);
  });
});
