/**
 * SQLite vector index: sqlite-vec's `vec0` virtual table (npm `sqlite-vec`, its prebuilt loadable
 * extension installs from the npm registry as an optional platform package, no compiler needed)
 * with the language as a metadata column, so `WHERE embedding MATCH ? AND k = ? AND language = ?`
 * filters inside the KNN. vec0 0.1.x searches exactly (a brute-force scan in C), which for the
 * knowledge base's hundreds to thousands of entries is well under a millisecond (bench/retrieval).
 *
 * It lives in its own file (`<dataDir>/vectors.sqlite` by default) or in a database handle given
 * (e.g. the app's `SqliteEngine.database`); each index is a `vec_<name>` table plus a row in
 * `vector_indexes` holding its fingerprint and dimensions. `replaceAll` runs in one transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import {
  checkName,
  checkSearch,
  checkVector,
  VectorIndexError,
  type VectorHit,
  type VectorIndex,
  type VectorRecord,
  type VectorSearchOptions,
} from './port.js';

export interface SqliteVectorIndexOptions {
  name: string;
  dimensions: number;
  /** A database handle to use (not closed by `close()`); or */
  database?: Database.Database;
  /** the file to open (default `<dataDir>/vectors.sqlite`). */
  file?: string;
  dataDir?: string;
}

export class SqliteVectorIndex implements VectorIndex {
  readonly kind = 'sqlite' as const;
  readonly method = 'sqlite-vec' as const;
  readonly name: string;
  readonly dimensions: number;
  private db: Database.Database | null = null;
  private readonly owned: boolean;
  private readonly table: string;
  private searchAll!: Database.Statement;
  private searchLang!: Database.Statement;

  constructor(private readonly options: SqliteVectorIndexOptions) {
    this.name = checkName(options.name);
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1 || options.dimensions > 8192) {
      throw new VectorIndexError(`dimensions must be an integer from 1 to 8192, got ${options.dimensions}`);
    }
    this.dimensions = options.dimensions;
    this.owned = !options.database;
    this.table = `vec_${this.name}`;
  }

  async open(): Promise<void> {
    if (this.db) return;
    let db = this.options.database;
    if (!db) {
      const file = this.options.file ?? join(this.options.dataDir ?? '.', 'vectors.sqlite');
      mkdirSync(dirname(file), { recursive: true });
      db = new Database(file, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
    }
    try {
      sqliteVec.load(db);
    } catch (err) {
      if (this.owned) db.close();
      throw new VectorIndexError(`cannot load the sqlite-vec extension: ${(err as Error).message}`, { cause: err });
    }
    db.exec(`CREATE TABLE IF NOT EXISTS vector_indexes (
      name TEXT PRIMARY KEY,
      dimensions INTEGER NOT NULL,
      fingerprint TEXT,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    const meta = db.prepare('SELECT dimensions FROM vector_indexes WHERE name = ?').get(this.name) as
      { dimensions: number } | undefined;
    if (meta && meta.dimensions !== this.dimensions) {
      // Another model: the old vectors are useless; start over.
      db.exec(`DROP TABLE IF EXISTS "${this.table}"`);
      db.prepare('DELETE FROM vector_indexes WHERE name = ?').run(this.name);
    }
    db.exec(
      `CREATE VIRTUAL TABLE IF NOT EXISTS "${this.table}" USING vec0(id TEXT PRIMARY KEY, language TEXT, embedding float[${this.dimensions}] distance_metric=cosine)`,
    );
    db.prepare(
      'INSERT OR IGNORE INTO vector_indexes (name, dimensions, fingerprint, updated_at) VALUES (?, ?, NULL, ?)',
    ).run(this.name, this.dimensions, Date.now());
    this.searchAll = db.prepare(`SELECT id, distance FROM "${this.table}" WHERE embedding MATCH ? AND k = ?`);
    this.searchLang = db.prepare(
      `SELECT id, distance FROM "${this.table}" WHERE embedding MATCH ? AND k = ? AND language = ?`,
    );
    this.db = db;
  }

  private get database(): Database.Database {
    if (!this.db) throw new VectorIndexError(`vector index ${this.name} is not open`);
    return this.db;
  }

  async fingerprint(): Promise<string | null> {
    const row = this.database.prepare('SELECT fingerprint FROM vector_indexes WHERE name = ?').get(this.name) as
      { fingerprint: string | null } | undefined;
    return row?.fingerprint ?? null;
  }

  async replaceAll(records: readonly VectorRecord[], fingerprint: string): Promise<void> {
    const ids = new Set<string>();
    for (const r of records) {
      checkVector(r.vector, this.dimensions, `record ${r.id}`);
      if (ids.has(r.id)) throw new VectorIndexError(`duplicate record id ${JSON.stringify(r.id)}`);
      ids.add(r.id);
    }
    const db = this.database;
    const insert = db.prepare(`INSERT INTO "${this.table}" (id, language, embedding) VALUES (?, ?, ?)`);
    db.transaction(() => {
      db.exec(`DELETE FROM "${this.table}"`);
      for (const r of records) insert.run(r.id, r.language, r.vector);
      db.prepare('UPDATE vector_indexes SET fingerprint = ?, updated_at = ? WHERE name = ?').run(
        fingerprint,
        Date.now(),
        this.name,
      );
    })();
  }

  async search(query: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    checkSearch(options);
    checkVector(query, this.dimensions, 'query');
    if (!this.db) throw new VectorIndexError(`vector index ${this.name} is not open`);
    const rows = (
      options.language === undefined
        ? this.searchAll.all(query, options.k)
        : this.searchLang.all(query, options.k, options.language)
    ) as Array<{ id: string; distance: number }>;
    const hits: VectorHit[] = [];
    for (const r of rows) {
      const score = 1 - r.distance;
      if (options.minScore !== undefined && score < options.minScore) continue;
      hits.push({ id: r.id, score });
    }
    return hits;
  }

  async count(): Promise<number> {
    return (this.database.prepare(`SELECT count(*) AS n FROM "${this.table}"`).get() as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.db && this.owned) this.db.close();
    this.db = null;
  }
}
