/**
 * MongoDB storage engine: the official driver, no ODM. Works against MongoDB (standalone, replica set,
 * Atlas) and MongoDB wire-protocol servers such as FerretDB.
 *
 * - `id` is stored as `_id`.
 * - Indexes are created at open() with the spec's names, idempotently. A unique sparse index becomes a
 *   partial index over documents where every key has a value of its declared type (`$gte` the type's
 *   minimum, which the query planner can match against equality queries), so `null` counts as
 *   "missing" exactly as in SQLite, where NULLs never collide.
 * - TTL: the index on the TTL field gets `expireAfterSeconds: 0`. Reads never rely on it: every read,
 *   update and count also filters `ttl > now` in the query.
 *
 * Servers lacking features (FerretDB 1.x rejects `partialFilterExpression` and `expireAfterSeconds`
 * with NotImplemented, ignores `sparse`, and reports duplicate keys without the index name) are
 * handled by fallbacks that never trigger on real MongoDB:
 * - no partial indexes → `sparse: true`, and `null` values of those index keys are not written
 *   (stored as missing, which every server leaves out of a unique index); a field written as null
 *   then reads back as missing. Filters treat null and missing alike anyway.
 * - no TTL indexes → the index without TTL; the sweeper (`sweepExpired`) reclaims space. Logged once.
 * - a duplicate-key error without an index name → the index is found by probing the unique indexes
 *   with the rejected document's values (error path only).
 */
import {
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type Collection as MongoCollectionHandle,
  type CreateIndexesOptions,
  type Db,
  type Document,
  type Filter as MongoFilter,
  type MongoClientOptions,
  type Sort as MongoSort,
  type UpdateFilter,
} from 'mongodb';
import { allCollections } from './collections.js';
import { ConflictError, PRIMARY_KEY_INDEX, StorageUnavailableError } from './errors.js';
import type {
  Collection,
  CollectionSpec,
  FieldKind,
  Filter,
  FindOptions,
  IndexSpec,
  StorageEngine,
  UpdateSpec,
} from './port.js';
import {
  checkDocument,
  fieldKind,
  isEmptyUpdate,
  normalizeFilter,
  normalizeFind,
  normalizeUpdate,
  silentLogger,
  StorageQueryError,
  type AnySpec,
  type Cond,
  type NormalizedFind,
  type NormalizedUpdate,
  type StorageLogger,
  type Value,
} from './query.js';

export interface MongoEngineOptions {
  uri: string;
  /** Database name. Default: the one in the URI, else `medichat`. */
  dbName?: string;
  /** Collections whose indexes are created at open(). Default: every collection of collections.ts. */
  collections?: readonly AnySpec[];
  logger?: StorageLogger;
  /** Extra driver options (override the defaults below). */
  clientOptions?: MongoClientOptions;
  /**
   * Serialise read-modify-write operations (update, updateMany) per collection inside this process.
   * Default: only on servers whose updates are not atomic (FerretDB 1.x); never needed on MongoDB.
   */
  serializeUpdates?: boolean;
}

type Row = Record<string, unknown>;
type MDoc = Document & { _id: string };

const DEFAULT_CLIENT_OPTIONS: MongoClientOptions = {
  appName: 'medichat',
  serverSelectionTimeoutMS: 5000,
  connectTimeoutMS: 10_000,
  maxPoolSize: 20,
  minPoolSize: 0,
  maxIdleTimeMS: 60_000,
  // `undefined` fields are dropped (as JSON.stringify does in the SQLite engine), never stored as null.
  ignoreUndefined: true,
};

/** Lowest value of each kind in MongoDB's order: `{$gte: min}` matches every value of the kind, never null. */
const TYPE_MINIMUM: Record<FieldKind, Value> = {
  string: '',
  number: -Number.MAX_VALUE,
  boolean: false,
  date: new Date(-8_640_000_000_000_000),
};

const NOT_IMPLEMENTED = 238;
const INDEX_CONFLICT_CODES = new Set([85, 86]); // IndexOptionsConflict, IndexKeySpecsConflict
const DUPLICATE_KEY_CODES = new Set([11000, 11001]);

const path = (field: string) => (field === 'id' ? '_id' : field);

