/**
 * Builds the real app for a test on a fresh DATA_DIR (SQLite) or, with `engine: 'mongodb'`, on the
 * MongoDB server named by MEDICHAT_TEST_MONGODB_URI with a database of its own.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../app.js';
import { loadConfig, type Config } from '../config/config.js';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

export const mongoTestUri = process.env.MEDICHAT_TEST_MONGODB_URI;

export async function createTestApp(
  env: Record<string, string> = {},
  options: { engine?: 'sqlite' | 'mongodb'; deps?: AppDeps } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medichat-app-'));
  const mongo =
    options.engine === 'mongodb'
      ? { MONGODB_URI: mongoTestUri ?? '', MONGODB_DB: `mct_${randomBytes(6).toString('hex')}` }
      : {};
  if (options.engine === 'mongodb' && !mongoTestUri) throw new Error('MEDICHAT_TEST_MONGODB_URI is not set');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.MEDICHAT_TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    WEB_DIST_DIR: join(dataDir, 'no-web'),
    ...mongo,
    ...env,
  });
  const app = await buildApp(config, options.deps);
  return {
    app,
    config,
    dataDir,
    async close() {
      if (options.engine === 'mongodb') {
        // Drop the per-test database so runs leave nothing behind.
        const { MongoClient } = await import('mongodb');
        const client = new MongoClient(mongoTestUri!);
        await app.close();
        await client
          .db(config.storage.mongodbDb)
          .dropDatabase()
          .catch(() => undefined);
        await client.close();
      } else {
        await app.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
