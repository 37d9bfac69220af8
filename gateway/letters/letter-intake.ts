import { createHash } from 'node:crypto';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import type { ApiClient } from '../clients/client-store.ts';
import {
  AttachmentInspector,
  LetterSizeTracker,
  rechunk,
  sanitiseTitle,
  type AttachmentDigest,
} from '../attachments/attachment-checks.ts';
import { canonicalJson, unsealedEventsOf, type Actor } from '../audit/audit-trail.ts';
import { acceptedAnswer, acceptedEvents, queuedMessageOf, type AcceptedLetter } from './accepted-letter.ts';
import { inTransaction, type Tx } from '../platform/db.ts';
import {
  assertWarningsAcknowledged,
  resolveLetterRouting,
  storedRouting,
  type ResolvedRouting,
} from './letter-routing.ts';
import { checkLetterRules } from '../medcom/letter-rules.ts';
import { copyAttachmentChunksIn, type AttachmentRow } from '../attachments/attachment-store.ts';
import { findLetterByIdempotencyKey, type LetterRow, type NewLetter } from './letter-store.ts';
import { writeAcceptedLetter } from './letter-write.ts';
import { SealedSpool } from './sealed-spool.ts';
import { buildChecked, patientIdentifierOf } from './letter-template.ts';
import { inThreadLetterXml } from '../medcom/letter-xml-threads.ts';
import { ProblemError } from '../platform/problem.ts';

import type { IntakeDeps, IntakeOptions } from './letter-intake-options.ts';

export type { IntakeDeps, IntakeOptions, PreparedMessage, SectorAdmission } from './letter-intake-options.ts';
export type { AcceptedLetter } from './accepted-letter.ts';

/** Associated data binding each sealed value to its place, so ciphertexts cannot be moved. */
export const templateAad = (letterId: string) => `letter:${letterId}:xml`;
export const envelopeAad = (letterId: string) => `letter:${letterId}:envelope`;
export const chunkAad = (letterId: string, position: number, index: number) =>
  `letter:${letterId}:attachment:${position}:${index}`;

/**
 * Up to this many sealed bytes go with the letter's single INSERT statement (a typical letter's
 * are a few KiB); beyond, node-postgres's copying of large parameters costs more than the COPY's
 * extra round trips.
 */
const oneStatementChunkBytes = 1024 * 1024;

/**
 * One letter on its way in: checked and routed before any byte is stored; its attachments are
 * checked and sealed as they stream into a spool, and only when every byte is in does `commit()`
 * write it (letter, chunks, `accepted` event, outbox row) in one short transaction, so no
 * database connection ever waits on a client's network. Either `commit()` stores all of it or
 * nothing is stored; `abort()` frees the spool. Every blocking check (rules, routing, XML, each
 * attachment) answers before unacknowledged warnings, which `commit()` raises last.
 */
export class LetterIntake {
  readonly #digests: AttachmentDigest[] = [];
  readonly #attachments: AttachmentRow[] = [];
  readonly #size: LetterSizeTracker;
  readonly #spool: SealedSpool;

  private constructor(
    private readonly deps: IntakeDeps,
    private readonly actor: Actor,
    private readonly envelope: LetterEnvelope,
    private readonly routing: ResolvedRouting,
    readonly letterId: string,
    /** The letter row to write; undefined when answering a replay of an earlier letter. */
    private readonly pending: Omit<NewLetter, 'requestHash'> | undefined,
    private readonly existing: LetterRow | undefined,
    private readonly reroutedFrom?: string,
    spool?: SealedSpool,
  ) {
    this.#size = new LetterSizeTracker(deps.config.limits.maxLetterBytes);
    this.#spool = spool ?? new SealedSpool(deps.spoolMemory);
  }

