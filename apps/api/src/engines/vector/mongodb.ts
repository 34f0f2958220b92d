/**
 * MongoDB vector index. Records are documents `{ _id, language, vector: number[] }` in
 * `vectors_<name>`, and the fingerprint lives in `vector_indexes`.
 *
 * Search method, chosen at `open()` (or forced with `method`):
 *   - `atlas-vector-search`: the server accepts a `vectorSearch` search index (MongoDB Atlas, or
 *     Community 8.2+ with mongot); queries use `$vectorSearch` with the language as a filter field.
 *     Atlas builds search indexes asynchronously: after `replaceAll` the index can lag for seconds,
 *     so `replaceAll` waits (up to `indexWaitMs`) until the index answers with the new contents.
 *   - `exact-scan`: every other server (FerretDB, used in tests, has no vector search): the vectors
 *     are read once into memory and scanned exactly (`exactScan`), reloaded when `replaceAll` runs
 *     here or when another process changed the fingerprint (checked at most every `refreshMs`).
 * Scores are cosine similarities in both methods (Atlas's `(1 + cos) / 2` is mapped back).
 */
import type { Collection, Db } from 'mongodb';
import {
  checkName,
  checkSearch,
  checkVector,
  exactScan,
  VectorIndexError,
  type VectorHit,
  type VectorIndex,
  type VectorRecord,
  type VectorSearchOptions,
} from './port.js';

export interface MongoVectorIndexOptions {
  name: string;
  dimensions: number;
  /** The database (e.g. the app's `MongoEngine.db`). */
  db: Db;
  /** Default `auto`: Atlas vector search when the server has it, else an exact scan. */
  method?: 'auto' | 'atlas-vector-search' | 'exact-scan';
  /** How stale the in-memory copy may be when another process rebuilt the index. Default 5 s. */
  refreshMs?: number;
  /** How long `replaceAll` waits for an Atlas search index to catch up. Default 60 s. */
  indexWaitMs?: number;
}

interface VectorDoc {
  _id: string;
  language: string;
  vector: number[];
}

interface MetaDoc {
  _id: string;
  dimensions: number;
  fingerprint: string | null;
  updatedAt: Date;
}

export class MongoVectorIndex implements VectorIndex {
  readonly kind = 'mongodb' as const;
  method: 'atlas-vector-search' | 'exact-scan' = 'exact-scan';
  readonly name: string;
  readonly dimensions: number;
  private readonly docs: Collection<VectorDoc>;
  private readonly meta: Collection<MetaDoc>;
  private readonly searchIndexName: string;
  private opened = false;
  private cache: { fingerprint: string | null; records: VectorRecord[]; checkedAt: number } | null = null;

