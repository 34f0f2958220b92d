/**
 * SQLite storage engine (better-sqlite3): the zero-set-up default. One file, `<dataDir>/medichat.sqlite`,
 * WAL mode. One table per collection:
 *
 *   id TEXT PRIMARY KEY, <one typed column per declared field>, doc TEXT NOT NULL (the whole JSON)
 *
 * Declared fields are copied into their columns on every write (dates as INTEGER epoch ms, booleans as
 * 0/1) so that filters, sorts and indexes work on real columns; `doc` is the source of truth on read.
 * Filters become parameterised SQL built only from declared field names; values are always bound.
 *
 * better-sqlite3 is synchronous: each call runs to completion on the event loop, and statements are
 * prepared once per SQL text and cached. Read-modify-write operations (update, updateMany) run in a
 * BEGIN IMMEDIATE transaction, so they are atomic against other connections to the same file too.
 *
 * Schema changes are versioned per collection in `_migrations` (collection, version): `open()` creates
 * missing tables, adds columns for newly declared fields (back-filled from `doc`), and creates or
 * re-creates indexes whose definition changed; it is idempotent.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { allCollections } from './collections.js';
import { ConflictError, PRIMARY_KEY_INDEX, StorageUnavailableError } from './errors.js';
import type { Collection, CollectionSpec, FieldKind, Filter, FindOptions, StorageEngine, UpdateSpec } from './port.js';
import {
  checkDocument,
  declaredFields,
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

export interface SqliteEngineOptions {
  dataDir: string;
  /** File name inside dataDir. Default `medichat.sqlite`. */
  filename?: string;
  /** Collections created at open(). Default: every collection of collections.ts. */
  collections?: readonly AnySpec[];
  logger?: StorageLogger;
  /** How long a writer waits for another connection's lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
}

type Row = Record<string, unknown>;
type Param = string | number | null;

/** Key under which the SQLite `doc` JSON remembers which undeclared top-level fields were Dates. */
const DATES_KEY = '$dates';
const STATEMENT_CACHE_MAX = 1000;

const q = (ident: string) => `"${ident}"`;

function columnType(kind: FieldKind): string {
  return kind === 'string' ? 'TEXT' : kind === 'number' ? 'REAL' : 'INTEGER';
}

/** A normalised value as a bound SQL parameter. */
function toParam(v: Value): Param {
  if (v === null) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/** A stored document field as its column value. */
function toColumn(kind: FieldKind, v: unknown): Param {
  if (v === undefined || v === null) return null;
  switch (kind) {
    case 'date':
      return (v as Date).getTime();
    case 'boolean':
      return v ? 1 : 0;
    default:
      return v as string | number;
  }
}

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOTADB|CORRUPT|PROTOCOL)/;

export class SqliteEngine implements StorageEngine {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  private db: Database.Database | null = null;
  /** Prepared statements by SQL text: rows as objects / first column only. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly plucked = new Map<string, Database.Statement>();
  private readonly specs = new Map<string, AnySpec>();
  private readonly collections = new Map<string, SqliteCollection<{ id: string }>>();
  private readonly ensured = new Set<string>();
  private readonly logger: StorageLogger;
  private readonly busyTimeoutMs: number;
  private txRunner: ((fn: () => unknown) => unknown) & { immediate: (fn: () => unknown) => unknown } = null as never;

  constructor(private readonly options: SqliteEngineOptions) {
    this.file = join(options.dataDir, options.filename ?? 'medichat.sqlite');
    this.logger = options.logger ?? silentLogger;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    for (const spec of options.collections ?? allCollections) this.specs.set(spec.name, spec);
  }

  /** The open better-sqlite3 handle (benches and diagnostics). */
  get database(): Database.Database {
    if (!this.db) throw new StorageUnavailableError('SQLite engine is not open', { cause: null });
    return this.db;
  }

