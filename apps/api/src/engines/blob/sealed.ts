/**
 * A blob store that encrypts before anything leaves the process: wraps any engine (local disk or
 * S3) and stores AES-256-GCM ciphertext, keyed by the same key ring as the medical card's fields
 * (ENCRYPTION_KEYS / DATA_DIR/secrets.json; first key writes, any listed key reads, so keys rotate).
 * For blobs that hold health data (voice clips, anything personal); avatars stay in the plain store.
 *
 * Object layout: `MCB1` | keyId length (1 byte) | keyId | IV (12) | ciphertext | tag (16). The
 * plaintext is content-type length (2 bytes, BE) | content type | bytes, so the engine (and its
 * operator) sees neither the type nor the data; it is stored as application/octet-stream. The AAD
 * is `blob:<key>`: an object copied under another key fails to open instead of passing as someone
 * else's. GCM authenticates only at the end, so a sealed blob is opened whole (getStream buffers)
 * and put buffers a stream first: fine for what goes here (clips of seconds, capped by their routes).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EncryptionKey } from '../../lib/crypto.js';
import { DecryptionError } from '../../lib/crypto.js';
import { readAll, type BlobObject, type BlobPutOptions, type BlobStore, type BlobStream } from './port.js';

const MAGIC = Buffer.from('MCB1');
const IV = 12;
const TAG = 16;

export class SealedBlobStore implements BlobStore {
  readonly kind = 'sealed' as const;
  private readonly current: EncryptionKey;
  private readonly byId: Map<string, Buffer>;

  constructor(
    readonly inner: BlobStore,
    keys: readonly EncryptionKey[],
  ) {
    const first = keys[0];
    if (!first) throw new Error('SealedBlobStore needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`encryption key ${k.id} must be 32 bytes`);
    this.current = first;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  seal(key: string, data: Buffer, contentType: string): Buffer {
    const id = Buffer.from(this.current.id, 'utf8');
    const type = Buffer.from(contentType, 'utf8');
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG });
    cipher.setAAD(Buffer.from(`blob:${key}`, 'utf8'));
    const head = Buffer.alloc(2);
    head.writeUInt16BE(type.length);
    const body = Buffer.concat([cipher.update(head), cipher.update(type), cipher.update(data), cipher.final()]);
    return Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, body, cipher.getAuthTag()]);
  }

  open(key: string, sealed: Buffer): { data: Buffer; contentType: string } {
    if (sealed.length < MAGIC.length + 1 + IV + TAG || !sealed.subarray(0, 4).equals(MAGIC)) {
      throw new DecryptionError(`blob ${key} is not sealed`);
    }
    const idLen = sealed[4]!;
    const keyId = sealed.subarray(5, 5 + idLen).toString('utf8');
    const secret = this.byId.get(keyId);
    if (!secret) throw new DecryptionError(`no encryption key with id ${keyId} is configured`);
    const ivStart = 5 + idLen;
    const iv = sealed.subarray(ivStart, ivStart + IV);
    const tag = sealed.subarray(sealed.length - TAG);
    try {
      const decipher = createDecipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG });
      decipher.setAAD(Buffer.from(`blob:${key}`, 'utf8'));
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(ivStart + IV, sealed.length - TAG)),
        decipher.final(),
      ]);
      const typeLen = plain.readUInt16BE(0);
      return { contentType: plain.subarray(2, 2 + typeLen).toString('utf8'), data: plain.subarray(2 + typeLen) };
    } catch (err) {
      throw new DecryptionError(`blob ${key} cannot be opened (wrong key, moved or altered)`, { cause: err });
    }
  }

  async put(key: string, data: Buffer | Readable, options: BlobPutOptions): Promise<void> {
    const plain = Buffer.isBuffer(data) ? data : await readAll(data);
    await this.inner.put(key, this.seal(key, plain, options.contentType), { contentType: 'application/octet-stream' });
  }

  async get(key: string): Promise<BlobObject | null> {
    const got = await this.inner.get(key);
    if (!got) return null;
    const { data, contentType } = this.open(key, got.data);
    return { data, contentType, size: data.length };
  }

  async getStream(key: string): Promise<BlobStream | null> {
    const got = await this.get(key);
    return got ? { stream: Readable.from([got.data]), contentType: got.contentType, size: got.size } : null;
  }

  list(prefix?: string): AsyncIterable<{ key: string; size: number }> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<boolean> {
    return this.inner.delete(key);
  }
}
