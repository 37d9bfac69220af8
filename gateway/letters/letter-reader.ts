import type { Vault } from '../platform/crypto.ts';
import type { Queryable } from '../platform/db.ts';
import { chunkAad, templateAad } from './letter-intake.ts';
import { attachmentChunks } from '../attachments/attachment-store.ts';
import type { LetterRow } from './letter-store.ts';
import { renderLetterXml, stampSending, type Sending } from '../medcom/letter-xml-render.ts';

/**
 * The letter's MedCom XML: the stored template with each attachment's bytes decrypted and
 * base64-encoded into place, one chunk at a time. With a `sending`, as that sending carries it
 * (its own Bundle.id and time); without, as it was accepted.
 */
export function openLetterXml(
  q: Queryable,
  vault: Vault,
  letter: Pick<LetterRow, 'id' | 'xmlTemplate' | 'keyId'>,
  sending?: Sending,
): AsyncGenerator<string> {
  const stored = vault.open(letter.xmlTemplate, letter.keyId, templateAad(letter.id)).toString('utf8');
  const template = sending ? stampSending(stored, sending) : stored;
  return renderLetterXml(template, (position) => decryptedChunks(q, vault, letter.id, position));
}

export async function* decryptedChunks(
  q: Queryable,
  vault: Vault,
  letterId: string,
  position: number,
): AsyncGenerator<Buffer> {
  yield* attachmentChunks(q, letterId, position, (chunk) =>
    vault.open(chunk.sealed, chunk.keyId, chunkAad(letterId, position, chunk.index)),
  );
}
