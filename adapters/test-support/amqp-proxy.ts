import { createServer, Socket, type Server } from 'node:net';

/**
 * A TCP proxy between an adapter and RabbitMQ that lets a test break the connection the way a
 * broker restart or a dying process would — without mocking the broker. It reads the AMQP frames
 * the client sends, so it can cut the connection exactly when the client acks a message: the ack
 * is lost, as it would be if the process died right after sending it.
 */
export interface AmqpProxy {
  /** The AMQP URL to give the adapter instead of `brokerUrl`. */
  url: string;
  /** Connections the proxy has accepted so far. */
  accepted(): number;
  /** Breaks every open connection (both directions), like a broker restart. */
  cutAll(): void;
  /** Resolves when the next basic.ack from a client was swallowed and its connection cut. */
  cutOnNextAck(): Promise<void>;
  /** While true, new connections are closed at once (the adapter's process is "gone"). */
  refuseNew: boolean;
  close(): Promise<void>;
}

const protocolHeaderLength = 8;
const frameOverhead = 8; // type (1) + channel (2) + size (4) + frame-end (1)
const methodFrame = 1;
const basicClass = 60;
const basicAck = 80;

export async function startAmqpProxy(brokerUrl: string): Promise<AmqpProxy> {
  const broker = new URL(brokerUrl);
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let accepted = 0;
  let onAck: (() => void) | undefined;

  const server: Server = createServer((client) => {
    accepted += 1;
    if (proxy.refuseNew) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const pair = { client, upstream };
    pairs.add(pair);
    const cut = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    upstream.connect(Number(broker.port || 5672), broker.hostname);
    upstream.pipe(client);

    let pending = Buffer.alloc(0);
    let headerSeen = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!headerSeen) {
        if (pending.length < protocolHeaderLength) return;
        upstream.write(pending.subarray(0, protocolHeaderLength));
        pending = pending.subarray(protocolHeaderLength);
        headerSeen = true;
      }
      while (pending.length >= 7) {
        const size = pending.readUInt32BE(3);
        if (pending.length < size + frameOverhead) return;
        const frame = pending.subarray(0, size + frameOverhead);
        pending = pending.subarray(size + frameOverhead);
        const isAck =
          frame[0] === methodFrame && frame.readUInt16BE(7) === basicClass && frame.readUInt16BE(9) === basicAck;
        if (isAck && onAck) {
          const notify = onAck;
          onAck = undefined;
          cut();
          notify();
          return;
        }
        upstream.write(frame);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(brokerUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const proxy: AmqpProxy = {
    url: url.toString(),
    accepted: () => accepted,
    cutAll() {
      for (const { client, upstream } of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    cutOnNextAck: () => new Promise<void>((resolve) => (onAck = resolve)),
    refuseNew: false,
    async close() {
      proxy.cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