  constructor(private readonly options: MongoVectorIndexOptions) {
    this.name = checkName(options.name);
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1 || options.dimensions > 8192) {
      throw new VectorIndexError(`dimensions must be an integer from 1 to 8192, got ${options.dimensions}`);
    }
    this.dimensions = options.dimensions;
    this.docs = options.db.collection<VectorDoc>(`vectors_${this.name}`);
    this.meta = options.db.collection<MetaDoc>('vector_indexes');
    this.searchIndexName = `vectors_${this.name}_${this.dimensions}`;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    const meta = await this.meta.findOne({ _id: this.name });
    if (meta && meta.dimensions !== this.dimensions) {
      await this.docs.deleteMany({});
      await this.meta.deleteOne({ _id: this.name });
    }
    await this.meta.updateOne(
      { _id: this.name },
      { $setOnInsert: { dimensions: this.dimensions, fingerprint: null, updatedAt: new Date() } },
      { upsert: true },
    );
    const wanted = this.options.method ?? 'auto';
    this.method =
      wanted === 'exact-scan'
        ? 'exact-scan'
        : (await this.ensureSearchIndex(wanted === 'atlas-vector-search'))
          ? 'atlas-vector-search'
          : 'exact-scan';
    this.opened = true;
  }

  /** Create the `vectorSearch` index when missing; false when the server has no search indexes. */
  private async ensureSearchIndex(required: boolean): Promise<boolean> {
    try {
      // The collection must exist before a search index can be listed or created.
      await this.options.db.createCollection(this.docs.collectionName).catch((err: { codeName?: string }) => {
        if (err.codeName !== 'NamespaceExists') throw err;
      });
      const existing = await this.docs.listSearchIndexes(this.searchIndexName).toArray();
      if (existing.length === 0) {
        await this.docs.createSearchIndex({
          name: this.searchIndexName,
          type: 'vectorSearch',
          definition: {
            fields: [
              { type: 'vector', path: 'vector', numDimensions: this.dimensions, similarity: 'cosine' },
              { type: 'filter', path: 'language' },
            ],
          },
        });
      }
      return true;
    } catch (err) {
      if (required)
        throw new VectorIndexError(`the server has no vector search: ${(err as Error).message}`, { cause: err });
      return false;
    }
  }

  private ensureOpen(): void {
    if (!this.opened) throw new VectorIndexError(`vector index ${this.name} is not open`);
  }

  async fingerprint(): Promise<string | null> {
    this.ensureOpen();
    return (await this.meta.findOne({ _id: this.name }))?.fingerprint ?? null;
  }

  async replaceAll(records: readonly VectorRecord[], fingerprint: string): Promise<void> {
    this.ensureOpen();
    const ids = new Set<string>();
    for (const r of records) {
      checkVector(r.vector, this.dimensions, `record ${r.id}`);
      if (ids.has(r.id)) throw new VectorIndexError(`duplicate record id ${JSON.stringify(r.id)}`);
      ids.add(r.id);
    }
    // Upsert every record, then delete the ones no longer present: a reader never sees an empty index.
    if (records.length > 0) {
      await this.docs.bulkWrite(
        records.map((r) => ({
          replaceOne: {
            filter: { _id: r.id },
            replacement: { language: r.language, vector: Array.from(r.vector) },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    await this.docs.deleteMany({ _id: { $nin: [...ids] } });
    await this.meta.updateOne({ _id: this.name }, { $set: { fingerprint, updatedAt: new Date() } });
    this.cache = {
      fingerprint,
      records: records.map((r) => ({ ...r, vector: new Float32Array(r.vector) })),
      checkedAt: Date.now(),
    };
    if (this.method === 'atlas-vector-search' && records.length > 0) await this.waitForSearchIndex(records[0]!);
  }

  private async waitForSearchIndex(probe: VectorRecord): Promise<void> {
    const deadline = Date.now() + (this.options.indexWaitMs ?? 60_000);
    while (Date.now() < deadline) {
      const hits = await this.atlasSearch(probe.vector, { k: 1 }).catch(() => []);
      if (hits[0]?.id === probe.id) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async search(query: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    checkSearch(options);
    checkVector(query, this.dimensions, 'query');
    this.ensureOpen();
    if (this.method === 'atlas-vector-search') return this.atlasSearch(query, options);
    return exactScan(await this.records(), query, options);
  }

  private async atlasSearch(query: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    const rows = await this.docs
      .aggregate<{ _id: string; score: number }>([
        {
          $vectorSearch: {
            index: this.searchIndexName,
            path: 'vector',
            queryVector: Array.from(query),
            numCandidates: Math.min(10_000, Math.max(100, options.k * 20)),
            limit: options.k,
            ...(options.language !== undefined ? { filter: { language: { $eq: options.language } } } : {}),
          },
        },
        { $project: { _id: 1, score: { $meta: 'vectorSearchScore' } } },
      ])
      .toArray();
    return rows
      .map((r) => ({ id: r._id, score: 2 * r.score - 1 }))
      .filter((h) => options.minScore === undefined || h.score >= options.minScore);
  }

  /** The in-memory copy for the exact scan, reloaded when the stored fingerprint changed. */
  private async records(): Promise<VectorRecord[]> {
    const now = Date.now();
    if (this.cache && now - this.cache.checkedAt < (this.options.refreshMs ?? 5000)) return this.cache.records;
    const fp = (await this.meta.findOne({ _id: this.name }))?.fingerprint ?? null;
    if (this.cache && this.cache.fingerprint === fp) {
      this.cache.checkedAt = now;
      return this.cache.records;
    }
    const docs = await this.docs.find({}).toArray();
    const records = docs.map((d) => ({ id: d._id, language: d.language, vector: Float32Array.from(d.vector) }));
    this.cache = { fingerprint: fp, records, checkedAt: now };
    return records;
  }

  async count(): Promise<number> {
    this.ensureOpen();
    return this.docs.countDocuments({});
  }

  async close(): Promise<void> {
    this.opened = false;
    this.cache = null;
  }
}
