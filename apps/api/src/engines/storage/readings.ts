/**
 * The readings store: wearable and device readings (heart rate, blood pressure, …), one port and two
 * engines. Readings are not documents like the rest of storage: they come in batches of hundreds,
 * are queried by time range and downsampled, and never updated. So they get their own narrow port
 * instead of the generic `Collection` (whose one-document-at-a-time JSON rows would cost a JSON
 * encode per reading and a full scan to aggregate):
 *
 * - SQLite: a `readings` table `WITHOUT ROWID` whose primary key (owner, type, start, source) is at
 *   once the idempotency key (the same source, type and time never duplicates) and the index of the
 *   range query (owner, type, start…); a batch is one transaction of `INSERT … ON CONFLICT DO NOTHING`;
 *   downsampling is one `GROUP BY` over the key range.
 * - MongoDB: a plain collection whose `_id` is the same key (so a duplicate is a duplicate-key error,
 *   skipped), with an index on (o, k, t) for range queries and (o, s) for deleting a source. Not a
 *   time-series collection: those enforce no unique key at all (not even `_id`), and idempotency
 *   needs one; FerretDB has no time-series collections either. Downsampling reads the range sorted
 *   by the index and buckets it in process (`bucketize`), the same arithmetic as SQLite's.
 *
 * Contract (checked on both engines by storage.contract.test.ts): a batch is stored whole or not at
 * all (a failure part-way removes what it wrote); duplicates of stored readings (or within the
 * batch) are skipped and counted; `list` pages by (start, type, source) ascending strictly after the
 * cursor; `buckets` gives min/mean/max (and of `value2`) per bucket of `bucketMs` from `from`.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Db, MongoBulkWriteError } from 'mongodb';
import type { MongoEngine } from './mongodb.js';
import type { SqliteEngine } from './sqlite.js';
import type { StorageEngine } from './port.js';
import { StorageQueryError } from './query.js';

export interface ReadingRow {
  owner: string;
  /** Reading type id (`heart_rate`, `blood_pressure`, …), validated by the sensors module. */
  type: string;
  /** Where it came from: an app or import id (`apple-health`, `manual`, …). */
  source: string;
  /** Epoch ms: the time of the reading, or the start of its interval. */
  start: number;
  /** Epoch ms: the end of an interval reading (steps, sleep), else null. */
  end: number | null;
  /** In the type's canonical unit. */
  value: number;
  /** Second component (diastolic of a blood pressure), else null. */
  value2: number | null;
  device: string | null;
}

export interface ReadingCursor {
  start: number;
  type: string;
  source: string;
}

