import type { AcknowledgementIssue } from '../../schemas/acknowledgement.ts';
import type { ResponseCode } from '../../schemas/acknowledgement-codes.ts';
import type { Queryable, Tx } from '../platform/db.ts';

/** SQL for the `acknowledgements` table: every acknowledgement a receiving system sent for a letter. */

export interface AcknowledgementRow {
  /** The acknowledgement's own MessageHeader.id. */
  messageHeaderId: string;
  letterId: string;
  code: ResponseCode;
  issues: AcknowledgementIssue[];
  actorId: string | null;
  receivedAt: string;
}

const columns = `message_header_id AS "messageHeaderId", letter_id AS "letterId", code, issues,
  actor_id AS "actorId", to_json(received_at) #>> '{}' AS "receivedAt"`;

export async function insertAcknowledgement(tx: Tx, ack: Omit<AcknowledgementRow, 'receivedAt'>): Promise<void> {
  // clock_timestamp: acknowledgements of one letter are serialised by its row lock, so each is later than the last.
  await tx.query(
    `INSERT INTO acknowledgements (message_header_id, letter_id, code, issues, actor_id, received_at)
     VALUES ($1, $2, $3, $4, $5, clock_timestamp())`,
    [ack.messageHeaderId, ack.letterId, ack.code, JSON.stringify(ack.issues), ack.actorId],
  );
}

export async function getAcknowledgement(
  q: Queryable,
  messageHeaderId: string,
): Promise<AcknowledgementRow | undefined> {
  const result = await q.query<AcknowledgementRow>(
    `SELECT ${columns} FROM acknowledgements WHERE message_header_id = $1`,
    [messageHeaderId],
  );
  return result.rows[0];
}

/** The letter's most recent acknowledgement: the one that says where it stands. */
export async function latestAcknowledgement(q: Queryable, letterId: string): Promise<AcknowledgementRow | undefined> {
  const result = await q.query<AcknowledgementRow>(
    `SELECT ${columns} FROM acknowledgements WHERE letter_id = $1 ORDER BY received_at DESC LIMIT 1`,
    [letterId],
  );
  return result.rows[0];
}
