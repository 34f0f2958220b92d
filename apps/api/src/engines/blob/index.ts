/** Opens the blob store config names (local disk under DATA_DIR/blobs; S3 not bundled yet). */
import { join } from 'node:path';
import { LocalBlobStore } from './local.js';
import type { BlobStore } from './port.js';

export type { BlobObject, BlobStore } from './port.js';

export function openBlobStore(options: { dataDir: string }): BlobStore {
  return new LocalBlobStore(join(options.dataDir, 'blobs'));
}