export interface ReadingRange {
  owner: string;
  type?: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface Bucket {
  /** Epoch ms at which the bucket starts (`from + k * bucketMs`). */
  start: number;
  count: number;
  min: number;
  mean: number;
  max: number;
  min2: number | null;
  mean2: number | null;
  max2: number | null;
}

export interface ReadingStore {
  insertBatch(rows: readonly ReadingRow[]): Promise<{ inserted: number; duplicates: number }>;
  list(range: ReadingRange & { after?: ReadingCursor; limit: number }): Promise<ReadingRow[]>;
  buckets(
    range: ReadingRange & { type: string; bucketMs: number; afterBucket?: number; limit: number },
  ): Promise<Bucket[]>;
  deleteSource(owner: string, source: string): Promise<number>;
  /** The owner's sources, by name, with how many readings each and their time span. */
  sources(owner: string): Promise<SourceSummary[]>;
}

export interface SourceSummary {
  source: string;
  count: number;
  /** Epoch ms of the earliest and latest reading start. */
  first: number;
  last: number;
}

export function openReadingStore(engine: StorageEngine): ReadingStore {
  return engine.kind === 'sqlite'
    ? new SqliteReadingStore(engine as SqliteEngine)
    : new MongoReadingStore((engine as MongoEngine).db);
}

/** Min/mean/max per bucket of rows sorted by start (MongoDB's downsampling, and the reference). */
export function bucketize(
  rows: Iterable<{ start: number; value: number; value2: number | null }>,
  from: number,
  bucketMs: number,
): Bucket[] {
  const out: Bucket[] = [];
  let cur: (Bucket & { sum: number; sum2: number; n2: number }) | null = null;
  for (const r of rows) {
    const start = from + Math.floor((r.start - from) / bucketMs) * bucketMs;
    if (!cur || cur.start !== start) {
      if (cur) out.push(finish(cur));
      cur = {
        start,
        count: 0,
        min: r.value,
        mean: 0,
        max: r.value,
        sum: 0,
        min2: null,
        mean2: null,
        max2: null,
        sum2: 0,
        n2: 0,
      };
    }
    cur.count++;
    cur.sum += r.value;
    if (r.value < cur.min) cur.min = r.value;
    if (r.value > cur.max) cur.max = r.value;
    if (r.value2 !== null) {
      cur.n2++;
      cur.sum2 += r.value2;
      cur.min2 = cur.min2 === null ? r.value2 : Math.min(cur.min2, r.value2);
      cur.max2 = cur.max2 === null ? r.value2 : Math.max(cur.max2, r.value2);
    }
  }
  if (cur) out.push(finish(cur));
  return out;
}

/** Rows the store can hold, checked before anything is written (a programming error otherwise). */
function checkRows(rows: readonly ReadingRow[]): void {
  rows.forEach((r, i) => {
    const ok =
      typeof r.owner === 'string' &&
      r.owner !== '' &&
      typeof r.type === 'string' &&
      r.type !== '' &&
      typeof r.source === 'string' &&
      r.source !== '' &&
      Number.isSafeInteger(r.start) &&
      (r.end === null || Number.isSafeInteger(r.end)) &&
      Number.isFinite(r.value) &&
      (r.value2 === null || Number.isFinite(r.value2)) &&
      (r.device === null || typeof r.device === 'string');
    if (!ok) throw new StorageQueryError(`readings: row ${i} is not a storable reading`);
  });
}

function finish(b: Bucket & { sum: number; sum2: number; n2: number }): Bucket {
  return {
    start: b.start,
    count: b.count,
    min: b.min,
    mean: b.sum / b.count,
    max: b.max,
    min2: b.min2,
    mean2: b.n2 ? b.sum2 / b.n2 : null,
    max2: b.max2,
  };
}

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  owner TEXT NOT NULL, type TEXT NOT NULL, start INTEGER NOT NULL, source TEXT NOT NULL,
  "end" INTEGER, value REAL NOT NULL, value2 REAL, device TEXT,
  PRIMARY KEY (owner, type, start, source)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readings_owner_start ON readings (owner, start);
CREATE INDEX IF NOT EXISTS readings_owner_source ON readings (owner, source);
`;

export class SqliteReadingStore implements ReadingStore {
  private db: Database.Database | null = null;
  private statements: ReturnType<SqliteReadingStore['prepare']> | null = null;

  constructor(private readonly engine: SqliteEngine) {}

  private prepare(db: Database.Database) {
    db.exec(SQLITE_SCHEMA);
    const cols = 'owner, type, start, source, "end", value, value2, device';
    return {
      insert: db.prepare(`INSERT INTO readings (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      listTyped: db.prepare(
        `SELECT ${cols} FROM readings WHERE owner = ? AND type = ? AND start >= ? AND start < ?
         AND (start > ? OR (start = ? AND source > ?)) ORDER BY start, source LIMIT ?`,
      ),
      listAll: db.prepare(
        `SELECT ${cols} FROM readings WHERE owner = ? AND start >= ? AND start < ?
         AND (start > ? OR (start = ? AND (type > ? OR (type = ? AND source > ?)))) ORDER BY start, type, source LIMIT ?`,
      ),
      buckets: db
        .prepare(
          `SELECT CAST((start - @from) / @bucket AS INTEGER) AS k, count(*) AS count, min(value) AS min, avg(value) AS mean, max(value) AS max,
             min(value2) AS min2, avg(value2) AS mean2, max(value2) AS max2
           FROM readings WHERE owner = @owner AND type = @type AND start >= @lower AND start < @to
           GROUP BY k ORDER BY k LIMIT @limit`,
        )
        .safeIntegers(false),
      deleteSource: db.prepare('DELETE FROM readings WHERE owner = ? AND source = ?'),
      sources: db.prepare(
        `SELECT source, count(*) AS count, min(start) AS first, max(start) AS last
         FROM readings WHERE owner = ? GROUP BY source ORDER BY source`,
      ),
    };
  }

  /** Prepared on first use against the engine's open handle (re-prepared if it was reopened). */
  private get s() {
    const db = this.engine.database;
    if (db !== this.db || !this.statements) {
      this.statements = this.prepare(db);
      this.db = db;
    }
    return this.statements;
  }

  async insertBatch(rows: readonly ReadingRow[]) {
    checkRows(rows);
    const s = this.s;
    let inserted = 0;
    this.db!.transaction(() => {
      for (const r of rows) {
        inserted += s.insert.run(r.owner, r.type, r.start, r.source, r.end, r.value, r.value2, r.device).changes;
      }
    })();
    return { inserted, duplicates: rows.length - inserted };
  }

  async list(q: ReadingRange & { after?: ReadingCursor; limit: number }): Promise<ReadingRow[]> {
    const a = q.after ?? { start: -Infinity, type: '', source: '' };
    const aStart = Number.isFinite(a.start) ? a.start : Number.MIN_SAFE_INTEGER;
    const rows = q.type
      ? this.s.listTyped.all(q.owner, q.type, q.from, q.to, aStart, aStart, a.source, q.limit)
      : this.s.listAll.all(q.owner, q.from, q.to, aStart, aStart, a.type, a.type, a.source, q.limit);
    return rows as ReadingRow[];
  }

  async buckets(q: ReadingRange & { type: string; bucketMs: number; afterBucket?: number; limit: number }) {
    const lower = q.afterBucket === undefined ? q.from : Math.max(q.from, q.afterBucket + q.bucketMs);
    const rows = this.s.buckets.all({
      owner: q.owner,
      type: q.type,
      from: q.from,
      lower,
      to: q.to,
      bucket: Math.trunc(q.bucketMs),
      limit: q.limit,
    }) as Array<Omit<Bucket, 'start'> & { k: number }>;
    return rows.map(({ k, ...b }) => ({ start: q.from + k * q.bucketMs, ...b }));
  }

  async deleteSource(owner: string, source: string) {
    return this.s.deleteSource.run(owner, source).changes;
  }

  async sources(owner: string): Promise<SourceSummary[]> {
    return this.s.sources.all(owner) as SourceSummary[];
  }
}

