import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from './config.ts';

const ivBytes = 12;
const tagBytes = 16;

/**
 * AES-256-GCM for letter XML and attachment chunks at rest. A stored value is iv ‖ tag ‖
 * ciphertext, and its row names the key id, so keys can be rotated without a flag day.
 */
export interface Vault {
  currentKeyId: string;
  seal(plain: Buffer, associated: string): Buffer;
  open(sealed: Buffer, keyId: string, associated: string): Buffer;
  cprHmac(cpr: string): string;
}

export function createVault(config: Pick<Config, 'dataKeys' | 'cprHmacKey'>): Vault {
  const keys = new Map(config.dataKeys.map(({ id, key }) => [id, Buffer.from(key, 'base64')]));
  const current = config.dataKeys[0];
  if (!current) throw new Error('no data key configured');
  // Without an explicit search key the CPR hash key is derived from the first data key.
  const hmacKey = config.cprHmacKey
    ? Buffer.from(config.cprHmacKey)
    : Buffer.from(hkdfSync('sha256', Buffer.from(current.key, 'base64'), 'postbud', 'cpr-search', 32));
  return {
    currentKeyId: current.id,
    seal(plain, associated) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', keys.get(current.id)!, iv);
      // The associated data binds a ciphertext to its row, so chunks cannot be swapped around.
      cipher.setAAD(Buffer.from(associated));
      const body = cipher.update(plain);
      // GCM is a stream cipher: final() adds no bytes, only the tag. One copy of the body, not two.
      const rest = cipher.final();
      return Buffer.concat([iv, cipher.getAuthTag(), body, rest], ivBytes + tagBytes + body.length + rest.length);
    },
    open(sealed, keyId, associated) {
      const key = keys.get(keyId);
      if (!key) throw new Error(`data key ${keyId} is not configured`);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(associated));
      decipher.setAuthTag(sealed.subarray(ivBytes, ivBytes + tagBytes));
      const plain = decipher.update(sealed.subarray(ivBytes + tagBytes));
      // final() checks the tag and, for GCM, returns no bytes: the plaintext needs no second copy.
      const rest = decipher.final();
      return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
    },
    cprHmac(cpr) {
      return createHmac('sha256', hmacKey).update(cpr.replace('-', '')).digest('hex');
    },
  };
}
