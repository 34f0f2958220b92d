/**
 * The blob store port: opaque binary objects (avatars, voice messages) by key. Engines: local disk
 * under DATA_DIR (default) and, for deployments, any S3-compatible store (not bundled yet: it
 * needs `@aws-sdk/client-s3`; an engine implementing this interface is all it takes).
 *
 * Keys are paths of lower-case letters, digits and `_ . -` segments joined by `/`
 * (e.g. `avatars/<userId>/<key>.webp`); never `..`, never absolute. Writes are atomic: a reader sees
 * the old object or the new one, never half of one.
 */
export interface BlobObject {
  data: Buffer;
  contentType: string;
  size: number;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  put(key: string, data: Buffer, options: { contentType: string }): Promise<void>;
  /** The object, or null when there is none under `key`. */
  get(key: string): Promise<BlobObject | null>;
  /** Returns whether something was deleted. */
  delete(key: string): Promise<boolean>;
}

const KEY = /^[a-z0-9][a-z0-9_.-]{0,127}(\/[a-z0-9][a-z0-9_.-]{0,127}){0,7}$/i;

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key: ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'InvalidBlobKeyError';
  }
}

export function assertBlobKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((seg) => seg === '.' || seg === '..' || seg.includes('..'))) {
    throw new InvalidBlobKeyError(key);
  }
}
