import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { getMailboxes } from '../../routing/directory.ts';
import { searchMailboxes } from '../../routing/search.ts';
import type { RouteDeps } from '../app-deps.ts';
import { recordAccess } from '../audit/access-log.ts';
import { currentClient, requireRole } from '../http/auth.ts';
import { readerOf } from '../http/reader.ts';
import { letterStatus } from '../letters/letter-status.ts';
import { mailboxWithPath } from '../directory/mailbox-admin.ts';
import { maxAttachments } from '../../schemas/letter.ts';
import { ProblemError } from '../platform/problem.ts';
import { mailboxStateOn } from '../../routing/validity.ts';
import { effectiveEan } from '../../routing/directory.ts';
import { renderBlocking, renderWarningDialog, renderWarningsInForm, type FindingScene } from './compose-findings.ts';
import { composeFormOf, type ComposeForm } from './compose-letter.ts';
import { renderComposePage, type ChosenRecipient, type ComposeView } from './compose-page.ts';
import { sendComposedLetter } from './compose-send.ts';
import { FormUploadRefused, readFormUpload, type UploadedFile } from '../letters/form-upload.ts';
import { assertCsrfToken, contextOf } from './console-context-api.ts';
import { requireSession } from './console-session-api.ts';
import { renderSentLetterPage, sentStatusJson } from './sent-letter-page.ts';

const sorIdShaped = (value: unknown): value is string => typeof value === 'string' && /^[0-9]{11,18}$/.test(value);
const queryText = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
/** The script asks for JSON; a form posted without it gets pages. */
const wantsJson = (req: Request) => req.get('accept')?.startsWith('application/json') === true;

const emptyForm = (client: { senders: string[] }): ComposeForm => ({
  sender: client.senders[0] ?? '',
  recipient: '',
  recipientName: '',
  cpr: '',
  given: '',
  family: '',
  municipalityCode: '',
  category: 'psychiatry-social-disability',
  topic: '',
  text: '',
  authorName: '',
  authorRole: '',
  authorPhone: '',
  // One key a page: sending the same page twice (a double click, a reload) sends one letter.
  idempotencyKey: randomUUID(),
  acknowledgedWarnings: [],
});

/** The clinics' pages: compose a letter with files and follow its status until it has arrived. */
export function composePageRoutes(deps: RouteDeps): Router {
  const { db, config } = deps;
  const router = Router();
  const sender = [requireSession, requireRole('sender')];
  const uploads = deps.uploadSlots.take;

  async function chosenRecipient(sorId: string): Promise<ChosenRecipient | undefined> {
    if (!sorIdShaped(sorId)) return undefined;
    const mailbox = await mailboxWithPath(db, sorId).catch((error: unknown) => {
      if (error instanceof ProblemError && error.status === 404) return undefined;
      throw error;
    });
    if (!mailbox) return undefined;
    return {
      sorId: mailbox.sorId,
      name: mailbox.name,
      path: mailbox.path,
      sector: mailbox.sector,
      ean: (await effectiveEan(db, sorId)) ?? null,
      state: mailboxStateOn(mailbox, new Date()),
    };
  }

  async function viewOf(req: Request, form: ComposeForm, q = ''): Promise<ComposeView> {
    const client = currentClient(req);
    const senders = await getMailboxes(db, client.senders);
    const recipient = await chosenRecipient(form.recipient);
    const hits = q ? (await searchMailboxes(db, { q, limit: 10, offset: 0 })).items : undefined;
    return {
      q,
      ...(hits ? { hits } : {}),
      ...(recipient ? { recipient } : {}),
      senders: client.senders.map((sorId) => ({ sorId, name: senders.get(sorId)?.name ?? `SOR ${sorId}` })),
      form,
    };
  }

  router.get('/compose', ...sender, async (req, res) => {
    const q = queryText(req, 'q').trim().slice(0, 200);
    const form = { ...emptyForm(currentClient(req)), recipient: queryText(req, 'recipient') };
    res.type('html').send(renderComposePage(contextOf(req), await viewOf(req, form, q)));
  });

  /** A refused letter: the page again with what was typed and the refusal in plain words (or, to the script, the parts). */
  async function refuse(
    req: Request,
    res: Response,
    problem: ProblemError,
    form: ComposeForm,
    files: readonly UploadedFile[] = [],
  ) {
    const { t } = contextOf(req);
    const view = await viewOf(req, form);
    const senderName = view.senders.find((s) => s.sorId === form.sender)?.name;
    const scene: FindingScene = {
      recipientName: view.recipient?.name ?? form.recipientName,
      senderName,
      fileNames: files.map((file) => file.filename),
    };
    const warning = problem.code === 'confirmation-required';
    if (wantsJson(req)) {
      return res.status(problem.status).json({
        code: problem.code,
        ...(warning
          ? { dialog: renderWarningDialog(t, scene, problem).text }
          : { refusal: renderBlocking(t, scene, problem).text }),
      });
    }
    const shown: ComposeView = {
      ...view,
      form: { ...form, acknowledgedWarnings: [] },
      ...(warning
        ? { warnings: renderWarningsInForm(t, scene, problem) }
        : { refusal: renderBlocking(t, scene, problem) }),
    };
    res
      .status(problem.status)
      .type('html')
      .send(renderComposePage(contextOf(req), shown));
  }

  router.post('/compose', ...sender, uploads, async (req, res) => {
    const client = currentClient(req);
    const upload = await readFormUpload(
      req,
      { vault: deps.vault, limits: { ...config.limits, maxCount: maxAttachments, spoolMemory: deps.spoolMemory } },
      (name, value) => assertCsrfToken(req, name === '_csrf' ? value : undefined),
    ).catch(async (error: unknown) => {
      // A forged or expired form is refused as any console form is; a too-large one is told so on the page.
      if (!(error instanceof FormUploadRefused)) throw error;
      const { problem, fields, files } = error;
      if (problem.code === 'csrf-invalid' || problem.status >= 500) throw problem;
      await refuse(
        req,
        res,
        problem,
        composeFormOf((name) => fields.get(name) ?? []),
        files,
      );
      return undefined;
    });
    if (!upload) return;
    try {
      const form = composeFormOf((name) => upload.fields.get(name) ?? []);
      if (form.idempotencyKey && !/^[\x21-\x7e]{1,200}$/.test(form.idempotencyKey)) form.idempotencyKey = randomUUID();
      try {
        const accepted = await sendComposedLetter(deps, client, form, upload, req.log);
        const location = `/console/sent/${accepted.id}`;
        if (wantsJson(req)) return res.status(200).json({ id: accepted.id, location });
        return res.redirect(303, location);
      } catch (error) {
        if (!(error instanceof ProblemError) || (error.status >= 500 && error.code !== 'sector-backlogged'))
          throw error;
        return refuse(req, res, error, form, upload.files);
      }
    } finally {
      await upload.close();
    }
  });

  router.get('/sent/:id', ...sender, async (req, res) => {
    const letter = await letterStatus(db, currentClient(req), String(req.params.id));
    await recordAccess(deps, readerOf(req), [{ action: 'console.view', letterId: letter.id }]);
    res.type('html').send(renderSentLetterPage(contextOf(req), letter));
  });

  router.get('/sent/:id/status', ...sender, async (req, res) => {
    const letter = await letterStatus(db, currentClient(req), String(req.params.id));
    await recordAccess(deps, readerOf(req), [{ action: 'letter.status', letterId: letter.id }]);
    res.json(sentStatusJson(contextOf(req).t, letter));
  });
  return router;
}