  /**
   * `client` is the one the letter is sent for (its sender organisations are checked); `actor`
   * is who does it, which differs when an admin reroutes a sender's letter.
   */
  static async open(
    deps: IntakeDeps,
    client: ApiClient,
    envelope: LetterEnvelope,
    options: IntakeOptions = {},
  ): Promise<LetterIntake> {
    const { idempotencyKey, reroutedFrom, prepared } = options;
    if (!prepared) checkLetterRules(envelope);
    const actor = options.actor ?? { id: client.id, name: client.name };
    const existing = idempotencyKey ? await findLetterByIdempotencyKey(deps.db, client.id, idempotencyKey) : undefined;
    // A replay answers as the first time did, even if the directory has changed since.
    if (existing)
      return new LetterIntake(
        deps,
        actor,
        envelope,
        await storedRouting(deps.db, existing),
        existing.id,
        undefined,
        existing,
      );
    const routing = await resolveLetterRouting(
      deps.db,
      client,
      envelope,
      prepared?.claimedRecipientEan ? { claimedRecipientEan: prepared.claimedRecipientEan } : {},
    );
    // A backlogged sector refuses new letters before anything is stored.
    await deps.backPressure?.admit(routing.recipient.sector);

    const { letterId, communicationId, template } = prepared
      ? {
          ...prepared,
          template: typeof prepared.template === 'string' ? prepared.template : prepared.template(routing),
        }
      : await buildChecked(deps.letterXml ?? inThreadLetterXml, envelope, routing, options.sealed?.letterId);
    const pending: Omit<NewLetter, 'requestHash'> = {
      id: letterId,
      clientId: client.id,
      senderSorId: routing.sender.sorId,
      recipientSorId: routing.recipient.sorId,
      recipientEan: routing.recipient.ean,
      sector: routing.recipient.sector,
      category: envelope.category,
      communicationId,
      xmlTemplate: deps.vault.seal(Buffer.from(template, 'utf8'), templateAad(letterId)),
      envelope: deps.vault.seal(Buffer.from(JSON.stringify(envelope), 'utf8'), envelopeAad(letterId)),
      keyId: deps.vault.currentKeyId,
      // The auditors' patient search hashes the identifier sent, CPR or replacement CPR.
      cprHmac: deps.vault.cprHmac(prepared?.patientIdentifier ?? patientIdentifierOf(envelope)),
      reroutedFrom: reroutedFrom ?? null,
      idempotencyKey: idempotencyKey ?? null,
    };
    return new LetterIntake(
      deps,
      actor,
      envelope,
      routing,
      letterId,
      pending,
      undefined,
      reroutedFrom,
      options.sealed?.spool,
    );
  }

  get declaredAttachments(): number {
    return this.envelope.attachments?.length ?? 0;
  }

