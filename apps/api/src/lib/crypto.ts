/**
 * Small cryptographic helpers: AES-256-GCM field encryption with key ids (rotation), opaque random
 * tokens, SHA-256 token hashes, HKDF sub-keys and constant-time comparison.
 *
 * A field envelope is one string: `e1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts). The value
 * inside is JSON, so any JSON-plain value (string, number, list, object) can be a field. Each
 * envelope is bound to where it belongs by AES-GCM associated data (e.g. `medical_cards:<userId>:
 * allergies`): an envelope copied into another record or field fails to decrypt instead of being
 * read as someone else's data.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'e1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^e1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export class DecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecryptionError';
  }
}

export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && ENVELOPE.test(value);
}

/** Encrypts with the first key; decrypts with whichever key the envelope names. */
export class FieldCipher {
  private readonly current: EncryptionKey;
  private readonly byId: Map<string, Buffer>;

  constructor(keys: readonly EncryptionKey[]) {
    const first = keys[0];
    if (!first) throw new Error('FieldCipher needs at least one key');
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`encryption key ${k.id} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new Error(`encryption key id ${k.id} is not valid`);
    }
    this.current = first;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** Id of the key new envelopes are written with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(value: unknown, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const plain = Buffer.from(JSON.stringify(value ?? null), 'utf8');
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.current.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  decrypt(envelope: string, aad: string): unknown {
    const m = ENVELOPE.exec(envelope);
    if (!m) throw new DecryptionError('not an encrypted field envelope');
    const [, keyId, ivB64, sealedB64] = m as unknown as [string, string, string, string];
    const key = this.byId.get(keyId);
    if (!key) throw new DecryptionError(`no encryption key with id ${keyId} is configured`);
    const sealed = Buffer.from(sealedB64, 'base64url');
    if (sealed.length < TAG_BYTES) throw new DecryptionError('envelope is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch (err) {
      throw new DecryptionError('field failed authentication (wrong key, record or field)', { cause: err });
    }
  }

  /** The key id an envelope was written with (to find records that still need re-encryption). */
  static keyIdOf(envelope: string): string | null {
    return ENVELOPE.exec(envelope)?.[1] ?? null;
  }
}

/** An opaque random token, 256 bits, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Lower-case hex SHA-256 (for storing tokens by hash). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A 32-byte sub-key for one purpose, derived from a master secret (HKDF-SHA256). */
export function deriveKey(secret: string | Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `medichat:${purpose}`, 32));
}

/** Constant-time string comparison (lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
