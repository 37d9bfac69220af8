import { appendAuditEvents, systemActor, type Actor } from '../audit/audit-trail.ts';
import type { Vault } from '../platform/crypto.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { claimChunksNotUnderKey, replaceSealedChunk } from '../attachments/attachment-store.ts';
import { chunkAad, envelopeAad, templateAad } from './letter-intake.ts';
import { claimLettersNotUnderKey, replaceSealedContent } from './letter-store.ts';

export interface RotationReport {
  letters: number;
  chunks: number;
}

/**
 * Re-encrypts every sealed value not under the vault's current key, in small batches so a large
 * archive rotates without long locks. Rows are claimed with SKIP LOCKED: two rotations, or a
 * rotation beside live traffic, never fight over a row. Needs the old keys still configured.
 * Purged letters hold nothing to re-encrypt and are left alone.
 */
export async function rotateDataKeys(
  db: Db,
  vault: Vault,
  actor: Actor = systemActor,
  batchSize = 200,
): Promise<RotationReport> {
  const report: RotationReport = { letters: 0, chunks: 0 };
  for (;;) {
    const done = await inTransaction(db, async (tx) => {
      const letters = await claimLettersNotUnderKey(tx, vault.currentKeyId, batchSize);
      for (const letter of letters) {
        const reseal = (sealed: Buffer, aad: string) => vault.seal(vault.open(sealed, letter.keyId, aad), aad);
        await replaceSealedContent(tx, {
          id: letter.id,
          keyId: vault.currentKeyId,
          xmlTemplate: reseal(letter.xmlTemplate, templateAad(letter.id)),
          envelope: reseal(letter.envelope, envelopeAad(letter.id)),
        });
      }
      report.letters += letters.length;
      return letters.length < batchSize;
    });
    if (done) break;
  }
  for (;;) {
    const done = await inTransaction(db, async (tx) => {
      const chunks = await claimChunksNotUnderKey(tx, vault.currentKeyId, Math.max(1, Math.floor(batchSize / 4)));
      for (const chunk of chunks) {
        const aad = chunkAad(chunk.letterId, chunk.position, chunk.index);
        await replaceSealedChunk(tx, {
          ...chunk,
          keyId: vault.currentKeyId,
          sealed: vault.seal(vault.open(chunk.sealed, chunk.keyId, aad), aad),
        });
      }
      report.chunks += chunks.length;
      return chunks.length === 0;
    });
    if (done) break;
  }
  await inTransaction(db, (tx) =>
    appendAuditEvents(tx, actor, [{ action: 'data-key-rotated', details: { keyId: vault.currentKeyId, ...report } }]),
  );
  return report;
}