  async open(): Promise<void> {
    if (this.db) return;
    try {
      mkdirSync(this.options.dataDir, { recursive: true, mode: 0o700 });
      // Created owner-only before SQLite opens it (its -wal/-shm files copy the main file's mode).
      closeSync(openSync(this.file, 'a', 0o600));
      const db = new Database(this.file, { timeout: this.busyTimeoutMs });
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Math.trunc(this.busyTimeoutMs)}`);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      this.db = db;
      this.txRunner = db.transaction((fn: () => unknown) => fn()) as unknown as typeof this.txRunner;
      db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
        collection TEXT NOT NULL,
        version INTEGER NOT NULL,
        description TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (collection, version)
      ) WITHOUT ROWID`);
      for (const spec of this.specs.values()) this.ensureSchema(spec);
    } catch (err) {
      if (this.db) {
        this.db.close();
        this.db = null;
      }
      throw this.mapError(err);
    }
  }

  /**
   * Loads many documents in one transaction, all or nothing, with the checks and row encoding of
   * `insert` (seeding, imports, benches: a million rows in seconds instead of a transaction each).
   * Returns how many were inserted.
   */
  insertAll<T extends { id: string }>(spec: CollectionSpec<T>, docs: Iterable<T>): number {
    return (this.collection(spec) as unknown as SqliteCollection<T>).insertAll(docs);
  }

  collection<T extends { id: string }>(spec: CollectionSpec<T>): Collection<T> {
    const existing = this.collections.get(spec.name);
    if (existing) {
      if (this.specs.get(spec.name) !== spec)
        this.logger.warn(
          { collection: spec.name },
          'storage: a second spec object for the same collection; using the first',
        );
      return existing as unknown as Collection<T>;
    }
    if (!this.specs.has(spec.name)) {
      this.specs.set(spec.name, spec);
      if (this.db) this.ensureSchema(spec);
    }
    const c = new SqliteCollection<T>(this, this.specs.get(spec.name) as CollectionSpec<T>);
    this.collections.set(spec.name, c as unknown as SqliteCollection<{ id: string }>);
    return c;
  }

  async ping(): Promise<void> {
    try {
      this.stmt('SELECT 1', true).get();
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async sweepExpired(now: Date = new Date()): Promise<number> {
    let removed = 0;
    try {
      for (const spec of this.specs.values()) {
        if (!spec.ttl) continue;
        removed += this.stmt(`DELETE FROM ${q(spec.name)} WHERE ${q(spec.ttl.field)} <= ?`).run(now.getTime()).changes;
      }
    } catch (err) {
      throw this.mapError(err);
    }
    return removed;
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.plucked.clear();
    this.ensured.clear();
    if (this.db) {
      this.db.close();
      this.db = null;
    }
  }

  // ---- internals shared with SqliteCollection ----

  /** A prepared statement for `sql`, cached by its text (and result mode). */
  stmt(sql: string, pluck = false): Database.Statement {
    const cache = pluck ? this.plucked : this.statements;
    let s = cache.get(sql);
    if (!s) {
      if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
      s = this.database.prepare(sql);
      if (pluck) s.pluck(true);
      cache.set(sql, s);
    }
    return s;
  }

  /** Run `fn` in a BEGIN IMMEDIATE transaction (a savepoint when already inside one). */
  immediate<R>(fn: () => R): R {
    if (!this.db) throw new StorageUnavailableError('SQLite engine is not open', { cause: null });
    return this.txRunner.immediate(fn) as R;
  }

  mapError(err: unknown, spec?: AnySpec): unknown {
    if (err instanceof Database.SqliteError) {
      if (spec && (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
        return conflictFromSqlite(spec, err);
      }
      if (UNAVAILABLE.test(err.code)) return new StorageUnavailableError(`SQLite: ${err.message}`, { cause: err });
      return err;
    }
    if (err instanceof TypeError && /database connection is not open/i.test(err.message)) {
      return new StorageUnavailableError('SQLite engine is closed', { cause: err });
    }
    return err;
  }

  /**
   * Bring one collection's table, columns and indexes in line with its spec (idempotent), and record
   * the spec version in `_migrations`.
   */
  private ensureSchema(spec: AnySpec): void {
    if (this.ensured.has(spec.name)) return;
    const db = this.database;
    const table = spec.name;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
      throw new StorageQueryError(`collection name "${table}" is not allowed`);
    const fields = declaredFields(spec);
    const version = spec.version ?? 1;
    const changes: string[] = [];

    this.immediate(() => {
      const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table);
      if (!exists) {
        const cols = fields.map(([name, kind]) => `${q(name)} ${columnType(kind)}`);
        db.exec(
          `CREATE TABLE ${q(table)} (id TEXT PRIMARY KEY NOT NULL, ${[...cols, 'doc TEXT NOT NULL'].join(', ')})`,
        );
        changes.push(`create table ${table}`);
      } else {
        const have = new Set(db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
        const added = fields.filter(([name]) => !have.has(name));
        for (const [name, kind] of added) {
          db.exec(`ALTER TABLE ${q(table)} ADD COLUMN ${q(name)} ${columnType(kind)}`);
          changes.push(`add column ${name}`);
        }
        if (added.length > 0) backfill(db, spec, added);
      }

      for (const index of spec.indexes) {
        const keys = index.keys.map(([f, dir]) => {
          fieldKind(spec, f); // throws if undeclared
          return `${q(f)} ${dir === -1 ? 'DESC' : 'ASC'}`;
        });
        const partial = index.sparse
          ? ` WHERE ${index.keys
              .filter(([f]) => f !== 'id')
              .map(([f]) => `${q(f)} IS NOT NULL`)
              .join(' AND ')}`
          : '';
        const sql = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ON ${q(table)} (${keys.join(', ')})${partial}`;
        const current = db
          .prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`)
          .pluck()
          .get(index.name) as string | undefined;
        if (current === sql) continue;
        if (current !== undefined) {
          db.exec(`DROP INDEX ${q(index.name)}`);
          changes.push(`re-create index ${index.name}`);
        } else {
          changes.push(`create index ${index.name}`);
        }
        db.exec(sql);
      }

      const recorded =
        (db.prepare(`SELECT max(version) FROM _migrations WHERE collection = ?`).pluck().get(table) as number | null) ??
        0;
      if (recorded < version) {
        db.prepare(`INSERT INTO _migrations (collection, version, description, applied_at) VALUES (?, ?, ?, ?)`).run(
          table,
          version,
          changes.join('; ') || 'schema already current',
          Date.now(),
        );
      } else if (changes.length > 0 && recorded === version) {
        this.logger.warn(
          { collection: table, changes },
          'storage: schema changed without a version bump in its spec; applied anyway',
        );
      }
    });
    if (changes.length > 0)
      this.logger.info({ collection: table, version, changes }, 'storage: sqlite schema migrated');
    this.ensured.add(spec.name);
  }
}

/** Fill newly added columns from each row's JSON document. */
function backfill(db: Database.Database, spec: AnySpec, added: Array<[string, FieldKind]>): void {
  const read = db.prepare(`SELECT id, doc FROM ${q(spec.name)}`);
  const write = db.prepare(`UPDATE ${q(spec.name)} SET ${added.map(([n]) => `${q(n)} = ?`).join(', ')} WHERE id = ?`);
  for (const row of read.all() as Array<{ id: string; doc: string }>) {
    const doc = JSON.parse(row.doc) as Row;
    const values = added.map(([name, kind]) => {
      const v = doc[name];
      if (kind === 'date' && typeof v === 'string') return new Date(v).getTime();
      if (kind === 'date' && typeof v === 'number') return v;
      if (kind === 'boolean' && typeof v === 'boolean') return v ? 1 : 0;
      if (kind === 'string' && typeof v === 'string') return v;
      if (kind === 'number' && typeof v === 'number') return v;
      return null;
    });
    write.run(...values, row.id);
  }
}

function conflictFromSqlite(spec: AnySpec, err: Error): ConflictError {
  // "UNIQUE constraint failed: users.email" / "…: messages.chatId, messages.clientId"
  const m = /constraint failed: (.+)$/.exec(err.message);
  const columns = m ? m[1]!.split(',').map((s) => s.trim().replace(/^[^.]+\./, '')) : [];
  if (columns.length === 1 && columns[0] === 'id')
    return new ConflictError(spec.name, PRIMARY_KEY_INDEX, ['id'], { cause: err });
  const index = spec.indexes.find(
    (i) => i.unique && i.keys.length === columns.length && i.keys.every(([f], n) => f === columns[n]),
  );
  return new ConflictError(spec.name, index?.name ?? 'unknown', index ? index.keys.map(([f]) => f) : columns, {
    cause: err,
  });
}

class SqliteCollection<T extends { id: string }> implements Collection<T> {
  readonly name: string;
  private readonly fields: Array<[string, FieldKind]>;
  private readonly dateFields: string[];
  private readonly ttl: string | undefined;
  private readonly insertSql: string;
  private readonly writeSql: string;
  private readonly getSql: string;

  constructor(
    private readonly engine: SqliteEngine,
    private readonly spec: CollectionSpec<T>,
  ) {
    this.name = spec.name;
    this.fields = declaredFields(spec);
    this.dateFields = this.fields.filter(([, k]) => k === 'date').map(([n]) => n);
    this.ttl = spec.ttl?.field;
    const t = q(spec.name);
    const cols = this.fields.map(([n]) => q(n));
    this.insertSql = `INSERT INTO ${t} (id, ${[...cols, 'doc'].join(', ')}) VALUES (${['?', ...cols.map(() => '?'), '?'].join(', ')})`;
    this.writeSql = `UPDATE ${t} SET ${[...cols, 'doc'].map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
    this.getSql = `SELECT doc FROM ${t} WHERE id = ?${this.ttl ? ` AND (${q(this.ttl)} IS NULL OR ${q(this.ttl)} > ?)` : ''}`;
  }

  async insert(doc: T): Promise<T> {
    checkDocument(this.spec, doc as unknown as Row);
    try {
      this.engine
        .stmt(this.insertSql)
        .run(doc.id, ...this.columns(doc as unknown as Row), this.encode(doc as unknown as Row));
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
    return doc;
  }

  /** `SqliteEngine.insertAll`: the statement, checks and encoding of `insert`, in one transaction. */
  insertAll(docs: Iterable<T>): number {
    const stmt = this.engine.stmt(this.insertSql);
    let n = 0;
    try {
      this.engine.database.transaction(() => {
        for (const doc of docs) {
          checkDocument(this.spec, doc as unknown as Row);
          stmt.run(doc.id, ...this.columns(doc as unknown as Row), this.encode(doc as unknown as Row));
          n++;
        }
      })();
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
    return n;
  }

  async get(id: string): Promise<T | null> {
    if (typeof id !== 'string') throw new StorageQueryError(`${this.name}: id must be a string`);
    try {
      const s = this.engine.stmt(this.getSql, true);
      const json = (this.ttl ? s.get(id, Date.now()) : s.get(id)) as string | undefined;
      return json === undefined ? null : this.decode(json);
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  async findOne(filter: Filter<T>, options?: Pick<FindOptions<T>, 'sort'>): Promise<T | null> {
    const docs = await this.find(filter, { sort: options?.sort, limit: 1 });
    return docs[0] ?? null;
  }

  async find(filter: Filter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    const n = normalizeFind(this.spec, filter as Filter<{ id: string }>, options as FindOptions<{ id: string }>);
    if (n.limit === 0) return [];
    const params: Param[] = [];
    const sql = `SELECT doc FROM ${q(this.name)}${this.where(n.conds, params, n)}${orderBy(n)}${n.limit !== undefined ? ' LIMIT ?' : ''}`;
    if (n.limit !== undefined) params.push(n.limit);
    try {
      const rows = this.engine.stmt(sql, true).all(...params) as string[];
      return rows.map((json) => this.decode(json));
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  async count(filter: Filter<T>): Promise<number> {
    const conds = normalizeFilter(this.spec, filter as Filter<{ id: string }>);
    const params: Param[] = [];
    const sql = `SELECT count(*) FROM ${q(this.name)}${this.where(conds, params)}`;
    try {
      return this.engine.stmt(sql, true).get(...params) as number;
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  async update(id: string, update: UpdateSpec<T>, where?: Filter<T>): Promise<T | null> {
    const u = normalizeUpdate(this.spec, update as UpdateSpec<{ id: string }>);
    const conds: Cond[] = [
      { field: 'id', kind: 'string', op: 'eq', value: id },
      ...normalizeFilter(this.spec, where as Filter<{ id: string }>),
    ];
    const params: Param[] = [];
    const sql = `SELECT doc FROM ${q(this.name)}${this.where(conds, params)}`;
    try {
      return this.engine.immediate(() => {
        const json = this.engine.stmt(sql, true).get(...params) as string | undefined;
        if (json === undefined) return null;
        const doc = this.decode(json) as unknown as Row;
        if (isEmptyUpdate(u)) return doc as unknown as T;
        return this.decode(this.apply(doc, u));
      });
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  async updateMany(filter: Filter<T>, update: UpdateSpec<T>): Promise<number> {
    const u = normalizeUpdate(this.spec, update as UpdateSpec<{ id: string }>);
    const conds = normalizeFilter(this.spec, filter as Filter<{ id: string }>);
    const params: Param[] = [];
    const sql = `SELECT doc FROM ${q(this.name)}${this.where(conds, params)}`;
    try {
      return this.engine.immediate(() => {
        const rows = this.engine.stmt(sql, true).all(...params) as string[];
        if (!isEmptyUpdate(u)) for (const json of rows) this.apply(this.decode(json) as unknown as Row, u);
        return rows.length;
      });
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      if (!this.ttl) return this.engine.stmt(`DELETE FROM ${q(this.name)} WHERE id = ?`).run(id).changes > 0;
      const ttl = this.engine
        .stmt(`DELETE FROM ${q(this.name)} WHERE id = ? RETURNING ${q(this.ttl)}`, true)
        .get(id) as number | null | undefined;
      return ttl !== undefined && (ttl === null || ttl > Date.now());
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  async deleteMany(filter: Filter<T>): Promise<number> {
    const conds = normalizeFilter(this.spec, filter as Filter<{ id: string }>);
    const params: Param[] = [];
    // Expired matches are deleted too (they are garbage anyway) but not counted: they were invisible.
    const where = this.where(conds, params, undefined, false);
    try {
      if (!this.ttl) return this.engine.stmt(`DELETE FROM ${q(this.name)}${where}`).run(...params).changes;
      const ttls = this.engine
        .stmt(`DELETE FROM ${q(this.name)}${where} RETURNING ${q(this.ttl)}`, true)
        .all(...params) as Array<number | null>;
      const now = Date.now();
      return ttls.reduce<number>((n, t) => (t === null || t > now ? n + 1 : n), 0);
    } catch (err) {
      throw this.engine.mapError(err, this.spec);
    }
  }

  // ---- encoding ----

  private columns(doc: Row): Param[] {
    return this.fields.map(([name, kind]) => toColumn(kind, doc[name]));
  }

  private encode(doc: Row): string {
    let dates: string[] | undefined;
    for (const k in doc) {
      if (doc[k] instanceof Date && !this.dateFields.includes(k)) (dates ??= []).push(k);
    }
    return JSON.stringify(dates ? { ...doc, [DATES_KEY]: dates } : doc);
  }

  private decode(json: string): T {
    const doc = JSON.parse(json) as Row;
    for (const f of this.dateFields) {
      const v = doc[f];
      if (typeof v === 'string') doc[f] = new Date(v);
    }
    const extra = doc[DATES_KEY];
    if (extra !== undefined) {
      for (const f of extra as string[]) if (typeof doc[f] === 'string') doc[f] = new Date(doc[f] as string);
      delete doc[DATES_KEY];
    }
    return doc as T;
  }

  /** Apply an update to a decoded document and write the row back; returns the stored JSON. */
  private apply(doc: Row, u: NormalizedUpdate): string {
    for (const [k, v] of u.set) doc[k] = v;
    for (const k of u.unset) delete doc[k];
    for (const [k, by] of u.inc) {
      const cur = doc[k];
      if (cur !== undefined && typeof cur !== 'number') {
        throw new StorageQueryError(`${this.name}.${k}: cannot inc a non-numeric value`);
      }
      doc[k] = (cur ?? 0) + by;
    }
    const json = this.encode(doc);
    this.engine.stmt(this.writeSql).run(...this.columns(doc), json, doc.id as string);
    return json;
  }

  // ---- SQL building (identifiers from the spec only, values always bound) ----

  private where(conds: Cond[], params: Param[], find?: NormalizedFind, onlyVisible = true): string {
    const parts: string[] = [];
    for (const c of conds) parts.push(condSql(c, params));
    if (find?.after) parts.push(afterSql(find, params));
    if (this.ttl && onlyVisible) {
      parts.push(`(${q(this.ttl)} IS NULL OR ${q(this.ttl)} > ?)`);
      params.push(Date.now());
    }
    return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
  }
}

function condSql(c: Cond, params: Param[]): string {
  const col = q(c.field);
  switch (c.op) {
    case 'exists':
      if (c.field === 'id') return c.value ? '1' : '0';
      return `${col} ${c.value ? 'IS NOT NULL' : 'IS NULL'}`;
    case 'in': {
      const values = c.values.filter((v) => v !== null).map(toParam);
      const hasNull = values.length !== c.values.length;
      if (values.length === 0) return hasNull ? `${col} IS NULL` : '0';
      params.push(JSON.stringify(values));
      const inSql = `${col} IN (SELECT value FROM json_each(?))`;
      return hasNull ? `(${col} IS NULL OR ${inSql})` : inSql;
    }
    case 'eq':
      if (c.value === null) return `${col} IS NULL`;
      params.push(toParam(c.value));
      return `${col} = ?`;
    case 'ne':
      if (c.value === null) return `${col} IS NOT NULL`;
      params.push(toParam(c.value));
      return `${col} IS NOT ?`;
    default: {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op];
      params.push(toParam(c.value));
      return `${col} ${op} ?`;
    }
  }
}

/**
 * Keyset condition: rows strictly after `after` in sort order. Uniform directions use a row-value
 * comparison (which SQLite turns into an index range); mixed directions expand to
 * `(a > ?) OR (a = ? AND b < ?) …`, with a leading `a >= ?` bound to keep the index range tight.
 */
function afterSql(find: NormalizedFind, params: Param[]): string {
  const { sort } = find;
  const after = find.after!.map(toParam);
  const cmp = (dir: 1 | -1) => (dir === 1 ? '>' : '<');
  if (sort.every((s) => s.dir === sort[0]!.dir)) {
    params.push(...after);
    if (sort.length === 1) return `${q(sort[0]!.field)} ${cmp(sort[0]!.dir)} ?`;
    return `(${sort.map((s) => q(s.field)).join(', ')}) ${cmp(sort[0]!.dir)} (${sort.map(() => '?').join(', ')})`;
  }
  const first = sort[0]!;
  params.push(after[0]!);
  const lead = `${q(first.field)} ${cmp(first.dir)}= ?`;
  const branches: string[] = [];
  for (let i = 0; i < sort.length; i++) {
    const eqs: string[] = [];
    for (let j = 0; j < i; j++) {
      eqs.push(`${q(sort[j]!.field)} = ?`);
      params.push(after[j]!);
    }
    eqs.push(`${q(sort[i]!.field)} ${cmp(sort[i]!.dir)} ?`);
    params.push(after[i]!);
    branches.push(`(${eqs.join(' AND ')})`);
  }
  return `${lead} AND (${branches.join(' OR ')})`;
}

function orderBy(find: NormalizedFind): string {
  if (find.sort.length === 0) return '';
  return ` ORDER BY ${find.sort.map((s) => `${q(s.field)} ${s.dir === 1 ? 'ASC' : 'DESC'}`).join(', ')}`;
}
