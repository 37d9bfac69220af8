import { declaredType, type UploadedFile } from '../letters/form-upload.ts';
import type { LetterEnvelope } from '../../schemas/letter.ts';

/** What the compose form holds, as typed; shown again when a letter is refused. */
export interface ComposeForm {
  sender: string;
  recipient: string;
  recipientName: string;
  cpr: string;
  given: string;
  family: string;
  municipalityCode: string;
  category: string;
  topic: string;
  text: string;
  authorName: string;
  authorRole: string;
  authorPhone: string;
  idempotencyKey: string;
  acknowledgedWarnings: string[];
}

export const composeFields = [
  'sender',
  'recipient',
  'recipientName',
  'cpr',
  'given',
  'family',
  'municipalityCode',
  'category',
  'topic',
  'text',
  'authorName',
  'authorRole',
  'authorPhone',
  'idempotencyKey',
] as const;

export function composeFormOf(read: (name: string) => string[]): ComposeForm {
  const form = Object.fromEntries(composeFields.map((name) => [name, (read(name)[0] ?? '').trim()])) as Omit<
    ComposeForm,
    'acknowledgedWarnings'
  >;
  // The letter text keeps its own line breaks and indentation; only its ends are trimmed.
  return { ...form, acknowledgedWarnings: read('acknowledgedWarnings').filter((code) => code !== '') };
}

const optional = <K extends string>(key: K, value: string) => (value ? { [key]: value } : {}) as Record<K, string>;

/** The letter the API takes (`LetterEnvelope`) from the form; the API's schema and checks judge it. */
export function envelopeOf(form: ComposeForm, files: readonly UploadedFile[]): LetterEnvelope {
  const envelope = {
    sender: { sorId: form.sender },
    recipient: { sorId: form.recipient, ...optional('expectedName', form.recipientName) },
    patient: {
      cpr: form.cpr.replace(/\s/g, ''),
      name: { ...optional('given', form.given), ...optional('family', form.family) },
      ...optional('municipalityCode', form.municipalityCode),
    },
    category: form.category,
    ...optional('topic', form.topic),
    text: form.text,
    author: { name: form.authorName, role: form.authorRole, phone: form.authorPhone },
    ...(files.length > 0
      ? {
          attachments: files.map((file) => ({
            title: file.filename.slice(0, 200),
            contentType: declaredType(file),
          })),
        }
      : {}),
    ...(form.acknowledgedWarnings.length > 0 ? { acknowledgedWarnings: form.acknowledgedWarnings } : {}),
  };
  // Checked by the API's schema, like any client's letter.
  return envelope as LetterEnvelope;
}
