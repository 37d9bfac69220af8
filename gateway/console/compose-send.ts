import { letterEnvelopeSchema, type LetterEnvelope } from '../../schemas/letter.ts';
import type { AppDeps } from '../app-deps.ts';
import type { ApiClient } from '../clients/client-store.ts';
import { LetterIntake, type AcceptedLetter } from '../letters/letter-intake.ts';
import { recordAcceptedLetter, recordRefusedLetter } from '../letters/submission-outcome.ts';
import type { Logger } from '../platform/log.ts';
import { ProblemError } from '../platform/problem.ts';
import { assertValid, compile } from '../platform/validation.ts';
import { envelopeOf, type ComposeForm } from './compose-letter.ts';
import type { FormUpload } from '../letters/form-upload.ts';

const validEnvelope = compile<LetterEnvelope>(letterEnvelopeSchema);

/** A refusal about one file names its place, so the page can name the file. */
function aboutFile(error: unknown, position: number): unknown {
  if (!(error instanceof ProblemError) || error.status >= 500) return error;
  return new ProblemError(error.status, error.code, error.title, error.detail, { ...error.extra, position });
}

/**
 * Sends a letter composed in the console through the same intake as `POST /v1/messages`: the
 * API's schema, MedCom rules, misroute guards, attachment checks and the one commit. The console
 * only turns the form into the API's letter; every refusal is the API's own.
 */
export async function sendComposedLetter(
  deps: AppDeps,
  client: ApiClient,
  form: ComposeForm,
  upload: FormUpload,
  log: Logger,
): Promise<AcceptedLetter> {
  let intake: LetterIntake | undefined;
  try {
    const envelope = assertValid(validEnvelope, envelopeOf(form, upload.files));
    intake = await LetterIntake.open(deps, client, envelope, {
      ...(form.idempotencyKey ? { idempotencyKey: form.idempotencyKey } : {}),
    });
    for (const position of upload.files.keys()) {
      try {
        await intake.addAttachment(position, upload.chunks(position));
      } catch (error) {
        throw aboutFile(error, position);
      }
    }
    const accepted = await intake.commit();
    recordAcceptedLetter(deps, accepted, log);
    return accepted;
  } catch (error) {
    await recordRefusedLetter(deps, client, error);
    throw error;
  } finally {
    await intake?.abort();
  }
}
