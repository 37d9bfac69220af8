import { describe, expect, it } from 'vitest';
import { endpointRefusal } from './endpoint-policy.ts';

const open = { allowedHosts: [], allowHttp: false };
const listed = { allowedHosts: ['*.sundhed.dk', 'nexus.aarhus.dk', '10.1.2.3'], allowHttp: false };

describe('mailbox endpoints', () => {
  it.each(['https://epj.rm.dk/medcom/in', 'https://modtag.example.org:8443/letters'])(
    'takes a public https endpoint: %s',
    (url) => {
      expect(endpointRefusal(url, open)).toBeUndefined();
    },
  );

  it.each([
    ['http://epj.rm.dk/in', /https/],
    ['https://user:secret@epj.rm.dk/in', /credentials/],
    ['https://localhost:3000/v1/messages', /this machine/],
    ['https://127.0.0.1/', /internal/],
    ['https://2130706433/', /internal/], // 127.0.0.1 in decimal
    ['https://0x7f.1/', /internal/], // and in hex, short
    ['https://0177.0.0.1/', /internal/], // and in octal
    ['https://169.254.169.254/latest/meta-data/', /internal/],
    ['https://metadata.google.internal/computeMetadata/v1/', /metadata/],
    ['https://10.0.0.5/', /internal/],
    ['https://172.20.1.1/', /internal/],
    ['https://192.168.1.10/', /internal/],
    ['https://100.64.0.1/', /internal/],
    ['https://[::1]/', /internal/],
    ['https://[::ffff:127.0.0.1]/', /internal/],
    ['https://[fd00::1]/', /internal/],
    ['https://[fe80::1]/', /internal/],
    ['https://0.0.0.0/', /internal/],
    ['ftp://epj.rm.dk/', /https/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, why) => {
    expect(endpointRefusal(url, open)).toMatch(why);
  });

  it('with an allow-list takes only its hosts, a private one included when it is listed', () => {
    expect(endpointRefusal('https://epj.sundhed.dk/in', listed)).toBeUndefined();
    expect(endpointRefusal('https://nexus.aarhus.dk/in', listed)).toBeUndefined();
    expect(endpointRefusal('https://10.1.2.3/in', listed)).toBeUndefined();
    expect(endpointRefusal('https://sundhed.dk.evil.example/in', listed)).toMatch(/allow-list/);
    expect(endpointRefusal('https://evilsundhed.dk/in', listed)).toMatch(/allow-list/);
    expect(endpointRefusal('https://10.1.2.4/in', listed)).toMatch(/allow-list/);
  });

  it('takes plain http only in development', () => {
    expect(
      endpointRefusal('http://127.0.0.1:9000/in', { allowedHosts: ['127.0.0.1'], allowHttp: true }),
    ).toBeUndefined();
    expect(endpointRefusal('http://127.0.0.1:9000/in', { allowedHosts: ['127.0.0.1'], allowHttp: false })).toMatch(
      /https/,
    );
  });
});