function dbNameFromUri(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

export class MongoEngine implements StorageEngine {
  readonly kind = 'mongodb' as const;
  readonly client: MongoClient;
  readonly db: Db;
  /** Whether the server accepted a TTL / partial index; undefined until one was tried. */
  ttlIndexes: boolean | undefined;
  partialIndexes: boolean | undefined;
  private readonly specs = new Map<string, AnySpec>();
  private readonly collections = new Map<string, MongoCollection<{ id: string }>>();
  private readonly ensuring = new Map<string, Promise<void>>();
  /** What the server said about itself at open(). */
  server: { version?: string; ferretdbVersion?: string } = {};
  /** See MongoEngineOptions.serializeUpdates. */
  serializeUpdates = false;
  private readonly logger: StorageLogger;
  private readonly options: MongoEngineOptions;
  private readonly locks = new Map<string, Promise<unknown>>();
  private opened = false;

  constructor(options: MongoEngineOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.client = new MongoClient(options.uri, { ...DEFAULT_CLIENT_OPTIONS, ...options.clientOptions });
    this.db = this.client.db(options.dbName ?? dbNameFromUri(options.uri) ?? 'medichat');
    for (const spec of options.collections ?? allCollections) this.specs.set(spec.name, spec);
  }

  async open(): Promise<void> {
    if (this.opened) return;
    try {
      await this.client.connect();
      const info = await this.db.admin().command({ buildInfo: 1 });
      this.server = {
        version: typeof info.version === 'string' ? info.version : undefined,
        ferretdbVersion: typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : undefined,
      };
    } catch (err) {
      throw mapMongoError(err, 'MongoDB: cannot connect');
    }
    // FerretDB 1.x applies an update as find, modify in Go, write back, with no isolation
    // (FerretDB issue #2168): concurrent $inc or compare-and-set lose updates. Within this process we
    // serialise them. MongoDB itself is atomic per document and never takes this path.
    const nonAtomic = /^v?1\./.test(this.server.ferretdbVersion ?? '');
    this.serializeUpdates = this.options.serializeUpdates ?? nonAtomic;
    if (nonAtomic && this.serializeUpdates) {
      this.logger.warn(
        { ferretdb: this.server.ferretdbVersion },
        'storage: FerretDB 1.x updates are not atomic; serialising updates in this process (use MongoDB for more than one API instance)',
      );
    }
    await Promise.all([...this.specs.values()].map((spec) => this.ensure(spec)));
    this.opened = true;
  }

  collection<T extends { id: string }>(spec: CollectionSpec<T>): Collection<T> {
    const existing = this.collections.get(spec.name);
    if (existing) return existing as unknown as Collection<T>;
    if (!this.specs.has(spec.name)) {
      this.specs.set(spec.name, spec);
      // Opened already: create its indexes now; its operations wait for that.
      if (this.opened) void this.ensure(spec).catch(() => undefined);
    }
    const c = new MongoCollection<T>(this, this.specs.get(spec.name) as CollectionSpec<T>);
    this.collections.set(spec.name, c as unknown as MongoCollection<{ id: string }>);
    return c;
  }

  async ping(): Promise<void> {
    try {
      await this.db.command({ ping: 1 });
    } catch (err) {
      throw mapMongoError(err, 'MongoDB: ping failed');
    }
  }

  async sweepExpired(now: Date = new Date()): Promise<number> {
    let removed = 0;
    for (const spec of this.specs.values()) {
      if (!spec.ttl) continue;
      try {
        const r = await this.db.collection(spec.name).deleteMany({ [spec.ttl.field]: { $lte: now } });
        removed += r.deletedCount;
      } catch (err) {
        throw mapMongoError(err);
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.client.close();
    this.opened = false;
  }

  /** Run `fn` after every earlier `fn` of the same key (when serializeUpdates), else at once. */
  exclusive<R>(key: string, fn: () => Promise<R>): Promise<R> {
    if (!this.serializeUpdates) return fn();
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return next;
  }

  /** Resolves when the collection's indexes exist (immediately for collections known at open). */
  ready(name: string): Promise<void> | undefined {
    return this.ensuring.get(name);
  }

  /** Create a collection's indexes (once per engine; concurrent callers share the work). */
  ensure(spec: AnySpec): Promise<void> {
    let p = this.ensuring.get(spec.name);
    if (!p) {
      p = this.createIndexes(spec);
      this.ensuring.set(spec.name, p);
      p.catch(() => this.ensuring.delete(spec.name));
    }
    return p;
  }

  private async createIndexes(spec: AnySpec): Promise<void> {
    const coll = this.db.collection(spec.name);
    const ttlField = spec.ttl?.field;
    const indexes: IndexSpec[] = [...spec.indexes];
    if (ttlField && !indexes.some((i) => i.keys.length === 1 && i.keys[0]![0] === ttlField)) {
      indexes.push({ name: `${spec.name}_${ttlField}_ttl`, keys: [[ttlField, 1]], serves: 'TTL' });
    }
    for (const index of indexes) {
      const keys: Record<string, 1 | -1> = {};
      for (const [f, dir] of index.keys) {
        fieldKind(spec, f);
        keys[path(f)] = dir;
      }
      const options: CreateIndexesOptions = { name: index.name };
      if (index.unique) options.unique = true;
      if (index.sparse) {
        if (index.unique && this.partialIndexes !== false) {
          const partial: Document = {};
          for (const [f] of index.keys) partial[path(f)] = { $gte: TYPE_MINIMUM[fieldKind(spec, f)] };
          options.partialFilterExpression = partial;
        } else {
          options.sparse = true;
        }
      }
      if (ttlField && index.keys.length === 1 && index.keys[0]![0] === ttlField && this.ttlIndexes !== false) {
        options.expireAfterSeconds = 0;
      }
      await this.createIndex(spec, coll, keys, options);
    }
  }

  private async createIndex(
    spec: AnySpec,
    coll: MongoCollectionHandle,
    keys: Record<string, 1 | -1>,
    options: CreateIndexesOptions,
    retried = false,
  ): Promise<void> {
    try {
      await coll.createIndex(keys, options);
      if (options.partialFilterExpression) this.partialIndexes = true;
      if (options.expireAfterSeconds !== undefined) this.ttlIndexes = true;
    } catch (err) {
      const code = err instanceof MongoServerError ? err.code : undefined;
      const msg = err instanceof Error ? err.message : '';
      if (code === NOT_IMPLEMENTED && options.expireAfterSeconds !== undefined && /expireAfterSeconds/.test(msg)) {
        if (this.ttlIndexes !== false) {
          this.logger.warn(
            { collection: spec.name, index: options.name },
            'storage: this MongoDB server has no TTL indexes; expired documents are reclaimed by the sweeper (reads filter them regardless)',
          );
        }
        this.ttlIndexes = false;
        const { expireAfterSeconds: _drop, ...rest } = options;
        return this.createIndex(spec, coll, keys, rest, retried);
      }
      if (code === NOT_IMPLEMENTED && options.partialFilterExpression && /partialFilterExpression/.test(msg)) {
        if (this.partialIndexes !== false) {
          this.logger.warn(
            { collection: spec.name, index: options.name },
            'storage: this MongoDB server has no partial indexes; unique sparse indexes fall back to sparse, with null values of their keys stored as missing',
          );
        }
        this.partialIndexes = false;
        const { partialFilterExpression: _drop, ...rest } = options;
        return this.createIndex(spec, coll, keys, { ...rest, sparse: true }, retried);
      }
      if (typeof code === 'number' && INDEX_CONFLICT_CODES.has(code) && !retried) {
        // Same name, other definition: the spec changed. Re-create it.
        this.logger.warn(
          { collection: spec.name, index: options.name },
          'storage: index definition changed; re-creating it',
        );
        await coll.dropIndex(options.name!);
        return this.createIndex(spec, coll, keys, options, true);
      }
      throw mapMongoError(err, `MongoDB: cannot create index ${options.name} on ${spec.name}`);
    }
  }
}

/** Map driver errors: connectivity → StorageUnavailableError; everything else unchanged. */
function mapMongoError(err: unknown, context = 'MongoDB unavailable'): unknown {
  if (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError
  ) {
    return new StorageUnavailableError(`${context}: ${err.message}`, { cause: err });
  }
  return err;
}

function isDuplicateKey(err: unknown): err is MongoServerError {
  if (!(err instanceof MongoServerError)) return false;
  if (typeof err.code === 'number' && DUPLICATE_KEY_CODES.has(err.code)) return true;
  // FerretDB 1.x reports a unique violation inside findAndModify/update as InternalError (code 1)
  // carrying SQLite's (or PostgreSQL's) message.
  return /UNIQUE constraint failed|duplicate key value violates unique constraint/.test(err.message);
}

class MongoCollection<T extends { id: string }> implements Collection<T> {
  readonly name: string;
  private readonly handle: MongoCollectionHandle<MDoc>;
  private readonly ttl: string | undefined;
  /** Keys of unique sparse indexes: null values are stored as missing when partial indexes are unavailable. */
  private readonly sparseUniqueFields: string[];

  constructor(
    private readonly engine: MongoEngine,
    private readonly spec: CollectionSpec<T>,
  ) {
    this.name = spec.name;
    this.handle = engine.db.collection<MDoc>(spec.name);
    this.ttl = spec.ttl?.field;
    this.sparseUniqueFields = [
      ...new Set(
        spec.indexes
          .filter((i) => i.unique && i.sparse)
          .flatMap((i) => i.keys.map(([f]) => f))
          .filter((f) => f !== 'id'),
      ),
    ];
  }

  async insert(doc: T): Promise<T> {
    checkDocument(this.spec, doc as unknown as Row);
    await this.engine.ready(this.name);
    const mdoc = this.toMongo(doc as unknown as Row);
    try {
      await this.handle.insertOne(mdoc);
    } catch (err) {
      throw await this.mapError(err, mdoc);
    }
    return doc;
  }

  async get(id: string): Promise<T | null> {
    if (typeof id !== 'string') throw new StorageQueryError(`${this.name}: id must be a string`);
    await this.engine.ready(this.name);
    try {
      // By primary key alone, expiry checked here: the same result as filtering it in the query, and
      // `{_id}` alone is the one filter FerretDB 1.x pushes down to its backend.
      const raw = await this.handle.findOne({ _id: id });
      if (!raw) return null;
      if (this.ttl) {
        const t = raw[this.ttl];
        if (t instanceof Date && t.getTime() <= Date.now()) return null;
      }
      return this.fromMongo(raw);
    } catch (err) {
      throw await this.mapError(err);
    }
  }

  async findOne(filter: Filter<T>, options?: Pick<FindOptions<T>, 'sort'>): Promise<T | null> {
    const docs = await this.find(filter, { sort: options?.sort, limit: 1 });
    return docs[0] ?? null;
  }

  async find(filter: Filter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    const n = normalizeFind(this.spec, filter as Filter<{ id: string }>, options as FindOptions<{ id: string }>);
    if (n.limit === 0) return [];
    await this.engine.ready(this.name);
    const query = this.query(n.conds, n);
    const sort: Record<string, 1 | -1> = {};
    for (const s of n.sort) sort[path(s.field)] = s.dir;
    try {
      const cursor = this.handle.find(query, { sort: sort as MongoSort, limit: n.limit });
      const raws = await cursor.toArray();
      return raws.map((r) => this.fromMongo(r));
    } catch (err) {
      throw await this.mapError(err);
    }
  }

  async count(filter: Filter<T>): Promise<number> {
    const conds = normalizeFilter(this.spec, filter as Filter<{ id: string }>);
    await this.engine.ready(this.name);
    try {
      return await this.handle.countDocuments(this.query(conds));
    } catch (err) {
      throw await this.mapError(err);
    }
  }

  async update(id: string, update: UpdateSpec<T>, where?: Filter<T>): Promise<T | null> {
    const u = normalizeUpdate(this.spec, update as UpdateSpec<{ id: string }>);
    const conds: Cond[] = [
      { field: 'id', kind: 'string', op: 'eq', value: id },
      ...normalizeFilter(this.spec, where as Filter<{ id: string }>),
    ];
    await this.engine.ready(this.name);
    const query = this.query(conds);
    try {
      const raw = isEmptyUpdate(u)
        ? await this.handle.findOne(query)
        : await this.engine.exclusive(this.name, () =>
            this.handle.findOneAndUpdate(query, this.updateDoc(u), { returnDocument: 'after' }),
          );
      return raw ? this.fromMongo(raw) : null;
    } catch (err) {
      throw await this.mapError(err, undefined, { id, u });
    }
  }

  async updateMany(filter: Filter<T>, update: UpdateSpec<T>): Promise<number> {
    const u = normalizeUpdate(this.spec, update as UpdateSpec<{ id: string }>);
    const conds = normalizeFilter(this.spec, filter as Filter<{ id: string }>);
    await this.engine.ready(this.name);
    const query = this.query(conds);
    try {
      if (isEmptyUpdate(u)) return await this.handle.countDocuments(query);
      return (await this.engine.exclusive(this.name, () => this.handle.updateMany(query, this.updateDoc(u))))
        .matchedCount;
    } catch (err) {
      throw await this.mapError(err);
    }
  }

  async delete(id: string): Promise<boolean> {
    await this.engine.ready(this.name);
    try {
      if (!this.ttl) return (await this.handle.deleteOne({ _id: id })).deletedCount > 0;
      // (No projection: FerretDB 1.x rejects one in findAndModify.)
      const raw = await this.handle.findOneAndDelete({ _id: id });
      if (!raw) return false;
      const t = raw[this.ttl];
      return !(t instanceof Date) || t.getTime() > Date.now();
    } catch (err) {
      throw await this.mapError(err);
    }
  }

  async deleteMany(filter: Filter<T>): Promise<number> {
    const conds = normalizeFilter(this.spec, filter as Filter<{ id: string }>);
    await this.engine.ready(this.name);
    try {
      if (!this.ttl) return (await this.handle.deleteMany(this.query(conds))).deletedCount;
      // Expired matches are deleted too, but not counted: they were already invisible.
      const now = new Date();
      const visible = (await this.handle.deleteMany(this.query(conds, undefined, now))).deletedCount;
      const expired = this.query(conds, undefined, null);
      await this.handle.deleteMany({ $and: [expired, { [this.ttl]: { $lte: now } }] } as MongoFilter<MDoc>);
      return visible;
    } catch (err) {
      throw await this.mapError(err);
    }
  }

  // ---- documents ----

  private toMongo(doc: Row): MDoc {
    const { id, ...rest } = doc;
    if (this.engine.partialIndexes === false) {
      for (const f of this.sparseUniqueFields) if (rest[f] === null) delete rest[f];
    }
    return { _id: id as string, ...rest };
  }

  private fromMongo(raw: Document): T {
    const { _id, ...rest } = raw;
    return { id: _id, ...rest } as unknown as T;
  }

  private updateDoc(u: NormalizedUpdate): UpdateFilter<MDoc> {
    const out: Document = {};
    const stripNull = this.engine.partialIndexes === false;
    const $set: Document = {};
    const $unset: Document = {};
    for (const [k, v] of u.set) {
      if (v === null && stripNull && this.sparseUniqueFields.includes(k)) $unset[k] = '';
      else $set[k] = v;
    }
    for (const k of u.unset) $unset[k] = '';
    if (Object.keys($set).length) out.$set = $set;
    if (Object.keys($unset).length) out.$unset = $unset;
    if (u.inc.length) out.$inc = Object.fromEntries(u.inc);
    return out as UpdateFilter<MDoc>;
  }

  // ---- queries (built from normalised conditions only: values are scalars, never operators) ----

  /**
   * The MongoDB filter for `conds` (+ keyset + TTL visibility). `now`: the visibility instant;
   * `null` for no visibility clause.
   */
  private query(conds: Cond[], find?: NormalizedFind, now: Date | null = new Date()): MongoFilter<MDoc> {
    const byField = new Map<string, Document>();
    const extra: Document[] = [];
    const add = (field: string, op: string, value: unknown) => {
      const p = path(field);
      let ops = byField.get(p);
      if (!ops) byField.set(p, (ops = {}));
      if (op in ops) extra.push({ [p]: { [op]: value } });
      else ops[op] = value;
    };
    for (const c of conds) {
      switch (c.op) {
        case 'exists':
          add(c.field, c.value ? '$ne' : '$eq', null);
          break;
        case 'in':
          add(c.field, '$in', c.values);
          break;
        default:
          add(c.field, `$${c.op}`, c.value);
      }
    }
    if (this.ttl && now) add(this.ttl, '$not', { $lte: now });
    if (find?.after) {
      const { sort } = find;
      const after = find.after;
      const cmp = (dir: 1 | -1) => (dir === 1 ? '$gt' : '$lt');
      if (sort.length === 1) {
        add(sort[0]!.field, cmp(sort[0]!.dir), after[0]);
      } else {
        add(sort[0]!.field, `${cmp(sort[0]!.dir)}e`, after[0]);
        const branches: Document[] = [];
        for (let i = 0; i < sort.length; i++) {
          const b: Document = {};
          for (let j = 0; j < i; j++) b[path(sort[j]!.field)] = { $eq: after[j] };
          b[path(sort[i]!.field)] = { [cmp(sort[i]!.dir)]: after[i] };
          branches.push(b);
        }
        extra.push({ $or: branches });
      }
    }
    const out: Document = {};
    for (const [p, ops] of byField) {
      // A lone equality as a plain value (`{chatId: 'x'}`): the same match (values are scalars, so they
      // can never read as operators), and the form servers optimise best.
      const keys = Object.keys(ops);
      out[p] = keys.length === 1 && keys[0] === '$eq' ? ops.$eq : ops;
    }
    if (extra.length === 1 && !('$or' in out) && extra[0]!.$or) out.$or = extra[0]!.$or;
    else if (extra.length) out.$and = extra;
    return out as MongoFilter<MDoc>;
  }

  // ---- errors ----

  private async mapError(err: unknown, doc?: MDoc, upd?: { id: string; u: NormalizedUpdate }): Promise<unknown> {
    if (!isDuplicateKey(err)) return mapMongoError(err);
    const found = this.indexFromError(err);
    if (found) return new ConflictError(this.name, found.name, found.fields, { cause: err });
    // The server did not say which index (FerretDB): probe with the rejected values.
    let probe: Row | undefined = doc;
    if (!probe && upd) {
      const current = await this.handle.findOne({ _id: upd.id }).catch(() => null);
      if (current) {
        probe = { ...current };
        for (const [k, v] of upd.u.set) probe[k] = v;
        for (const k of upd.u.unset) delete probe[k];
      }
    }
    if (probe) {
      const hit = await this.probeConflict(probe, doc !== undefined).catch(() => undefined);
      if (hit) return new ConflictError(this.name, hit.name, hit.fields, { cause: err });
    }
    return new ConflictError(this.name, 'unknown', [], { cause: err });
  }

  private indexFromError(err: MongoServerError): { name: string; fields: string[] } | undefined {
    const byName = (name: string) => {
      if (name === '_id_') return { name: PRIMARY_KEY_INDEX, fields: ['id'] };
      const i = this.spec.indexes.find((x) => x.name === name);
      return i ? { name: i.name, fields: i.keys.map(([f]) => f) } : undefined;
    };
    // MongoDB: "E11000 duplicate key error collection: db.users index: users_email_unique dup key: {…}"
    const m = /index: (\S+) dup key/.exec(err.message);
    if (m) {
      const hit = byName(m[1]!);
      if (hit) return hit;
    }
    const keyPattern = (err as { keyPattern?: Record<string, unknown> }).keyPattern;
    if (keyPattern && typeof keyPattern === 'object') {
      const keys = Object.keys(keyPattern);
      if (keys.length === 1 && keys[0] === '_id') return byName('_id_');
      const i = this.spec.indexes.find(
        (x) => x.unique && x.keys.length === keys.length && x.keys.every(([f], n) => path(f) === keys[n]),
      );
      if (i) return { name: i.name, fields: i.keys.map(([f]) => f) };
    }
    // FerretDB/SQLite: "UNIQUE constraint failed: index 'users_5e7cc513_users_email_unique'".
    const f = /index '([^']+)'/.exec(err.message) ?? /constraint "([^"]+)"/.exec(err.message);
    if (f) {
      const backendName = f[1]!;
      const candidates = this.spec.indexes.filter(
        (x) => x.unique && (backendName === x.name || backendName.endsWith(`_${x.name}`)),
      );
      candidates.sort((a, b) => b.name.length - a.name.length);
      if (candidates[0]) return byName(candidates[0].name);
      if (/_id_$|_pkey$/.test(backendName)) return byName('_id_');
    }
    return undefined;
  }

  /**
   * Which unique index (or, for an insert, the primary key) already holds the values of `doc` in
   * another document.
   */
  private async probeConflict(doc: Row, isInsert: boolean): Promise<{ name: string; fields: string[] } | undefined> {
    const id = doc._id as string;
    for (const i of this.spec.indexes) {
      if (!i.unique || !i.keys.every(([f]) => f === 'id' || (doc[f] !== undefined && doc[f] !== null))) continue;
      const filter: Document = { _id: { $ne: id } };
      for (const [f] of i.keys) if (f !== 'id') filter[path(f)] = { $eq: doc[f] };
      if (await this.handle.findOne(filter, { projection: { _id: 1 } }))
        return { name: i.name, fields: i.keys.map(([f]) => f) };
    }
    if (isInsert && (await this.handle.findOne({ _id: id }, { projection: { _id: 1 } }))) {
      return { name: PRIMARY_KEY_INDEX, fields: ['id'] };
    }
    return undefined;
  }
}
