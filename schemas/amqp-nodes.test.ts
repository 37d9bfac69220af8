import { describe, expect, it } from 'vitest';
import { AllAmqpNodesFailed, AmqpNodeRing, amqpNodeLabel, amqpNodeUrls, openOnSomeNode } from './amqp-nodes.ts';

const cluster =
  'amqp://postbud:hemmelig@rabbit1:5672, amqp://postbud:hemmelig@rabbit2:5673 ,amqps://postbud:hemmelig@rabbit3';

describe('AMQP_URL as a list of the nodes of a RabbitMQ cluster', () => {
  it('reads one node or a comma-separated list, in order, spaces around commas allowed', () => {
    expect(amqpNodeUrls('amqp://guest:guest@127.0.0.1:5672')).toEqual(['amqp://guest:guest@127.0.0.1:5672']);
    expect(amqpNodeUrls(cluster)).toEqual([
      'amqp://postbud:hemmelig@rabbit1:5672',
      'amqp://postbud:hemmelig@rabbit2:5673',
      'amqps://postbud:hemmelig@rabbit3',
    ]);
  });

  it('refuses an entry that is not an amqp(s) URL, an empty entry or a trailing comma, without echoing the value', () => {
    for (const bad of [
      '',
      'rabbit1:5672',
      'amqp://postbud:hemmelig@rabbit1,http://postbud:hemmelig@rabbit2',
      'amqp://postbud:hemmelig@rabbit1,,amqp://postbud:hemmelig@rabbit2',
      'amqp://postbud:hemmelig@rabbit1,',
      'amqp://postbud:hemmelig@rabbit1 amqp://postbud:hemmelig@rabbit2',
      'amqp://[not-a-host',
    ]) {
      expect(() => amqpNodeUrls(bad), bad).toThrow(/^AMQP_URL must be/);
      expect(() => amqpNodeUrls(bad)).not.toThrow(/hemmelig/);
    }
  });

  it('names a node by host and port only, never its credentials', () => {
    expect(amqpNodeLabel('amqp://postbud:hemmelig@rabbit2:5673/vhost')).toBe('rabbit2:5673');
    expect(amqpNodeLabel('amqp://rabbit1')).toBe('rabbit1:5672');
    expect(amqpNodeLabel('amqps://postbud:hemmelig@rabbit3')).toBe('rabbit3:5671');
  });
});

describe('moving on to the next node when one fails', () => {
  const hosts = (tried: string[]) => tried.map((url) => amqpNodeLabel(url).split(':')[0]);

  it('connects to the first node when it answers', async () => {
    const ring = new AmqpNodeRing(cluster);
    const tried: string[] = [];
    const { opened, label } = await openOnSomeNode(ring, async (url) => (tried.push(url), url));
    expect(hosts(tried)).toEqual(['rabbit1']);
    expect(opened).toBe('amqp://postbud:hemmelig@rabbit1:5672');
    expect(label).toBe('rabbit1:5672');
  });

  it('tries the following nodes while nodes fail and stays on the one that answered', async () => {
    const ring = new AmqpNodeRing(cluster);
    const tried: string[] = [];
    const failed: string[] = [];
    const open = async (url: string) => {
      tried.push(url);
      if (!url.includes('rabbit3')) throw new Error('connect ECONNREFUSED');
      return url;
    };
    const { label } = await openOnSomeNode(ring, open, (node) => failed.push(node));
    expect(hosts(tried)).toEqual(['rabbit1', 'rabbit2', 'rabbit3']);
    expect(failed).toEqual(['rabbit1:5672', 'rabbit2:5673']);
    expect(label).toBe('rabbit3:5671');
    expect(ring.current.label).toBe('rabbit3:5671');
  });

  it('starts after the node whose connection was lost, wrapping round to the start of the list', async () => {
    const ring = new AmqpNodeRing(cluster);
    ring.advance();
    ring.advance();
    expect(ring.current.label).toBe('rabbit3:5671');
    ring.advance();
    const tried: string[] = [];
    await openOnSomeNode(ring, async (url) => (tried.push(url), url));
    expect(hosts(tried)).toEqual(['rabbit1']);
  });

  it('gives up after one full round, each node tried once, and the next round starts where it began', async () => {
    const ring = new AmqpNodeRing(cluster);
    ring.advance();
    const tried: string[] = [];
    const refuse = async (url: string): Promise<string> => {
      tried.push(url);
      throw new Error('connect ECONNREFUSED');
    };
    await expect(openOnSomeNode(ring, refuse)).rejects.toThrow(AllAmqpNodesFailed);
    expect(hosts(tried)).toEqual(['rabbit2', 'rabbit3', 'rabbit1']);
    expect(ring.current.label).toBe('rabbit2:5673');
  });

  it('reports a single node’s own failure, and a cluster’s without credentials', async () => {
    const refuse = async (): Promise<never> => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5672');
    };
    await expect(openOnSomeNode(new AmqpNodeRing('amqp://127.0.0.1'), refuse)).rejects.toThrow(
      /^connect ECONNREFUSED 127.0.0.1:5672$/,
    );
    const error = await openOnSomeNode(new AmqpNodeRing(cluster), refuse).catch((thrown: Error) => thrown);
    expect((error as Error).message).toMatch(/^none of the 3 RabbitMQ nodes answered/);
    expect((error as Error).message).not.toContain('hemmelig');
  });
});
