/** Vector indexes: the port, SQLite (sqlite-vec) and MongoDB (Atlas Vector Search or exact scan). */
export * from './port.js';
export { SqliteVectorIndex, type SqliteVectorIndexOptions } from './sqlite.js';
export { MongoVectorIndex, type MongoVectorIndexOptions } from './mongodb.js';
