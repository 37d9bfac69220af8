import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from 'pino';
import type { topologyNames } from '../../schemas/amqp-topology.ts';
import type { Sector } from '../../schemas/categories.ts';
import type { DeliveryReceipt, LetterQueued } from '../../schemas/queue-messages.ts';
import { signatureHeader, type QueueSigner } from '../../schemas/queue-signature.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import {
  describeEndpoint,
  lookUpLetterStatus,
  type DeliveryAttempt,
  type DeliveryTransport,
  type GatewayAccess,
} from './http-transport.ts';
import {
  attemptHeader,
  buildReceipt,
  copyHeaders,
  deadLetterReasonHeader,
  lastErrorHeader,
  parseLetterMessage,
} from './letter-message.ts';
import { decideNextStep } from './retry-policy.ts';

export interface LetterHandlerContext {
  sector: Sector;
  names: ReturnType<typeof topologyNames>;
  retryDelaysMs: readonly number[];
  transport: DeliveryTransport;
  gateway: GatewayAccess;
  statusTimeoutMs: number;
  /** How long a redelivered copy this process has never seen waits before the gateway is asked. */
  redeliveryGraceMs: number;
  defaultEndpoint: string | undefined;
  ledger: DeliveryLedger;
  /** The session's channel now: after a reconnect, no longer the one a message arrived on. */
  currentChannel: () => ConfirmChannel | undefined;
  signer: QueueSigner;
  log: Logger;
}

/** The channel a message arrived on; acks are only valid there, and `closed` says if it still is. */
export interface ConsumingChannel {
  channel: ConfirmChannel;
  closed: boolean;
}

/** One message being worked on: where it came from and what it says. */
interface LetterJob {
  channel: ConfirmChannel;
  message: ConsumeMessage;
  letter: LetterQueued;
  attempt: number;
  /** The mailbox's endpoint, else the sector default; undefined when neither exists. */
  endpoint: string | undefined;
  log: Logger;
}

/** Gateway statuses after which delivering again would be a duplicate (or pointless). */
const finishedStatuses = new Set(['delivered', 'acknowledged', 'rejected', 'misrouted', 'failed']);

