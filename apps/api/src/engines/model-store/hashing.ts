/**
 * Hashing for verification: a pass-through stream that hashes (sha256) and counts what flows into
 * a file, so a download is verified without reading it twice, and whole-file sha256 / git-blob sha1
 * (the hub's ETag of a small non-LFS file) for files already on disk.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

export class HashMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash;
  constructor(
    private readonly onBytes: (n: number) => void = () => {},
    seed?: { hash: Hash; bytes: number },
  ) {
    super();
    this.hash = seed?.hash ?? createHash('sha256');
    this.bytes = seed?.bytes ?? 0;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    cb(null, chunk);
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

/** Feed a file into a hash. */
export async function hashInto(hash: Hash, path: string): Promise<Hash> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

export async function sha256File(path: string): Promise<string> {
  return (await hashInto(createHash('sha256'), path)).digest('hex');
}

export async function gitBlobSha1(path: string, size: number): Promise<string> {
  return (await hashInto(createHash('sha1').update(`blob ${size}\0`), path)).digest('hex');
}
