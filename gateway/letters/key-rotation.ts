import { appendAuditEvents, systemActor, type Actor } from '../audit/audit-trail.ts';
import type { Vault } from '../platform/crypto.ts';
import { inTransaction, type Db } from '../platform/db.ts';
import { chunkAad, envelopeAad, templateAad } from './letter-intake.ts';

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
      const rows = await tx.query<{ id: string; key_id: string; xml_template: Buffer; envelope: Buffer }>(
        `SELECT id, key_id, xml_template, envelope FROM letters WHERE key_id <> $1 AND purged_at IS NULL LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [vault.currentKeyId, batchSize],
      );
      for (const row of rows.rows) {
        const template = vault.seal(vault.open(row.xml_template, row.key_id, templateAad(row.id)), templateAad(row.id));
        const envelope = vault.seal(vault.open(row.envelope, row.key_id, envelopeAad(row.id)), envelopeAad(row.id));
        await tx.query('UPDATE letters SET xml_template = $2, envelope = $3, key_id = $4 WHERE id = $1', [
          row.id,
          template,
          envelope,
          vault.currentKeyId,
        ]);
      }
      report.letters += rows.rows.length;
      return rows.rows.length < batchSize;
    });
    if (done) break;
  }
  for (;;) {
    const done = await inTransaction(db, async (tx) => {
      const rows = await tx.query<{ letter_id: string; position: number; chunk: number; key_id: string; data: Buffer }>(
        `SELECT letter_id, position, chunk, key_id, data FROM attachment_chunks WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [vault.currentKeyId, Math.max(1, Math.floor(batchSize / 4))],
      );
      for (const row of rows.rows) {
        const aad = chunkAad(row.letter_id, row.position, row.chunk);
        await tx.query(
          'UPDATE attachment_chunks SET data = $4, key_id = $5 WHERE letter_id = $1 AND position = $2 AND chunk = $3',
          [
            row.letter_id,
            row.position,
            row.chunk,
            vault.seal(vault.open(row.data, row.key_id, aad), aad),
            vault.currentKeyId,
          ],
        );
      }
      report.chunks += rows.rows.length;
      return rows.rows.length === 0;
    });
    if (done) break;
  }
  await inTransaction(db, (tx) =>
    appendAuditEvents(tx, actor, [{ action: 'data-key-rotated', details: { keyId: vault.currentKeyId, ...report } }]),
  );
  return report;
}
