import { createHash } from 'node:crypto';
import type { Sector } from '../../schemas/categories.ts';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import type { LetterAccepted } from '../../schemas/letter-responses.ts';
import { clientStillActive, type ApiClient } from '../clients/client-store.ts';
import {
  AttachmentInspector,
  LetterSizeTracker,
  rechunk,
  sanitiseTitle,
  type AttachmentDigest,
} from '../attachments/attachment-checks.ts';
import { appendAuditEvents, canonicalJson, type Actor } from '../audit/audit-trail.ts';
import type { Config } from '../platform/config.ts';
import type { Vault } from '../platform/crypto.ts';
import { beginTransaction, type Db, type Transaction, type Tx } from '../platform/db.ts';
import {
  assertWarningsAcknowledged,
  resolveLetterRouting,
  storedRouting,
  type ResolvedRouting,
} from './letter-routing.ts';
import { checkLetterRules } from '../medcom/letter-rules.ts';
import { insertAttachment, insertAttachmentChunk } from '../attachments/attachment-store.ts';
import { findLetterByIdempotencyKey, insertLetter, setRequestHash, type LetterRow } from './letter-store.ts';
import { insertOutbox } from './outbox-store.ts';
import { buildChecked, patientIdentifierOf } from './letter-template.ts';
import { ProblemError } from '../platform/problem.ts';

/** Asked before anything is stored whether the recipient's sector takes one more letter now; throws if not. */
export interface SectorAdmission {
  admit(sector: Sector): Promise<void>;
}

export interface IntakeDeps {
  db: Db;
  vault: Vault;
  config: Config;
  backPressure?: SectorAdmission;
}

export interface IntakeOptions {
  idempotencyKey?: string | undefined;
  reroutedFrom?: string;
  actor?: Actor;
  /** A letter that arrived as a checked MedCom Bundle: its own ids and XML, which Postbud does not rebuild. */
  prepared?: PreparedMessage;
}

/**
 * A message Postbud does not build from a JSON letter: a MedCom Bundle as posted, or a reply or
 * forward built from an earlier message. Its letter id, thread id and XML (with attachment
 * placeholders), the XML possibly built from the resolved routing.
 */
export interface PreparedMessage {
  letterId: string;
  communicationId: string;
  template: string | ((routing: ResolvedRouting) => string);
  /** The patient's CPR or replacement CPR, for the auditors' search. */
  patientIdentifier: string;
  /** The receiver Organization's EAN, held to the directory's by the guards. */
  claimedRecipientEan?: string;
}

/** The 202 answer without its URL, and whether it is the answer to an earlier submission. */
export type AcceptedLetter = Omit<LetterAccepted, 'statusUrl' | 'reroutedFrom'> & { replayed: boolean };

/** Associated data binding each sealed value to its place, so ciphertexts cannot be moved. */
export const templateAad = (letterId: string) => `letter:${letterId}:xml`;
export const envelopeAad = (letterId: string) => `letter:${letterId}:envelope`;
export const chunkAad = (letterId: string, position: number, index: number) =>
  `letter:${letterId}:attachment:${position}:${index}`;

/**
 * One letter on its way in: checked and routed before any byte is stored, then written in a
 * single transaction (letter, attachment chunks as they stream, `accepted` event, outbox row).
 * Either `commit()` stores all of it or `abort()` leaves nothing behind. Every blocking check
 * (rules, routing, XML, each attachment) answers before unacknowledged warnings, which `commit()`
 * raises last.
 */
export class LetterIntake {
  readonly #digests: AttachmentDigest[] = [];
  readonly #size: LetterSizeTracker;
  #clientId: string | undefined;

  private constructor(
    private readonly deps: IntakeDeps,
    private readonly actor: Actor,
    private readonly envelope: LetterEnvelope,
    private readonly routing: ResolvedRouting,
    readonly letterId: string,
    private readonly transaction: Transaction | undefined,
    private readonly existing: LetterRow | undefined,
    private readonly reroutedFrom?: string,
  ) {
    this.#size = new LetterSizeTracker(deps.config.limits.maxLetterBytes);
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
    const replayOf = async (existing: LetterRow) =>
      new LetterIntake(deps, actor, envelope, await storedRouting(deps.db, existing), existing.id, undefined, existing);
    const existing = idempotencyKey ? await findLetterByIdempotencyKey(deps.db, client.id, idempotencyKey) : undefined;
    // A replay answers as the first time did, even if the directory has changed since.
    if (existing) return replayOf(existing);
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
      : buildChecked(envelope, routing);
    const transaction = await beginTransaction(deps.db);
    try {
      await insertLetter(transaction.tx, {
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
        requestHash: null,
      });
    } catch (error) {
      await transaction.rollback();
      // The same key sent twice at once: this insert waited for the other's commit, so it is now a replay.
      const raced =
        idempotencyKey && (error as { code?: unknown }).code === '23505'
          ? await findLetterByIdempotencyKey(deps.db, client.id, idempotencyKey)
          : undefined;
      if (raced) return replayOf(raced);
      throw error;
    }
    const intake = new LetterIntake(deps, actor, envelope, routing, letterId, transaction, undefined, reroutedFrom);
    intake.#clientId = client.id;
    return intake;
  }

