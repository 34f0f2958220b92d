/**
 * S3-compatible blob store (AWS S3, Cloudflare R2, MinIO, Backblaze B2, …) over the official AWS
 * SDK v3. One object per key under `<prefix>/<key>`; its content type and length are the object's
 * own headers. Uploads stream through `@aws-sdk/lib-storage` (multipart above 5 MiB, so an unknown
 * length never has to be buffered); downloads stream the response body. S3 PUTs are atomic per
 * object, which is the port's promise. `sse` asks the server to encrypt at rest (AES256 or aws:kms);
 * health data is encrypted by us before it gets here either way (SealedBlobStore).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import {
  assertBlobKey,
  readAll,
  type BlobObject,
  type BlobPutOptions,
  type BlobStore,
  type BlobStream,
} from './port.js';

export interface S3BlobOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ('' = the bucket's root). */
  prefix: string;
  /** Custom endpoint (MinIO, R2, moto, …); unset = AWS for `region`. */
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Path-style URLs (`endpoint/bucket/key`), which most non-AWS servers need. */
  forcePathStyle: boolean;
  sse?: { mode: 'AES256' | 'aws:kms'; kmsKeyId?: string };
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof NoSuchKey ||
    err instanceof NotFound ||
    (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)
  );
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly sse?: S3BlobOptions['sse'];

  constructor(options: S3BlobOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
    this.sse = options.sse;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      forcePathStyle: options.forcePathStyle,
    });
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }

  private sseParams(): { ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string } {
    if (!this.sse) return {};
    return {
      ServerSideEncryption: this.sse.mode,
      ...(this.sse.kmsKeyId ? { SSEKMSKeyId: this.sse.kmsKeyId } : {}),
    };
  }

  async put(key: string, data: Buffer | Readable, options: BlobPutOptions): Promise<void> {
    const Key = this.objectKey(key);
    if (Buffer.isBuffer(data)) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key,
          Body: data,
          ContentType: options.contentType,
          ContentLength: data.length,
          ...this.sseParams(),
        }),
      );
      return;
    }
    await new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key,
        Body: data,
        ContentType: options.contentType,
        ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}),
        ...this.sseParams(),
      },
    }).done();
  }

  async getStream(key: string): Promise<BlobStream | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      const body = res.Body;
      if (!(body instanceof Readable)) throw new Error('S3 response body is not a Node stream');
      return {
        stream: body,
        contentType: res.ContentType ?? 'application/octet-stream',
        size: res.ContentLength ?? 0,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async get(key: string): Promise<BlobObject | null> {
    const got = await this.getStream(key);
    if (!got) return null;
    const data = await readAll(got.stream);
    return { data, contentType: got.contentType, size: data.length };
  }

  async *list(prefix = ''): AsyncIterable<{ key: string; size: number }> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix + prefix });
    for await (const page of pages) {
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0 };
      }
    }
  }

  async delete(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    // DeleteObject succeeds whether or not the key existed; HEAD first tells which.
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    return true;
  }

  async presignGet(key: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), {
      expiresIn: ttlSeconds,
    });
  }

  /** The object's server-side-encryption header as S3 reports it (for tests and `blobs` diagnostics). */
  async serverSideEncryptionOf(key: string): Promise<string | undefined> {
    const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    return res.ServerSideEncryption;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** Parses `s3://bucket/prefix` (prefix optional). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`not an s3://bucket/prefix URL: ${url}`);
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}
