/** Decorates the app with `blobs`, the blob store (avatars, and voice messages later). */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { openBlobStore } from './index.js';
import type { BlobStore } from './port.js';

declare module 'fastify' {
  interface FastifyInstance {
    blobs: BlobStore;
  }
}

export default fp(
  async function blobStore(app: FastifyInstance, opts: { config: Config; blobs?: BlobStore }) {
    app.decorate('blobs', opts.blobs ?? openBlobStore({ dataDir: opts.config.dataDir }));
  },
  { name: 'blob-store' },
);
