/**
 * The blob store port: opaque binary objects (avatars, voice messages) by key. Engines: local disk
 * under DATA_DIR (default, `BLOB_URL=file://…`) and any S3-compatible store (`BLOB_URL=s3://bucket/
 * prefix`, AWS SDK v3; see docs/blobs.md). Health-data blobs go through `SealedBlobStore`
 * (encrypted in-process before any engine sees them).
 *
 * Keys are paths of lower-case letters, digits and `_ . -` segments joined by `/`
 * (e.g. `avatars/<userId>/<key>.webp`); never `..`, never absolute. Writes are atomic: a reader sees
 * the old object or the new one, never half of one.
 */
import type { Readable } from 'node:stream';

export interface BlobObject {
  data: Buffer;
  contentType: string;
  size: number;
}

export interface BlobStream {
  stream: Readable;
  contentType: string;
  size: number;
}

export interface BlobPutOptions {
  contentType: string;
  /** Byte length of a streamed body, when known (S3 sends it as Content-Length). */
  contentLength?: number;
}

export interface BlobStore {
  readonly kind: 'local' | 's3' | 'sealed';
  /** Stores `data` (bytes or a stream) under `key`, replacing what was there. */
  put(key: string, data: Buffer | Readable, options: BlobPutOptions): Promise<void>;
  /** The object, or null when there is none under `key`. */
  get(key: string): Promise<BlobObject | null>;
  /** The object as a stream (for large ones), or null when there is none under `key`. */
  getStream(key: string): Promise<BlobStream | null>;
  /** Every key under `prefix` (all keys when omitted), with its size, in no promised order. */
  list(prefix?: string): AsyncIterable<{ key: string; size: number }>;
  /** Returns whether something was deleted. */
  delete(key: string): Promise<boolean>;
  /** A time-limited URL anyone can GET the object from, where the engine can make one (S3); else undefined. */
  presignGet?(key: string, ttlSeconds: number): Promise<string>;
  /** Releases connections (S3 client sockets). */
  close?(): Promise<void>;
}

/** Reads a stream to one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
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