  /** Streams one attachment in: checked as it arrives, sealed and stored chunk by chunk. */
  async addAttachment(position: number, bytes: AsyncIterable<Buffer>): Promise<void> {
    const declared = this.#declared(position);
    const inspector = new AttachmentInspector(declared.contentType, this.deps.config.limits, this.#size);
    let index = 0;
    for await (const chunk of rechunk(bytes)) {
      inspector.update(chunk);
      if (this.pending) {
        await this.#spool.add({
          position,
          index,
          keyId: this.deps.vault.currentKeyId,
          sealed: this.deps.vault.seal(chunk, chunkAad(this.letterId, position, index)),
        });
      }
      index += 1;
    }
    this.addSealedAttachment(position, inspector.finish());
  }

  /** Records an attachment checked and sealed into this letter's spool (as a JSON letter's are while parsed). */
  addSealedAttachment(position: number, digest: AttachmentDigest): void {
    const declared = this.#declared(position);
    this.#digests.push(digest);
    this.#attachments.push({
      position,
      title: sanitiseTitle(declared.title),
      contentType: declared.contentType,
      ...digest,
    });
  }

  #declared(position: number) {
    const declared = this.envelope.attachments?.[position];
    if (!declared || position !== this.#digests.length) {
      throw new ProblemError(422, 'attachment-count-mismatch', 'Attachments do not match the declared list');
    }
    return declared;
  }

  /** The fingerprint an Idempotency-Key is held to: the letter and its attachments' digests. */
  #requestHash(): string {
    return createHash('sha256')
      .update(canonicalJson({ envelope: this.envelope, attachments: this.#digests.map((digest) => digest.sha256) }))
      .digest('hex');
  }

  /** Stores everything in one commit; `alsoInTransaction` adds work that must commit with it. */
  async commit(alsoInTransaction?: (tx: Tx, letterId: string) => Promise<void>): Promise<AcceptedLetter> {
    if (this.#digests.length !== this.declaredAttachments) {
      throw new ProblemError(
        422,
        'attachment-count-mismatch',
        'Attachments do not match the declared list',
        `the letter declares ${this.declaredAttachments} attachments; ${this.#digests.length} arrived`,
      );
    }
    const requestHash = this.#requestHash();
    if (!this.pending) return this.#replay(this.existing!, requestHash);
    // Warnings speak last: a letter that would be refused anyway is refused, not first held.
    assertWarningsAcknowledged(this.routing);
    let written: boolean;
    try {
      written = await this.#write(requestHash, alsoInTransaction);
    } catch (error) {
      // The same Idempotency-Key sent twice at once: the one that lost the race answers as a replay.
      const existing = isIdempotencyRace(error)
        ? await findLetterByIdempotencyKey(this.deps.db, this.pending.clientId, this.pending.idempotencyKey!)
        : undefined;
      if (existing) return this.#replay(existing, requestHash);
      throw error;
    } finally {
      await this.#spool.close();
    }
    // A key revoked while its upload streamed stores nothing.
    if (!written)
      throw new ProblemError(
        401,
        'unauthenticated',
        'API key revoked',
        'The key was revoked while the letter was sent.',
      );
    return acceptedAnswer(this.letterId, this.routing, false);
  }

  /**
   * One statement for a small letter whose sealed bytes are all in memory; otherwise one
   * transaction: the same statement, then (for a larger letter) every chunk by one binary COPY,
   * and the caller's extra work.
   */
  async #write(requestHash: string, alsoInTransaction?: (tx: Tx, letterId: string) => Promise<void>): Promise<boolean> {
    const small = this.#spool.inMemory && this.#spool.memoryBytesUsed <= oneStatementChunkBytes;
    const { recipient } = this.routing;
    const rows = {
      letter: { ...this.pending!, requestHash },
      attachments: this.#attachments,
      chunks: small ? this.#spool.memoryChunks : [],
      outbox: { sector: recipient.sector, payload: queuedMessageOf(this.letterId, this.routing) },
      events: unsealedEventsOf(
        this.actor,
        acceptedEvents({
          letterId: this.letterId,
          routing: this.routing,
          category: this.envelope.category,
          reroutedFrom: this.reroutedFrom,
          digests: this.#digests,
        }),
      ),
    };
    if (small && !alsoInTransaction) return writeAcceptedLetter(this.deps.db, rows);
    return inTransaction(this.deps.db, async (tx) => {
      if (!(await writeAcceptedLetter(tx, rows))) return false;
      if (!small) await copyAttachmentChunksIn(tx, this.letterId, this.#spool.chunks());
      await alsoInTransaction?.(tx, this.letterId);
      return true;
    });
  }

  async #replay(existing: LetterRow, requestHash: string): Promise<AcceptedLetter> {
    if (existing.requestHash !== requestHash) {
      throw new ProblemError(
        422,
        'idempotency-key-reused',
        'Idempotency key already used for another letter',
        'The same Idempotency-Key was sent earlier with a different letter.',
      );
    }
    // The answer to the submission, as the first one was: where the letter is now, its status URL says.
    return acceptedAnswer(existing.id, this.routing, true);
  }

  /** Frees what the letter held while it arrived; nothing is stored unless `commit()` succeeded. Safe after it. */
  async abort(): Promise<void> {
    await this.#spool.close();
  }
}

function isIdempotencyRace(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'letters_idempotency';
}
