import type { Logger } from '../platform/log.ts';
import type { AppDeps } from '../app-deps.ts';
import type { ApiClient } from '../clients/client-store.ts';
import { ProblemError } from '../platform/problem.ts';
import type { AcceptedLetter } from './accepted-letter.ts';
import { recordWarningsShown } from './warnings-shown.ts';

type OutcomeDeps = Pick<AppDeps, 'db' | 'metrics' | 'onLetterStored'>;

/** A refused submission, whoever sent it (API or console): counted, and warnings shown are evidence. */
export async function recordRefusedLetter(deps: OutcomeDeps, client: ApiClient, error: unknown): Promise<void> {
  deps.metrics.lettersRefused.inc({ code: error instanceof ProblemError ? error.code : 'internal-error' });
  if (error instanceof ProblemError && error.code === 'confirmation-required')
    await recordWarningsShown(deps.db, client, error);
}

/** An accepted letter: counted, logged, and the outbox relay woken so it is queued at once. */
export function recordAcceptedLetter(deps: OutcomeDeps, accepted: AcceptedLetter, log: Pick<Logger, 'info'>): void {
  if (accepted.replayed) return;
  deps.metrics.lettersAccepted.inc({ sector: accepted.recipient.sector });
  deps.onLetterStored?.();
  log.info({ letterId: accepted.id, sector: accepted.recipient.sector }, 'letter accepted');
}
