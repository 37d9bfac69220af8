import { describe, expect, it } from 'vitest';
import { loggablePath } from './log-path.ts';

describe('request paths in the logs', () => {
  it.each([
    ['/v1/messages/2509479989', '/v1/messages/[number]'],
    ['/v1/audit/events/250947-9989/x', '/v1/audit/events/[number]/x'],
    ['/v1/x/%32%35%30%39%34%37%39%39%38%39', '/v1/x/[number]'],
    ['/v1/x/25%2009%2047%209989', '/v1/x/[number]'],
    ['/v1/x/２５０９４７９９８９', '/v1/x/[number]'],
    ['/v1/messages?cpr=2509479989', '/v1/messages'],
    ['/v1/x/%0Afake%20log%20line', '/v1/x/\\x0afake log line'],
  ])('%s is logged as %s', (url, logged) => {
    expect(loggablePath(url)).toBe(logged);
  });

  it('keeps ids, SOR ids and EANs, and cuts very long paths', () => {
    expect(loggablePath('/v1/directory/mailboxes/441211000016000')).toBe('/v1/directory/mailboxes/441211000016000');
    expect(loggablePath('/v1/messages/6f1f3c7e-2b1a-4c1d-9a55-0d1c2f3e4a5b')).toBe(
      '/v1/messages/6f1f3c7e-2b1a-4c1d-9a55-0d1c2f3e4a5b',
    );
    expect(loggablePath(`/${'a'.repeat(1000)}`)).toHaveLength(301);
  });
});
