import type { Mailbox, MailboxPatch } from '../../schemas/mailbox.ts';

/**
 * The mailbox edit form: every field as the text a person types, and back. An empty field
 * clears an optional value; only fields that differ from the mailbox become the patch.
 */

export const editableFields = [
  'name',
  'displayName',
  'ean',
  'parentSorId',
  'kind',
  'sector',
  'municipalityCode',
  'regionCode',
  'unitType',
  'address',
  'accepts',
  'endpoint',
  'validFrom',
  'validTo',
  'successorSorId',
] as const satisfies ReadonlyArray<keyof MailboxPatch>;

export type EditableField = (typeof editableFields)[number];
export type MailboxForm = Record<EditableField, string>;

export function formOf(mailbox: Mailbox): MailboxForm {
  const form = {} as MailboxForm;
  for (const field of editableFields) {
    const value = mailbox[field];
    form[field] = Array.isArray(value) ? value.join('\n') : ((value as string | null) ?? '');
  }
  return form;
}

export function readMailboxForm(text: (name: string) => string): MailboxForm {
  const form = {} as MailboxForm;
  for (const field of editableFields) form[field] = text(field);
  return form;
}

const required = new Set<EditableField>(['name', 'kind', 'sector']);

function valueOf(field: EditableField, text: string): unknown {
  if (field === 'accepts') {
    return [
      ...new Set(
        text
          .split(/[\n,]/)
          .map((entry) => entry.trim())
          .filter(Boolean),
      ),
    ];
  }
  if (text === '' && !required.has(field)) return null;
  return text;
}

/** The fields of `form` that differ from `mailbox`, as a PATCH body (empty when nothing changed). */
export function patchFromForm(form: MailboxForm, mailbox: Mailbox): MailboxPatch {
  const patch: Record<string, unknown> = {};
  for (const field of editableFields) {
    const value = valueOf(field, form[field]);
    if (JSON.stringify(value) !== JSON.stringify(mailbox[field] ?? null)) patch[field] = value;
  }
  return patch as MailboxPatch;
}

/** The fields where two forms differ, in form order. */
export function differingFields(a: MailboxForm, b: MailboxForm): EditableField[] {
  return editableFields.filter((field) => {
    const left = valueOf(field, a[field]);
    const right = valueOf(field, b[field]);
    return JSON.stringify(left) !== JSON.stringify(right);
  });
}
