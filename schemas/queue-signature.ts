import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Messages on the broker are signed by who may send them: the gateway's outbox relay signs every
 * LetterQueued, adapters sign every DeliveryReceipt. Anyone else able to publish to the broker
 * can neither send a letter to another endpoint nor forge a delivery outcome. HMAC-SHA256 with a
 * key shared by gateway and adapters; the header names the key id, so keys can be rotated (sign
 * with the first, accept all listed). The kind is part of the MAC, so a receipt's signature is
 * never a valid letter signature.
 */
export const signatureHeader = 'postbud-signature';

export type SignedKind = 'LetterQueued' | 'DeliveryReceipt';

export interface QueueSigningKey {
  id: string;
  /** At least 32 random bytes, base64. */
  key: string;
}

export interface QueueSigner {
  /** The header value for `content` of this kind. */
  sign(kind: SignedKind, content: Buffer): string;
  /** Whether `header` is a valid signature of `content` by one of the keys. */
  verify(kind: SignedKind, content: Buffer, header: unknown): boolean;
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/** `POSTBUD_QUEUE_SIGNING_KEY`: `id:base64key[,id:base64key…]`; the first signs, all verify. */
export function parseQueueSigningKeys(raw: string | undefined): QueueSigningKey[] {
  if (!raw || raw.trim() === '')
    throw new Error('POSTBUD_QUEUE_SIGNING_KEY is required (e.g. "q1:" followed by 32 random bytes in base64)');
  return raw.split(',').map((entry) => {
    const [id, key] = entry.trim().split(':', 2);
    if (!id || !keyIdPattern.test(id) || !key || Buffer.from(key, 'base64').length < 32)
      throw new Error('POSTBUD_QUEUE_SIGNING_KEY entries must be "id:<at least 32 bytes in base64>"');
    return { id, key };
  });
}

export function createQueueSigner(keys: readonly QueueSigningKey[]): QueueSigner {
  if (keys.length === 0) throw new Error('a queue signer needs at least one key');
  const secrets = new Map(keys.map(({ id, key }) => [id, Buffer.from(key, 'base64')]));
  const mac = (secret: Buffer, kind: SignedKind, content: Buffer) =>
    createHmac('sha256', secret).update(kind).update('\n').update(content).digest();
  const [signing] = keys;
  return {
    sign(kind, content) {
      return `${signing!.id}:${mac(secrets.get(signing!.id)!, kind, content).toString('base64url')}`;
    },
    verify(kind, content, header) {
      const value = Buffer.isBuffer(header) ? header.toString('utf8') : header;
      if (typeof value !== 'string') return false;
      const separator = value.indexOf(':');
      const secret = separator > 0 ? secrets.get(value.slice(0, separator)) : undefined;
      if (!secret) return false;
      const given = Buffer.from(value.slice(separator + 1), 'base64url');
      const expected = mac(secret, kind, content);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