/** Pause before returning a message we could not finish, so a stuck broker is not hammered. */
const requeuePauseMs = 1_000;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function publishConfirmed(
  channel: ConfirmChannel,
  queue: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.sendToQueue(queue, content, options, (error) => (error ? reject(error) : resolve()));
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * Re-publishes, on a fresh channel and before consuming, the receipts of letters this process
 * delivered whose receipt died with its broker node: until the gateway records them, another
 * adapter given the redelivered copy would find the letter still `queued` and deliver it again.
 */
export async function reportUnreportedDeliveries(ctx: LetterHandlerContext, channel: ConfirmChannel): Promise<void> {
  for (const receipt of ctx.ledger.unreported()) {
    await publishReceipt(ctx, channel, receipt);
    ctx.ledger.markReported(receipt.letterId);
    ctx.log.info({ letterId: receipt.letterId }, 'receipt of an earlier delivery re-published after reconnecting');
  }
}

function publishReceipt(ctx: LetterHandlerContext, channel: ConfirmChannel, receipt: DeliveryReceipt): Promise<void> {
  const content = Buffer.from(JSON.stringify(receipt));
  return publishConfirmed(channel, ctx.names.receiptsQueue, content, {
    headers: { [signatureHeader]: ctx.signer.sign('DeliveryReceipt', content) },
    persistent: true,
    contentType: 'application/json',
    messageId: `${receipt.letterId}:${receipt.attempt}:${receipt.outcome}`,
    type: 'DeliveryReceipt',
  });
}

/** A copy of the letter message for a retry or dead-letter queue, with our headers. */
function forward(
  channel: ConfirmChannel,
  queue: string,
  message: ConsumeMessage,
  headers: Record<string, string | number>,
): Promise<void> {
  return publishConfirmed(channel, queue, message.content, {
    persistent: true,
    contentType: message.properties.contentType ?? 'application/json',
    messageId: message.properties.messageId,
    headers: copyHeaders(message.properties.headers, headers),
  });
}

/**
 * Runs `work` (which makes every durable hand-off first), then acks. If anything fails the
 * message is not acked: on a lost channel the broker redelivers it; on a live one it is requeued.
 */
async function settle(log: Logger, source: ConsumingChannel, message: ConsumeMessage, work: () => Promise<void>) {
  try {
    await work();
    source.channel.ack(message);
  } catch (error) {
    if (source.closed) {
      log.warn({ reason: reasonOf(error) }, 'broker channel lost before the ack; the broker will redeliver');
      return;
    }
    log.error({ reason: reasonOf(error) }, 'could not finish the letter message; returning it to the queue');
    await new Promise((resolve) => setTimeout(resolve, requeuePauseMs));
    try {
      source.channel.nack(message, false, true);
    } catch {
      log.warn('broker channel lost before the requeue; the broker will redeliver');
    }
  }
}

/** Handles one message from the sector queue, from validation to the final ack. */
export async function handleLetterMessage(
  ctx: LetterHandlerContext,
  source: ConsumingChannel,
  message: ConsumeMessage,
): Promise<void> {
  const parsed = parseLetterMessage(message, ctx.sector, ctx.signer);
  if (!parsed.ok) {
    const log = ctx.log.child({ messageId: message.properties.messageId });
    await settle(log, source, message, async () => {
      const reason = `invalid message: ${parsed.reason}`;
      await forward(source.channel, ctx.names.deadLetterQueue(ctx.sector), message, {
        [deadLetterReasonHeader]: reason,
      });
      log.warn({ reason }, 'invalid letter message moved to the dead-letter queue');
    });
    return;
  }
  const { letter, attempt } = parsed;
  const log = ctx.log.child({ letterId: letter.letterId, attempt });
  const endpoint = letter.recipient.endpoint ?? ctx.defaultEndpoint;
  const job: LetterJob = { channel: source.channel, message, letter, attempt, endpoint, log };
  const release = await ctx.ledger.claim(letter.letterId);
  try {
    await settle(log, source, message, () => processLetter(ctx, job));
  } finally {
    release();
  }
}

async function processLetter(ctx: LetterHandlerContext, job: LetterJob): Promise<void> {
  const { channel, message, letter, attempt, endpoint, log } = job;
  const known = ctx.ledger.recall(letter.letterId);
  if (known?.outcome === 'delivered') {
    // The first receipt may have died with the old channel; the gateway ignores a repeated one.
    await publishReceipt(ctx, channel, known.receipt);
    ctx.ledger.markReported(letter.letterId);
    log.info('letter already delivered by this process; receipt re-published, not delivered again');
    return;
  }
  // Only a broker redelivery is a copy of what we passed on; an operator's replay from the DLQ is not.
  if (known && message.fields.redelivered && known.attempt >= attempt) {
    log.info('this attempt was already passed on by this process; dropping the copy');
    return;
  }
  // A copy the broker redelivers after losing a node may have been delivered by another adapter
  // that is reconnecting too: give it time to get its receipt to the gateway before asking.
  if (!known && message.fields.redelivered && ctx.redeliveryGraceMs > 0) {
    const lookup = await lookUpLetterStatus(ctx.gateway, letter.letterId, ctx.statusTimeoutMs);
    if (lookup.kind === 'status' && lookup.status !== undefined && finishedStatuses.has(lookup.status)) {
      log.info({ status: lookup.status }, 'letter already finished at the gateway; not delivering again');
      return;
    }
    log.info({ graceMs: ctx.redeliveryGraceMs }, 'redelivered copy not finished yet; waiting before delivering');
    await new Promise((resolve) => setTimeout(resolve, ctx.redeliveryGraceMs));
  }
  // Every copy is checked against the gateway, which has seen every receipt: besides broker
  // redeliveries and retries after a timeout, a gateway that crashed between the broker's
  // confirm and its commit publishes a letter twice, and the copies may reach different adapters.
  // The claim check answers with the letter's status; only without an endpoint is it asked apart.
  if (endpoint === undefined) {
    const lookup = await lookUpLetterStatus(ctx.gateway, letter.letterId, ctx.statusTimeoutMs);
    if (lookup.kind === 'status' && lookup.status !== undefined && finishedStatuses.has(lookup.status)) {
      log.info({ status: lookup.status }, 'letter already finished at the gateway; not delivering again');
      return;
    }
    await passOn(ctx, job, { result: { kind: 'no-endpoint' }, durationMs: 0 });
    return;
  }
  const outcome = await ctx.transport.deliver({
    letterId: letter.letterId,
    xmlPath: letter.xmlPath,
    endpoint,
    gateway: ctx.gateway,
    finishedStatuses,
  });
  if ('alreadyFinished' in outcome) {
    log.info({ status: outcome.alreadyFinished }, 'letter already finished at the gateway; not delivering again');
    return;
  }
  await passOn(ctx, job, outcome);
}

/** Publishes what the attempt led to (receipt, retry copy, dead letter), each confirmed. */
async function passOn(
  ctx: LetterHandlerContext,
  job: LetterJob,
  { result, durationMs }: DeliveryAttempt,
): Promise<void> {
  const { channel, message, letter, attempt, endpoint, log } = job;
  const step = decideNextStep(result, attempt, ctx.retryDelaysMs);
  const httpStatus = result.kind === 'receiver-answered' ? result.httpStatus : undefined;
  const receiptBase = {
    letterId: letter.letterId,
    sector: ctx.sector,
    attempt,
    endpoint: endpoint === undefined ? '(none)' : describeEndpoint(endpoint),
    durationMs,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
  const details = { httpStatus, durationMs, endpoint: receiptBase.endpoint };
  switch (step.action) {
    case 'delivered': {
      const receipt = buildReceipt({ ...receiptBase, outcome: 'delivered' });
      // Remembered before the receipt is sent: should the channel die now, a redelivered copy
      // reaching this process re-sends the receipt instead of the letter.
      ctx.ledger.remember(letter.letterId, { outcome: 'delivered', attempt, receipt, reported: false });
      await publishReceipt(ctx, channel, receipt).catch(async (error: unknown) => {
        // The channel died while the receiver answered; if the session is already on a new one
        // (another node), report there now, since another adapter may be holding the redelivered copy.
        const current = ctx.currentChannel();
        if (!current || current === channel) throw error;
        await publishReceipt(ctx, current, receipt);
      });
      ctx.ledger.markReported(letter.letterId);
      log.info(details, 'letter delivered');
      return;
    }
    case 'retry': {
      await publishReceipt(
        ctx,
        channel,
        buildReceipt({ ...receiptBase, outcome: 'attempt-failed', error: step.reason }),
      );
      await forward(channel, ctx.names.retryQueue(ctx.sector, step.delayMs), message, {
        [attemptHeader]: step.nextAttempt,
        [lastErrorHeader]: step.reason,
      });
      ctx.ledger.remember(letter.letterId, { outcome: 'handed-on', attempt });
      log.warn({ ...details, reason: step.reason, retryInMs: step.delayMs }, 'delivery attempt failed; will retry');
      return;
    }
    case 'dead-letter': {
      await forward(channel, ctx.names.deadLetterQueue(ctx.sector), message, {
        [attemptHeader]: attempt,
        [deadLetterReasonHeader]: step.reason,
      });
      await publishReceipt(ctx, channel, buildReceipt({ ...receiptBase, outcome: 'failed', error: step.reason }));
      ctx.ledger.remember(letter.letterId, { outcome: 'handed-on', attempt });
      log.error({ ...details, reason: step.reason }, 'letter not delivered; moved to the dead-letter queue');
      return;
    }
    case 'failed': {
      await publishReceipt(ctx, channel, buildReceipt({ ...receiptBase, outcome: 'failed', error: step.reason }));
      ctx.ledger.remember(letter.letterId, { outcome: 'handed-on', attempt });
      log.error({ ...details, reason: step.reason }, 'letter refused; not retrying');
      return;
    }
  }
}