interface MongoReading {
  _id: string;
  o: string;
  k: string;
  s: string;
  t: Date;
  e: Date | null;
  v: number;
  v2: number | null;
  d: string | null;
  /** The batch that wrote it: a failed batch removes exactly its own documents. */
  b: string;
}

const keyOf = (r: { owner: string; type: string; start: number; source: string }) =>
  `${r.owner}\u001f${r.type}\u001f${r.start}\u001f${r.source}`;

export class MongoReadingStore implements ReadingStore {
  private ready: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  private get c() {
    return this.db.collection<MongoReading>('readings');
  }

  private async ensure(): Promise<void> {
    this.ready ??= (async () => {
      await this.c.createIndex({ o: 1, k: 1, t: 1, s: 1 }, { name: 'readings_owner_type_start' });
      await this.c.createIndex({ o: 1, t: 1 }, { name: 'readings_owner_start' });
      await this.c.createIndex({ o: 1, s: 1 }, { name: 'readings_owner_source' });
    })().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  async insertBatch(rows: readonly ReadingRow[]) {
    checkRows(rows);
    await this.ensure();
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const batch = randomUUID();
    const docs: MongoReading[] = rows.map((r) => ({
      _id: keyOf(r),
      o: r.owner,
      k: r.type,
      s: r.source,
      t: new Date(r.start),
      e: r.end === null ? null : new Date(r.end),
      v: r.value,
      v2: r.value2,
      d: r.device,
      b: batch,
    }));
    try {
      const res = await this.c.insertMany(docs, { ordered: false });
      return { inserted: res.insertedCount, duplicates: rows.length - res.insertedCount };
    } catch (err) {
      const bulk = err as MongoBulkWriteError;
      const writeErrors = bulk.writeErrors
        ? Array.isArray(bulk.writeErrors)
          ? bulk.writeErrors
          : [bulk.writeErrors]
        : null;
      if (writeErrors && writeErrors.every((w) => w.code === 11000)) {
        const inserted = rows.length - writeErrors.length;
        return { inserted, duplicates: writeErrors.length };
      }
      // All or nothing: remove what this batch wrote (its batch stamp; readings stored before stay).
      await this.c.deleteMany({ _id: { $in: docs.map((d) => d._id) }, b: batch }).catch(() => undefined);
      throw err;
    }
  }

  async list(q: ReadingRange & { after?: ReadingCursor; limit: number }): Promise<ReadingRow[]> {
    await this.ensure();
    const filter: Record<string, unknown> = { o: q.owner, t: { $gte: new Date(q.from), $lt: new Date(q.to) } };
    if (q.type) filter.k = q.type;
    const a = q.after;
    if (a) {
      const at = new Date(a.start);
      filter.$or = q.type
        ? [{ t: { $gt: at } }, { t: at, s: { $gt: a.source } }]
        : [{ t: { $gt: at } }, { t: at, k: { $gt: a.type } }, { t: at, k: a.type, s: { $gt: a.source } }];
    }
    const sort: Record<string, 1> = q.type ? { t: 1, s: 1 } : { t: 1, k: 1, s: 1 };
    const docs = await this.c.find(filter, { sort, limit: q.limit }).toArray();
    return docs.map((d) => ({
      owner: d.o,
      type: d.k,
      source: d.s,
      start: d.t.getTime(),
      end: d.e ? d.e.getTime() : null,
      value: d.v,
      value2: d.v2 ?? null,
      device: d.d ?? null,
    }));
  }

  async buckets(q: ReadingRange & { type: string; bucketMs: number; afterBucket?: number; limit: number }) {
    await this.ensure();
    const lower = q.afterBucket === undefined ? q.from : Math.max(q.from, q.afterBucket + q.bucketMs);
    const cursor = this.c.find(
      { o: q.owner, k: q.type, t: { $gte: new Date(lower), $lt: new Date(q.to) } },
      { sort: { t: 1 }, projection: { _id: 0, t: 1, v: 1, v2: 1 } },
    );
    const out: Bucket[] = [];
    let pending: Array<{ start: number; value: number; value2: number | null }> = [];
    let current: number | null = null;
    // Stream bucket by bucket and stop once `limit` buckets are complete.
    for await (const d of cursor) {
      const start = d.t.getTime();
      const b = q.from + Math.floor((start - q.from) / q.bucketMs) * q.bucketMs;
      if (current !== null && b !== current) {
        out.push(...bucketize(pending, q.from, q.bucketMs));
        pending = [];
        if (out.length >= q.limit) break;
      }
      current = b;
      pending.push({ start, value: d.v, value2: d.v2 ?? null });
    }
    if (out.length < q.limit && pending.length) out.push(...bucketize(pending, q.from, q.bucketMs));
    await cursor.close();
    return out.slice(0, q.limit);
  }

  async deleteSource(owner: string, source: string) {
    await this.ensure();
    return (await this.c.deleteMany({ o: owner, s: source })).deletedCount;
  }

  async sources(owner: string): Promise<SourceSummary[]> {
    await this.ensure();
    // distinct + per source count / first / last: FerretDB has no $min/$max accumulators in $group.
    const names = ((await this.c.distinct('s', { o: owner })) as string[]).sort();
    return Promise.all(
      names.map(async (source) => {
        const filter = { o: owner, s: source };
        const [count, first, last] = await Promise.all([
          this.c.countDocuments(filter),
          this.c.findOne(filter, { sort: { t: 1 }, projection: { t: 1 } }),
          this.c.findOne(filter, { sort: { t: -1 }, projection: { t: 1 } }),
        ]);
        return { source, count, first: first?.t.getTime() ?? 0, last: last?.t.getTime() ?? 0 };
      }),
    );
  }
}
