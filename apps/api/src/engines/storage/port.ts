/**
 * The storage port: one contract, two engines (SQLite via better-sqlite3, MongoDB via the official
 * driver). Engines store documents; feature modules wrap a Collection in a typed repository with
 * the domain's own methods (`modules/<feature>/<feature>.repository.ts`).
 *
 * Rules every engine keeps (the contract suite in `storage.contract.test.ts` checks each):
 * - `id` is the primary key (`_id` in MongoDB). Ids are strings made by the caller (UUIDv7).
 * - Top-level fields listed in `CollectionSpec.fields` may be filtered and sorted on; filtering on
 *   anything else throws a programming error. Fields of kind `date` round-trip as `Date`; every other
 *   value must be JSON-plain (nested dates are stored as ISO strings by the repository).
 * - Filter values are scalars or the small operator objects below, never raw engine syntax: an
 *   engine rejects an object where it expects a scalar, so `{"$gt": ""}` from a client can never
 *   become a query operator. Misuse throws `StorageQueryError` (a programming error): an undeclared
 *   field, an unknown operator, a value of the wrong kind, or an `undefined` value (omit the key
 *   instead; `null` means "missing or null"). Date fields also accept epoch ms or ISO strings.
 * - `null` and missing are the same to filters and sorts (missing/null sort first ascending). On a
 *   server without partial indexes (FerretDB 1.x), `null` in a key of a unique sparse index is stored
 *   as missing, so such a field may read back as `undefined`: test it with `== null`.
 * - A unique-index violation throws `ConflictError` naming the index (`primary` for the id).
 * - On a collection with `ttl`, a document whose TTL field is at or before now is invisible to every
 *   read (get, findOne, find, count) and to updates, whether or not a sweeper or TTL monitor has
 *   removed it yet. `sweepExpired()` deletes such documents. `delete`/`deleteMany` also remove
 *   expired matches but count only the visible ones.
 * - Connectivity failures throw `StorageUnavailableError` (errors.ts), with the driver error as cause.
 */

export type Scalar = string | number | boolean | Date | null;

export interface FieldOps {
  eq?: Scalar;
  ne?: Scalar;
  gt?: Scalar;
  gte?: Scalar;
  lt?: Scalar;
  lte?: Scalar;
  in?: Scalar[];
  /** `true`: field is set and not null; `false`: missing or null. */
  exists?: boolean;
}

export type Filter<T> = { [K in keyof T & string]?: Scalar | FieldOps };

export type SortDirection = 1 | -1;
export type Sort<T> = ReadonlyArray<readonly [keyof T & string, SortDirection]>;

export interface FindOptions<T> {
  /** Sort keys, applied in order. Add `id` last for a stable order. */
  sort?: Sort<T>;
  limit?: number;
  /**
   * Keyset pagination: return only documents strictly after this position in `sort` order. Give a
   * value for every sort key (e.g. `{createdAt, id}` for sort `[['createdAt', -1], ['id', -1]]`).
   */
  after?: Partial<Record<keyof T & string, Scalar>>;
}

export interface UpdateSpec<T> {
  set?: Partial<T>;
  /** Remove these fields from the document. */
  unset?: ReadonlyArray<keyof T & string>;
  /** Atomically add to numeric fields (missing counts as 0). */
  inc?: Partial<Record<keyof T & string, number>>;
}

export interface Collection<T extends { id: string }> {
  readonly name: string;
  insert(doc: T): Promise<T>;
  get(id: string): Promise<T | null>;
  findOne(filter: Filter<T>, options?: Pick<FindOptions<T>, 'sort'>): Promise<T | null>;
  find(filter: Filter<T>, options?: FindOptions<T>): Promise<T[]>;
  count(filter: Filter<T>): Promise<number>;
  /**
   * Update one document by id, only if it also matches `where` (compare-and-set). Returns the
   * document after the update, or null when nothing matched.
   */
  update(id: string, update: UpdateSpec<T>, where?: Filter<T>): Promise<T | null>;
  updateMany(filter: Filter<T>, update: UpdateSpec<T>): Promise<number>;
  delete(id: string): Promise<boolean>;
  deleteMany(filter: Filter<T>): Promise<number>;
}

export type FieldKind = 'string' | 'number' | 'boolean' | 'date';

export interface IndexSpec {
  /** Index name, stable across engines; also the name a ConflictError carries. */
  name: string;
  keys: ReadonlyArray<readonly [string, SortDirection]>;
  unique?: boolean;
  /**
   * Only documents whose keys are all set (non-null) are indexed; with `unique`, uniqueness holds
   * among those only (SQLite: NULLs never collide; MongoDB: a partial index).
   */
  sparse?: boolean;
  /** The query this index serves (documentation, kept next to the index). */
  serves: string;
}

export interface CollectionSpec<T extends { id: string }> {
  name: string;
  /** Top-level fields that can be filtered or sorted on, with their kinds. `id` is implicit. */
  fields: { [K in Exclude<keyof T & string, 'id'>]?: FieldKind };
  indexes: IndexSpec[];
  /** Documents expire when this date field is at or before now. */
  ttl?: { field: keyof T & string };
  /** Stamp for the schema of this collection; SQLite keeps versioned migrations per collection. */
  version?: number;
}

export interface StorageEngine {
  readonly kind: 'sqlite' | 'mongodb';
  /** Create tables/collections and indexes idempotently; run pending migrations. */
  open(): Promise<void>;
  collection<T extends { id: string }>(spec: CollectionSpec<T>): Collection<T>;
  /** Cheap round trip proving the store answers (readiness). */
  ping(): Promise<void>;
  /** Delete expired documents of every TTL collection; returns how many. */
  sweepExpired(now?: Date): Promise<number>;
  close(): Promise<void>;
}
