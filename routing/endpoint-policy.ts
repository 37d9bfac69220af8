import { isIP } from 'node:net';

/**
 * Where Postbud may deliver: a mailbox endpoint is a URL the adapters will POST patient data to,
 * so an endpoint is a server-side request an admin (or an import file) chooses. Without an
 * allow-list only public hosts over https are taken; with one, only its hosts (exact, or
 * `*.suffix`), which is also how a private or local receiving system is admitted on purpose.
 */
export interface EndpointPolicy {
  allowedHosts: readonly string[];
  /** Plain http, for development only. */
  allowHttp: boolean;
}

const metadataHosts = new Set(['metadata', 'metadata.google.internal', 'metadata.azure.internal', 'instance-data']);

/** An IPv4 address, also when written as IPv4-mapped IPv6 (`::ffff:7f00:1`, as the URL parser writes it). */
function ipv4Octets(address: string): number[] | undefined {
  if (isIP(address) === 4) return address.split('.').map(Number);
  const dotted = /^::ffff:([0-9.]+)$/i.exec(address)?.[1];
  if (dotted && isIP(dotted) === 4) return dotted.split('.').map(Number);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [high, low] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

/** Loopback, private, link-local (cloud metadata lives there), carrier-grade NAT, unspecified, multicast. */
function isInternalAddress(address: string): boolean {
  const v4 = ipv4Octets(address);
  if (v4) {
    const [a = 0, b = 0] = v4;
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6);
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern,
  );
}

/**
 * Why `url` may not be a mailbox endpoint, or undefined when it may. The WHATWG URL parser
 * has already turned every numeric IPv4 form (decimal, octal, hex, short) into dotted quads.
 */
export function endpointRefusal(url: string, policy: EndpointPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp))
    return policy.allowHttp ? 'must be an http(s) URL' : 'must be an https URL';
  if (parsed.username !== '' || parsed.password !== '')
    return 'must not carry credentials (give the receiving system its own key)';
  if (parsed.hash !== '') return 'must not carry a fragment';
  const host = parsed.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (policy.allowedHosts.length > 0)
    return hostAllowed(host, policy.allowedHosts) ? undefined : 'is not on the endpoint allow-list';
  if (host === 'localhost' || host.endsWith('.localhost') || metadataHosts.has(host))
    return 'must not name this machine or a metadata service';
  if (isIP(host) !== 0 && isInternalAddress(host))
    return 'must not be a loopback, private, link-local or otherwise internal address';
  return undefined;
}
