/** Opens the storage engine chosen by config (MongoDB when MONGODB_URI is set, else SQLite). */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { openStorage, type Storage } from '../../engines/storage/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
  }
}

export default fp(
  async function storage(app: FastifyInstance, opts: { config: Config; storage?: Storage }) {
    const store =
      opts.storage ??
      (await openStorage({
        mongodbUri: opts.config.storage.mongodbUri,
        mongodbDb: opts.config.storage.mongodbDb,
        dataDir: opts.config.dataDir,
        logger: app.log,
      }));
    app.decorate('storage', store);
    // Expired records are swept by the `sweep` job on the queue (plugins/app/queue.ts).
    app.addHook('onClose', async () => {
      // A storage handed in by the caller (tests, CLI) is closed by its owner.
      if (!opts.storage) await store.engine.close();
    });
  },
  { name: 'storage' },
);
