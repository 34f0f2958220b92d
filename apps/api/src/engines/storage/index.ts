/**
 * Storage entry point: pick the engine (MongoDB when a URI is configured, else SQLite under the data
 * directory) and open the typed collections every feature module uses.
 *
 *   const storage = await openStorage({ mongodbUri, mongodbDb, dataDir, logger });
 *   await storage.users.get(id);
 *   await storage.close();
 */
import {
  allCollections,
  auditLog,
  chats,
  medicalCards,
  messages,
  models,
  sessions,
  users,
  type AuditDoc,
  type ChatDoc,
  type MedicalCardDoc,
  type MessageDoc,
  type ModelDoc,
  type SessionDoc,
  type UserDoc,
  newsItems,
  newsFeeds,
  type NewsItemDoc,
  type NewsFeedDoc,
} from './collections.js';
import { MongoEngine } from './mongodb.js';
import type { Collection, StorageEngine } from './port.js';
import type { StorageLogger } from './query.js';
import { SqliteEngine } from './sqlite.js';
import { openReadingStore, type ReadingStore } from './readings.js';

export * from './port.js';
export * from './errors.js';
export { StorageQueryError, silentLogger, type StorageLogger } from './query.js';
export { SqliteEngine, type SqliteEngineOptions } from './sqlite.js';
export { MongoEngine, type MongoEngineOptions } from './mongodb.js';
export { startSweeper, type SweeperOptions } from './sweeper.js';
export * from './readings.js';

export interface StorageOptions {
  /** `mongodb://` or `mongodb+srv://` URI. Absent or empty: SQLite. */
  mongodbUri?: string;
  /** MongoDB database name (default: the URI's, else `medichat`). */
  mongodbDb?: string;
  /** Directory of the SQLite file (`medichat.sqlite`). */
  dataDir: string;
  logger?: StorageLogger;
}

export function createStorageEngine(options: StorageOptions): StorageEngine {
  if (options.mongodbUri) {
    return new MongoEngine({
      uri: options.mongodbUri,
      dbName: options.mongodbDb,
      logger: options.logger,
      collections: allCollections,
    });
  }
  return new SqliteEngine({ dataDir: options.dataDir, logger: options.logger, collections: allCollections });
}

export interface Storage {
  engine: StorageEngine;
  users: Collection<UserDoc>;
  medicalCards: Collection<MedicalCardDoc>;
  chats: Collection<ChatDoc>;
  messages: Collection<MessageDoc>;
  sessions: Collection<SessionDoc>;
  models: Collection<ModelDoc>;
  auditLog: Collection<AuditDoc>;
  /** Wearable/device readings: a narrow port of its own (readings.ts). */
  readings: ReadingStore;
  newsItems: Collection<NewsItemDoc>;
  newsFeeds: Collection<NewsFeedDoc>;
  close(): Promise<void>;
}

/** Open an engine (given, or created from options) and return the typed collections. */
export async function openStorage(source: StorageEngine | StorageOptions): Promise<Storage> {
  const engine = 'open' in source ? source : createStorageEngine(source);
  await engine.open();
  return {
    engine,
    users: engine.collection(users),
    medicalCards: engine.collection(medicalCards),
    chats: engine.collection(chats),
    messages: engine.collection(messages),
    sessions: engine.collection(sessions),
    models: engine.collection(models),
    auditLog: engine.collection(auditLog),
    readings: openReadingStore(engine),
    newsItems: engine.collection(newsItems),
    newsFeeds: engine.collection(newsFeeds),
    close: () => engine.close(),
  };
}
