/**
 * Decorates the app with `blobs`, the blob store (avatars), and `sealedBlobs`, the same store
 * behind in-process encryption (health data: voice clips and anything personal).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { openBlobStore } from './index.js';
import type { BlobStore } from './port.js';
import { SealedBlobStore } from './sealed.js';

declare module 'fastify' {
  interface FastifyInstance {
    blobs: BlobStore;
    sealedBlobs: BlobStore;
  }
}

export default fp(
  async function blobStore(app: FastifyInstance, opts: { config: Config; blobs?: BlobStore }) {
    const opened = !opts.blobs;
    const blobs = opts.blobs ?? openBlobStore(opts.config.blob);
    app.decorate('blobs', blobs);
    app.decorate('sealedBlobs', new SealedBlobStore(blobs, opts.config.secrets.encryptionKeys));
    if (opened && blobs.close) app.addHook('onClose', async () => blobs.close?.());
  },
  { name: 'blob-store' },
);
