import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import {
  letterEnvelopeSchema,
  letterSubmissionSchema,
  maxAttachments,
  type LetterEnvelope,
  type LetterSubmission,
} from '../../schemas/letter.ts';
import type { RouteDeps } from '../app-deps.ts';
import type { LetterAccepted, LetterEvents, LetterStatusResponse } from '../../schemas/letter-responses.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { idempotencyKey } from '../http/idempotency-key.ts';
import { visibleLetter } from './letter-access.ts';
import { letterEventsFor, letterStatus } from './letter-status.ts';
import { LetterIntake, type AcceptedLetter } from './letter-intake.ts';
import { openLetterXml } from './letter-reader.ts';
import { newSending } from '../medcom/letter-xml-render.ts';
import { evaluateLetterRouting } from './letter-routing.ts';
import { fhirBody, type FhirBody } from '../http/json-body.ts';
import { submitBundle } from './bundle-intake.ts';
import { readMultipartLetter } from './multipart-intake.ts';
import { readJsonLetter, readJsonPreview, streamedJsonLetterBytes } from './json-letter-stream.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertLetterNotPurged } from './letter-retention.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { recordAcceptedLetter, recordRefusedLetter } from './submission-outcome.ts';
import { bodyBudget } from '../http/body-budget.ts';
import { followUpRoutes } from './follow-ups-api.ts';
import { recordAccess } from '../audit/access-log.ts';
import { readerOf } from '../http/reader.ts';

const validSubmission = compile<LetterSubmission>(letterSubmissionSchema);
const validEnvelope = compile<LetterEnvelope>(letterEnvelopeSchema);

/** Refuses an eleventh attachment by name rather than as a generic schema violation. */
function assertAttachmentCount(body: unknown): void {
  const attachments = (body as { attachments?: unknown } | null)?.attachments;
  if (Array.isArray(attachments) && attachments.length > maxAttachments) {
    throw new ProblemError(
      422,
      'too-many-attachments',
      'Too many attachments',
      `A letter carries at most ${maxAttachments} attachments.`,
    );
  }
}

/** By the header alone: `req.is` says "no body" for an empty one, which must be refused as such. */
const mediaTypeOf = (req: Request) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

const withoutData = (letter: LetterSubmission): LetterEnvelope => ({
  ...letter,
  ...(letter.attachments ? { attachments: letter.attachments.map(({ data: _data, ...meta }) => meta) } : {}),
});

