/**
 * `AMQP_URL` names one RabbitMQ node or a comma-separated list of the nodes of a cluster. Every
 * process (gateway and adapters) connects to one node at a time and, when that node goes away or
 * cannot be reached, moves on to the next in the list, round-robin, so losing one machine of a
 * three-node cluster costs a reconnect, not delivery.
 */

/** One or more amqp(s):// URLs separated by commas; spaces around the commas are allowed. */
export const amqpUrlListPattern = '^\\s*amqps?://[^\\s,]+(\\s*,\\s*amqps?://[^\\s,]+)*\\s*$';

const listExpression = new RegExp(amqpUrlListPattern);

/** The nodes of `AMQP_URL` in their given order; throws (naming the variable, never its value) when malformed. */
export function amqpNodeUrls(list: string): string[] {
  if (!listExpression.test(list))
    throw new Error('AMQP_URL must be an amqp(s):// URL or a comma-separated list of them');
  const urls = list.split(',').map((url) => url.trim());
  for (const url of urls) {
    try {
      new URL(url);
    } catch {
      throw new Error('AMQP_URL must be an amqp(s):// URL or a comma-separated list of them');
    }
  }
  return urls;
}

/** `host:port` of a node, for logs: the user name and password in its URL never leave this function. */
export function amqpNodeLabel(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'amqps:' ? '5671' : '5672');
  return `${parsed.hostname}:${port}`;
}

/** The list of nodes and which one is next to try; advanced past each node that failed. */
export class AmqpNodeRing {
  readonly urls: readonly string[];
  #cursor = 0;

  constructor(list: string) {
    this.urls = amqpNodeUrls(list);
  }

  get size(): number {
    return this.urls.length;
  }

  /** The node to try now. */
  get current(): { url: string; label: string } {
    const url = this.urls[this.#cursor]!;
    return { url, label: amqpNodeLabel(url) };
  }

  /** The current node failed (unreachable, or its connection was lost): the next one is tried. */
  advance(): void {
    this.#cursor = (this.#cursor + 1) % this.urls.length;
  }
}

export class AllAmqpNodesFailed extends Error {
  override readonly name = 'AllAmqpNodesFailed';
}

/**
 * One round over the ring: tries the current node and, while it fails, the next ones, each at
 * most once. Resolves with what `open` made of the first node that worked (the ring then points
 * at it); throws `AllAmqpNodesFailed` after a full round, when the caller backs off.
 */
export async function openOnSomeNode<T>(
  ring: AmqpNodeRing,
  open: (url: string) => Promise<T>,
  onNodeFailed: (label: string, error: unknown) => void = () => undefined,
): Promise<{ opened: T; label: string }> {
  let lastReason = '';
  for (let tried = 0; tried < ring.size; tried += 1) {
    const { url, label } = ring.current;
    try {
      return { opened: await open(url), label };
    } catch (error) {
      lastReason = error instanceof Error ? error.message : String(error);
      onNodeFailed(label, error);
      ring.advance();
    }
  }
  throw new AllAmqpNodesFailed(
    ring.size === 1 ? lastReason : `none of the ${ring.size} RabbitMQ nodes answered (last: ${lastReason})`,
  );
}
