import { Router } from 'express';
import type { LetterEnvelope } from '../../schemas/letter.ts';
import {
  misrouteReportSchema,
  rerouteSchema,
  type MisrouteReportBody,
  type RerouteBody,
} from '../../schemas/misroute.ts';
import { getApiClient } from '../clients/client-store.ts';
import type { AppDeps } from '../app-deps.ts';
import { appendAuditEvents } from '../audit/audit-trail.ts';
import { actorOf, currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { inTransaction } from '../platform/db.ts';
import { visibleLetter } from '../letters/letter-access.ts';
import { envelopeAad, LetterIntake } from '../letters/letter-intake.ts';
import { decryptedChunks } from '../letters/letter-reader.ts';
import { getAttachments, getLetter } from '../letters/letter-store.ts';
import { misroutesOf, recordMisroute } from './misroute-store.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertLetterNotPurged } from '../letters/letter-retention.ts';
import { assertValid, compile } from '../platform/validation.ts';

const validReport = compile<MisrouteReportBody>(misrouteReportSchema);
const validReroute = compile<RerouteBody>(rerouteSchema);

export function misrouteRoutes(deps: AppDeps): Router {
  const { db, vault } = deps;
  const router = Router();

  router.post(
    '/v1/messages/:id/misroute',
    requireRole('adapter', 'admin', 'auditor'),
    smallJsonBody,
    async (req, res) => {
      const body = assertValid(validReport, req.body ?? {});
      const client = currentClient(req);
      const letter = await visibleLetter(db, client, String(req.params.id), ['adapter', 'admin', 'auditor']);
      const misrouteId = await inTransaction(db, async (tx) => {
        const current = (await getLetter(tx, letter.id))!;
        return recordMisroute(tx, current, {
          source: 'report',
          actor: actorOf(client),
          note: body.note,
          correctSorId: body.correctSorId,
        });
      });
      req.log.info({ letterId: letter.id, misrouteId }, 'misroute reported');
      res.status(201).json({ misrouteId, letterId: letter.id, status: 'misrouted' });
    },
  );

  /**
   * A new letter with the same content, linked to the misrouted one, through every guard again;
   * the old letter's trail gets a `rerouted` event in the same transaction.
   */
  router.post('/v1/messages/:id/reroute', requireRole('sender', 'admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validReroute, req.body ?? {});
    const client = currentClient(req);
    const old = await visibleLetter(db, client, String(req.params.id), ['admin']);
    if (old.status !== 'misrouted') {
      throw new ProblemError(
        409,
        'letter-not-misrouted',
        'Only a misrouted letter can be rerouted',
        `The letter is ${old.status}.`,
      );
    }
    const reports = await misroutesOf(db, old.id);
    if (reports.some((report) => report.reroutedTo)) {
      throw new ProblemError(409, 'letter-already-rerouted', 'The letter has already been rerouted');
    }
    const target = body.recipient?.sorId ?? reports.find((report) => report.correctSorId)?.correctSorId;
    if (!target) {
      throw new ProblemError(
        422,
        'reroute-recipient-required',
        'No recipient to reroute to',
        'Give `recipient.sorId`; no misroute report names the right mailbox.',
      );
    }
    await assertLetterNotPurged(db, old.id);
    const original = JSON.parse(
      vault.open(old.envelope, old.keyId, envelopeAad(old.id)).toString('utf8'),
    ) as LetterEnvelope;
    const owner = await getApiClient(db, old.clientId);
    if (!owner) throw new ProblemError(409, 'letter-owner-unknown', 'The letter’s sending client no longer exists');
    const envelope: LetterEnvelope = {
      ...original,
      recipient: body.recipient ?? { sorId: target },
      acknowledgedWarnings: body.acknowledgedWarnings ?? [],
    };
    const intake = await LetterIntake.open(deps, owner, envelope, { reroutedFrom: old.id, actor: actorOf(client) });
    try {
      for (const attachment of await getAttachments(db, old.id)) {
        await intake.addAttachment(attachment.position, decryptedChunks(db, vault, old.id, attachment.position));
      }
      const accepted = await intake.commit(async (tx, newId) => {
        const locked = await misroutesOf(tx, old.id, true);
        if (locked.some((report) => report.reroutedTo))
          throw new ProblemError(409, 'letter-already-rerouted', 'The letter has already been rerouted');
        await tx.query('UPDATE misroutes SET rerouted_to = $2 WHERE id = $1', [locked[0]!.id, newId]);
        await appendAuditEvents(tx, actorOf(client), [
          { action: 'rerouted', letterId: old.id, sorId: target, details: { toLetterId: newId, toSorId: target } },
        ]);
      });
      deps.onLetterStored?.();
      req.log.info({ letterId: accepted.id, reroutedFrom: old.id }, 'letter rerouted');
      const { replayed: _replayed, ...answer } = accepted;
      res
        .status(202)
        .location(`/v1/messages/${accepted.id}`)
        .json({ ...answer, reroutedFrom: old.id, statusUrl: `/v1/messages/${accepted.id}` });
    } finally {
      await intake.abort();
    }
  });
  return router;
}