  get declaredAttachments(): number {
    return this.envelope.attachments?.length ?? 0;
  }

  /** Streams one attachment in: checked as it arrives, sealed and stored chunk by chunk. */
  async addAttachment(position: number, bytes: AsyncIterable<Buffer>): Promise<void> {
    const declared = this.envelope.attachments?.[position];
    if (!declared || position !== this.#digests.length) {
      throw new ProblemError(422, 'attachment-count-mismatch', 'Attachments do not match the declared list');
    }
    const inspector = new AttachmentInspector(declared.contentType, this.deps.config.limits, this.#size);
    let index = 0;
    for await (const chunk of rechunk(bytes)) {
      inspector.update(chunk);
      if (this.tx) {
        await insertAttachmentChunk(this.tx, {
          letterId: this.letterId,
          position,
          index,
          keyId: this.deps.vault.currentKeyId,
          sealed: this.deps.vault.seal(chunk, chunkAad(this.letterId, position, index)),
        });
      }
      index += 1;
    }
    const digest = inspector.finish();
    this.#digests.push(digest);
    if (this.tx) {
      await insertAttachment(this.tx, this.letterId, {
        position,
        title: sanitiseTitle(declared.title),
        contentType: declared.contentType,
        ...digest,
      });
    }
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
    if (this.existing) return this.#replay(requestHash);
    // Warnings speak last: a letter that would be refused anyway is refused, not first held.
    assertWarningsAcknowledged(this.routing);
    // A key revoked while its upload streamed stores nothing.
    if (this.#clientId && !(await clientStillActive(this.tx!, this.#clientId)))
      throw new ProblemError(
        401,
        'unauthenticated',
        'API key revoked',
        'The key was revoked while the letter was sent.',
      );
    const tx = this.tx!;
    const { recipient, sender } = this.routing;
    await setRequestHash(tx, this.letterId, requestHash);
    await insertOutbox(tx, this.letterId, recipient.sector, {
      letterId: this.letterId,
      sector: recipient.sector,
      recipient: {
        sorId: recipient.sorId,
        ean: recipient.ean,
        ...(recipient.endpoint ? { endpoint: recipient.endpoint } : {}),
      },
      xmlPath: `/v1/messages/${this.letterId}/xml`,
    });
    await appendAuditEvents(tx, this.actor, [
      ...this.routing.warnings.map((warning) => ({
        action: 'warning-acknowledged',
        letterId: this.letterId,
        sorId: recipient.sorId,
        details: { code: warning.code, message: warning.message },
      })),
      {
        action: 'accepted',
        letterId: this.letterId,
        sorId: recipient.sorId,
        details: {
          ...(this.reroutedFrom ? { reroutedFrom: this.reroutedFrom } : {}),
          senderSorId: sender.sorId,
          recipientSorId: recipient.sorId,
          recipientEan: recipient.ean,
          sector: recipient.sector,
          category: this.envelope.category,
          attachments: this.#digests.map((digest) => ({ size: digest.size, sha256: digest.sha256 })),
        },
      },
    ]);
    await alsoInTransaction?.(tx, this.letterId);
    await this.transaction!.commit();
    return {
      id: this.letterId,
      status: 'accepted',
      recipient: { sorId: recipient.sorId, ean: recipient.ean, name: recipient.name, sector: recipient.sector },
      warnings: this.routing.warnings.map(({ code, message }) => ({ code, message })),
      replayed: false,
    };
  }

  async #replay(requestHash: string): Promise<AcceptedLetter> {
    const existing = this.existing!;
    if (existing.requestHash !== requestHash) {
      throw new ProblemError(
        422,
        'idempotency-key-reused',
        'Idempotency key already used for another letter',
        'The same Idempotency-Key was sent earlier with a different letter.',
      );
    }
    const { recipient } = this.routing;
    // The answer to the submission, as the first one was: where the letter is now, its status URL says.
    return {
      id: existing.id,
      status: 'accepted',
      recipient: { sorId: recipient.sorId, ean: recipient.ean, name: recipient.name, sector: recipient.sector },
      warnings: this.routing.warnings.map(({ code, message }) => ({ code, message })),
      replayed: true,
    };
  }

  /** Leaves nothing behind unless `commit()` succeeded; safe to call after it. */
  async abort(): Promise<void> {
    await this.transaction?.rollback();
  }

  private get tx(): Tx | undefined {
    return this.transaction?.tx;
  }
}
