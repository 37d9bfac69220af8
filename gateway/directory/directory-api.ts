import { Router, type Request } from 'express';
import { mailboxDeactivateSchema, type MailboxDeactivate } from '../../schemas/directory.ts';
import {
  mailboxCreateSchema,
  mailboxPatchSchema,
  type MailboxCreate,
  type MailboxPatch,
} from '../../schemas/mailbox.ts';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../audit/audit-trail.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { smallJsonBody } from '../http/small-json-body.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { directoryImportRoutes } from './directory-import-api.ts';
import { directorySearchRoutes } from './directory-search-api.ts';
import { operatorDataFor } from './operator-data.ts';
import { endpointRefusal, type EndpointPolicy } from '../../routing/endpoint-policy.ts';
import { nameCharacterProblem } from '../../routing/name-characters.ts';
import { closeMailbox, createMailbox, mailboxChanges, mailboxWithPath, patchMailbox } from './mailbox-admin.ts';

const validMailbox = compile<MailboxCreate>(mailboxCreateSchema);
const validPatch = compile<MailboxPatch>(mailboxPatchSchema);
const validDeactivate = compile<MailboxDeactivate>(mailboxDeactivateSchema);

/**
 * The version an admin last read, from `If-Match: "<version>"` (the ETag every answer carries).
 * Without it two admins editing one mailbox would silently overwrite each other, so a PATCH
 * needs it (428); an ETag that is not the current one is a conflict (412).
 */
function ifMatchVersion(req: Request, required: boolean): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header.trim() === '*') {
    if (!required) return undefined;
    throw new ProblemError(
      428,
      'precondition-required',
      'If-Match required',
      'Send the ETag of the mailbox as you read it (e.g. If-Match: "3"), so that no one else\'s change is overwritten.',
    );
  }
  const match = /^\s*"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw new ProblemError(
      412,
      'version-conflict',
      'Precondition failed',
      'If-Match must be one ETag as the directory sends it, e.g. "3".',
    );
  }
  return Number(match[1]);
}

/** A mailbox endpoint must be one the policy allows (routing/endpoint-policy.ts): 422 otherwise. */
function assertEndpointAllowed(endpoint: string | null | undefined, policy: EndpointPolicy): void {
  if (typeof endpoint !== 'string') return;
  const refusal = endpointRefusal(endpoint, policy);
  if (refusal) throw new ProblemError(422, 'endpoint-not-allowed', 'Endpoint not allowed', `The endpoint ${refusal}.`);
}

/** A name or display name that would read as another mailbox's: 422, nothing stored. */
function assertNamesReadable(body: { name?: string | null; displayName?: string | null }): void {
  for (const field of ['name', 'displayName'] as const) {
    const value = body[field];
    const problem = typeof value === 'string' ? nameCharacterProblem(value) : undefined;
    if (problem)
      throw new ProblemError(422, 'mailbox-name-invalid', 'Mailbox name not allowed', `The ${field} ${problem}.`);
  }
}

function sorIdOf(req: Request): string {
  const sorId = req.params.sorId;
  if (typeof sorId !== 'string') throw new ProblemError(404, 'mailbox-not-found', 'Mailbox not found');
  return sorId;
}

export function directoryRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();
  router.use(directorySearchRoutes(deps));
  router.use(directoryImportRoutes(deps));

  router.post('/v1/directory/mailboxes', requireRole('admin'), smallJsonBody, async (req, res) => {
    const body = assertValid(validMailbox, req.body);
    assertEndpointAllowed(body.endpoint, deps.config.endpoints);
    assertNamesReadable(body);
    const mailbox = await createMailbox(db, actorOf(currentClient(req)), body);
    res
      .status(201)
      .location(`/v1/directory/mailboxes/${mailbox.sorId}`)
      .setHeader('ETag', `"${mailbox.version}"`)
      .json(mailbox);
  });

  router.get('/v1/directory/mailboxes/:sorId', async (req, res) => {
    const mailbox = await mailboxWithPath(db, req.params.sorId);
    res.setHeader('ETag', `"${mailbox.version}"`).json(operatorDataFor(currentClient(req), mailbox));
  });

  router.patch('/v1/directory/mailboxes/:sorId', requireRole('admin'), smallJsonBody, async (req, res) => {
    const expectedVersion = ifMatchVersion(req, true)!;
    const body = assertValid(validPatch, req.body);
    assertEndpointAllowed(body.endpoint, deps.config.endpoints);
    assertNamesReadable(body);
    const updated = await patchMailbox(db, actorOf(currentClient(req)), sorIdOf(req), body, expectedVersion);
    res.setHeader('ETag', `"${updated.version}"`).json(updated);
  });

  router.post('/v1/directory/mailboxes/:sorId/deactivate', requireRole('admin'), smallJsonBody, async (req, res) => {
    const expectedVersion = ifMatchVersion(req, false);
    const body = assertValid(validDeactivate, req.body ?? {});
    const outcome = await closeMailbox(db, actorOf(currentClient(req)), sorIdOf(req), body, expectedVersion);
    res.setHeader('ETag', `"${outcome.mailbox.version}"`).json({ ...outcome.mailbox, scheduled: outcome.scheduled });
  });

  router.get('/v1/directory/mailboxes/:sorId/history', async (req, res) => {
    res.json(operatorDataFor(currentClient(req), await mailboxChanges(db, sorIdOf(req))));
  });
  return router;
}
