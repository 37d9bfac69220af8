import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const required = {
  POSTBUD_DATA_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  POSTBUD_QUEUE_SIGNING_KEY: `q1:${Buffer.alloc(32, 2).toString('base64')}`,
};

describe('the gateway’s AMQP_URL', () => {
  it('is one node by default', () => {
    expect(loadConfig(required).amqpUrl).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('may list the nodes of a RabbitMQ cluster, separated by commas', () => {
    const nodes = 'amqp://postbud:pw@rabbit1:5672,amqp://postbud:pw@rabbit2:5672, amqps://postbud:pw@rabbit3:5671';
    expect(loadConfig({ ...required, AMQP_URL: nodes }).amqpUrl).toBe(nodes);
  });

  it('refuses a list with an entry that is not an amqp(s) URL, naming the setting and not the password', () => {
    for (const bad of [
      'amqp://guest:hemmelig@rabbit1,http://guest:hemmelig@rabbit2',
      'amqp://guest:hemmelig@rabbit1,',
    ]) {
      expect(() => loadConfig({ ...required, AMQP_URL: bad })).toThrow(/amqpUrl/);
      expect(() => loadConfig({ ...required, AMQP_URL: bad })).not.toThrow(/hemmelig/);
    }
  });
});

describe('POSTBUD_TRUST_PROXY', () => {
  it('trusts no proxy by default, and takes addresses, ranges and express’s names', () => {
    expect(loadConfig(required).trustProxy).toEqual([]);
    expect(
      loadConfig({ ...required, POSTBUD_TRUST_PROXY: '10.0.0.5, 172.16.0.0/12,uniquelocal,::1' }).trustProxy,
    ).toEqual(['10.0.0.5', '172.16.0.0/12', 'uniquelocal', '::1']);
  });

  it('refuses anything else, such as a host name or "true"', () => {
    for (const bad of ['true', 'lb.example.org', '10.0.0.0/8 uniquelocal'])
      expect(() => loadConfig({ ...required, POSTBUD_TRUST_PROXY: bad })).toThrow(/trustProxy/);
  });
});
