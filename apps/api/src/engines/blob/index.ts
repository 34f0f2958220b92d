/** Opens the blob store config names: local disk (default DATA_DIR/blobs) or S3 (BLOB_URL=s3://…). */
import type { BlobConfig } from '../../config/config.js';
import { LocalBlobStore } from './local.js';
import type { BlobStore } from './port.js';
import { parseS3Url, S3BlobStore } from './s3.js';

export type { BlobObject, BlobPutOptions, BlobStore, BlobStream } from './port.js';
export { InvalidBlobKeyError, readAll } from './port.js';
export { SealedBlobStore } from './sealed.js';
export { LocalBlobStore } from './local.js';
export { S3BlobStore, parseS3Url } from './s3.js';

export function openBlobStore(config: BlobConfig): BlobStore {
  if (config.kind === 'local') return new LocalBlobStore(config.dir);
  const { bucket, prefix } = parseS3Url(config.url);
  return new S3BlobStore({
    bucket,
    prefix,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.sse ? { sse: config.sse } : {}),
  });
}