export function letterRoutes(deps: RouteDeps): Router {
  const { db, config } = deps;
  const router = Router();
  // Base64 is 4/3 of the bytes; the JSON around it is small. Refused while streaming, not after.
  const jsonLimit = Math.ceil((config.limits.maxLetterBytes * 4) / 3) + 1024 * 1024;
  // A Bundle carries the same base64 plus narratives and resources around it.
  const uploads = deps.uploadSlots.take;
  const bufferedBodies = bodyBudget({
    budget: config.limits.bufferedBodiesBytes,
    maxBodyBytes: Math.ceil((config.limits.maxLetterBytes * 4) / 3) + 4 * 1024 * 1024,
    streamedJsonHeldBytes: streamedJsonLetterBytes,
  });
  const fhirMessage = fhirBody(Math.ceil((config.limits.maxLetterBytes * 4) / 3) + 4 * 1024 * 1024);

  /** Attachments are decoded and sealed while the body streams; the letter is checked once it is all in. */
  async function submitJson(req: Request): Promise<AcceptedLetter> {
    const { letter, attachments } = await readJsonLetter(
      req,
      { vault: deps.vault, limits: { ...config.limits, maxCount: maxAttachments, spoolMemory: deps.spoolMemory } },
      jsonLimit,
    );
    try {
      assertAttachmentCount(letter);
      const submission = assertValid(validSubmission, letter);
      const intake = await LetterIntake.open(deps, currentClient(req), withoutData(submission), {
        idempotencyKey: idempotencyKey(req),
        sealed: { letterId: attachments.letterId, spool: attachments.spool },
      });
      for (const [position, attachment] of (submission.attachments ?? []).entries())
        intake.addSealedAttachment(position, attachments.finish(position, attachment.contentType));
      return await intake.commit();
    } finally {
      await attachments.release();
    }
  }

  /** A Bundle has no place for them, so acknowledged warnings come as a header or a query parameter. */
  function acknowledgedWarnings(req: Request): string[] {
    const header = req.headers['postbud-acknowledged-warnings'];
    const query = req.query.acknowledgedWarnings;
    const raw = [header, query].flat().filter((value): value is string => typeof value === 'string');
    const codes = raw
      .flatMap((value) => value.split(','))
      .map((code) => code.trim())
      .filter(Boolean);
    if (codes.length > 20 || codes.some((code) => !/^[a-z0-9-]{1,60}$/.test(code)))
      throw new ProblemError(
        400,
        'acknowledged-warnings-invalid',
        'Invalid acknowledged warnings',
        'Give up to 20 warning codes, comma-separated.',
      );
    return codes;
  }

  async function submitMultipart(req: Request): Promise<AcceptedLetter> {
    let intake: LetterIntake | undefined;
    try {
      await readMultipartLetter(
        req,
        { ...config.limits, maxCount: maxAttachments },
        {
          onMessage: async (message) => {
            assertAttachmentCount(message);
            intake = await LetterIntake.open(deps, currentClient(req), assertValid(validEnvelope, message), {
              idempotencyKey: idempotencyKey(req),
            });
          },
          onFile: async (position, file) => intake!.addAttachment(position, file.stream),
        },
      );
      if (!intake) throw new ProblemError(422, 'multipart-message-missing', 'The multipart body has no `message` part');
      return await intake.commit();
    } finally {
      await intake?.abort();
    }
  }

  router.post('/v1/messages', requireRole('sender'), uploads, bufferedBodies.letters, fhirMessage, async (req, res) => {
    let accepted: AcceptedLetter;
    try {
      const mediaType = mediaTypeOf(req);
      if (req.is('multipart/form-data')) accepted = await submitMultipart(req);
      else if (mediaType === 'application/json') accepted = await submitJson(req);
      else if (req.is('application/fhir+xml') || req.is('application/fhir+json'))
        accepted = await submitBundle(deps, currentClient(req), req.body as FhirBody, acknowledgedWarnings(req));
      else
        throw new ProblemError(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'Send application/json, multipart/form-data, or a MedCom Bundle as application/fhir+xml or application/fhir+json.',
        );
    } catch (error) {
      await recordRefusedLetter(deps, currentClient(req), error);
      throw error;
    }
    recordAcceptedLetter(deps, accepted, req.log);
    const { replayed: _replayed, ...answer } = accepted;
    const body: LetterAccepted = { ...answer, statusUrl: `/v1/messages/${accepted.id}` };
    res.status(202).location(`/v1/messages/${accepted.id}`).json(body);
  });

  router.post('/v1/messages/preview', requireRole('sender'), async (req, res) => {
    const mediaType = mediaTypeOf(req);
    const parsed: unknown = mediaType === 'application/json' ? await readJsonPreview(req, jsonLimit) : req.body;
    assertAttachmentCount(parsed);
    const body = parsed as { attachments?: Array<Record<string, unknown>> } | undefined;
    const envelope = assertValid(validEnvelope, {
      ...body,
      ...(Array.isArray(body?.attachments)
        ? { attachments: body.attachments.map(({ data: _data, ...meta }) => meta) }
        : {}),
    });
    res.json(await evaluateLetterRouting(db, currentClient(req), envelope));
  });

  router.get('/v1/messages/:id', requireRole('sender', 'auditor', 'admin', 'adapter'), async (req, res) => {
    const status: LetterStatusResponse = await letterStatus(db, currentClient(req), String(req.params.id));
    await recordAccess(deps, readerOf(req), [{ action: 'letter.status', letterId: status.id }]);
    res.json(status);
  });

  router.get('/v1/messages/:id/xml', requireRole('sender', 'adapter'), async (req, res) => {
    const client = currentClient(req);
    const letter = await visibleLetter(db, client, String(req.params.id), ['adapter']);
    assertLetterNotPurged(letter);
    await recordAccess(deps, readerOf(req), [{ action: 'letter.xml', letterId: letter.id }]);
    // An adapter fetches a letter to send it: every fetch is a sending with its own Bundle.id and time.
    const sending = client.roles.includes('adapter') ? newSending() : undefined;
    if (sending) req.log.info({ letterId: letter.id, bundleId: sending.bundleId }, 'letter sending stamped');
    res.type('application/fhir+xml; charset=utf-8');
    // The adapter's check against delivering a copy of a letter already finished, in the same request.
    res.setHeader('Postbud-Letter-Status', letter.status);
    // One piece ahead of the socket: Readable.from's default of 16 would read a whole large letter
    // (each piece is up to 1 MB of base64) into memory before the adapter has taken any of it.
    await pipeline(Readable.from(openLetterXml(db, deps.vault, letter, sending), { highWaterMark: 1 }), res);
  });

  router.get('/v1/messages/:id/events', requireRole('sender', 'auditor', 'admin'), async (req, res) => {
    const events: LetterEvents = await letterEventsFor(db, currentClient(req), String(req.params.id));
    await recordAccess(deps, readerOf(req), [{ action: 'letter.events', letterId: events.letterId }]);
    res.json(events);
  });
  // Replies and forwards stream like letters and take their share of the same memory budget.
  router.use(followUpRoutes(deps, uploads, bufferedBodies.letters));
  return router;
}
