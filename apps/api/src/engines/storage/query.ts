/**
 * Engine-neutral validation and normalisation of filters, sorts, keyset cursors and updates.
 * Both engines translate the same normalised form, so that they accept and reject exactly the same
 * inputs: a filter on an undeclared field, an object where a scalar belongs (`{"$gt": ""}` from a
 * client), a value of the wrong kind, or an `undefined` filter value (which would otherwise match
 * "missing" in one engine and be dropped in another) throws `StorageQueryError`, a programming error.
 */
import type { CollectionSpec, FieldKind, Filter, FindOptions, SortDirection, UpdateSpec } from './port.js';

/** What the storage engines log through (pino's and Fastify's loggers fit). */
export interface StorageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export const silentLogger: StorageLogger = { info() {}, warn() {}, error() {} };

/** A query the code built wrongly (never a user error: user input is validated before it gets here). */
export class StorageQueryError extends Error {
  override name = 'StorageQueryError';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySpec = CollectionSpec<any>;

/** A normalised value: dates are Date, never strings; `null` stands for "missing or null". */
export type Value = string | number | boolean | Date | null;

export type Op = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

export type Cond =
  | { field: string; kind: FieldKind; op: Op; value: Value }
  | { field: string; kind: FieldKind; op: 'in'; values: Value[] }
  | { field: string; kind: FieldKind; op: 'exists'; value: boolean };

export interface SortKey {
  field: string;
  kind: FieldKind;
  dir: SortDirection;
}

export interface NormalizedFind {
  conds: Cond[];
  sort: SortKey[];
  /** Keyset position, one non-null value per sort key, in sort order. */
  after?: Value[];
  limit?: number;
}

export interface NormalizedUpdate {
  /** Fields to set, `undefined` values dropped (as JSON would). */
  set: Array<[string, unknown]>;
  unset: string[];
  inc: Array<[string, number]>;
}

const OPS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The kind of a filterable field, `id` included; throws on anything undeclared. */
export function fieldKind(spec: AnySpec, field: string): FieldKind {
  if (field === 'id') return 'string';
  const kind = Object.prototype.hasOwnProperty.call(spec.fields, field)
    ? (spec.fields as Record<string, FieldKind | undefined>)[field]
    : undefined;
  if (!kind) {
    throw new StorageQueryError(
      `${spec.name}: field "${field}" is not declared in the collection spec; it cannot be filtered or sorted on`,
    );
  }
  return kind;
}

/** Declared field names, checked to be safe SQL identifiers (they come from code, still checked once). */
export function declaredFields(spec: AnySpec): Array<[string, FieldKind]> {
  const out: Array<[string, FieldKind]> = [];
  for (const [name, kind] of Object.entries(spec.fields as Record<string, FieldKind | undefined>)) {
    if (!kind) continue;
    if (!IDENT.test(name) || name === 'id' || name === 'doc') {
      throw new StorageQueryError(`${spec.name}: field name "${name}" is not allowed`);
    }
    out.push([name, kind]);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Check (and for dates, coerce) one scalar against the field's kind. */
export function normalizeValue(spec: AnySpec, field: string, kind: FieldKind, v: unknown, allowNull = true): Value {
  if (v === null) {
    if (allowNull) return null;
    throw new StorageQueryError(`${spec.name}.${field}: null is not allowed here`);
  }
  if (v === undefined) {
    throw new StorageQueryError(
      `${spec.name}.${field}: filter value is undefined (omit the key, or pass null for "missing")`,
    );
  }
  switch (kind) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'date': {
      // Dates also accepted as epoch ms or ISO strings (keyset cursors decoded from a client).
      const d = v instanceof Date ? v : typeof v === 'number' || typeof v === 'string' ? new Date(v) : null;
      if (d && !Number.isNaN(d.getTime())) return d;
      break;
    }
  }
  const shown = isPlainObject(v) || Array.isArray(v) ? 'an object' : typeof v;
  throw new StorageQueryError(`${spec.name}.${field}: expected a ${kind} value, got ${shown}`);
}

export function normalizeFilter(spec: AnySpec, filter: Filter<{ id: string }> | undefined): Cond[] {
  const conds: Cond[] = [];
  if (filter === undefined || filter === null) return conds;
  if (!isPlainObject(filter)) throw new StorageQueryError(`${spec.name}: a filter must be a plain object`);
  for (const [field, raw] of Object.entries(filter)) {
    const kind = fieldKind(spec, field);
    if (raw instanceof Date || raw === null || typeof raw !== 'object') {
      conds.push({ field, kind, op: 'eq', value: normalizeValue(spec, field, kind, raw) });
      continue;
    }
    if (!isPlainObject(raw)) {
      throw new StorageQueryError(`${spec.name}.${field}: filter values are scalars or operator objects`);
    }
    const keys = Object.keys(raw);
    if (keys.length === 0) throw new StorageQueryError(`${spec.name}.${field}: empty operator object`);
    for (const op of keys) {
      if (!OPS.has(op)) {
        throw new StorageQueryError(`${spec.name}.${field}: unknown filter operator "${op}"`);
      }
      const v = raw[op];
      if (op === 'in') {
        if (!Array.isArray(v)) throw new StorageQueryError(`${spec.name}.${field}: "in" takes an array`);
        conds.push({ field, kind, op: 'in', values: v.map((x) => normalizeValue(spec, field, kind, x)) });
      } else if (op === 'exists') {
        if (typeof v !== 'boolean') throw new StorageQueryError(`${spec.name}.${field}: "exists" takes a boolean`);
        conds.push({ field, kind, op: 'exists', value: v });
      } else {
        const range = op !== 'eq' && op !== 'ne';
        conds.push({ field, kind, op: op as Op, value: normalizeValue(spec, field, kind, v, !range) });
      }
    }
  }
  return conds;
}

export function normalizeFind(
  spec: AnySpec,
  filter: Filter<{ id: string }> | undefined,
  options: FindOptions<{ id: string }> = {},
): NormalizedFind {
  const conds = normalizeFilter(spec, filter);
  const sort: SortKey[] = [];
  for (const entry of options.sort ?? []) {
    const [field, dir] = entry;
    if (dir !== 1 && dir !== -1) throw new StorageQueryError(`${spec.name}.${field}: sort direction must be 1 or -1`);
    sort.push({ field, kind: fieldKind(spec, field), dir });
  }
  let after: Value[] | undefined;
  if (options.after !== undefined) {
    if (!isPlainObject(options.after)) throw new StorageQueryError(`${spec.name}: "after" must be a plain object`);
    if (sort.length === 0) throw new StorageQueryError(`${spec.name}: "after" needs a sort`);
    const a = options.after as Record<string, unknown>;
    for (const k of Object.keys(a)) {
      if (!sort.some((s) => s.field === k))
        throw new StorageQueryError(`${spec.name}: "after" has "${k}", which is not a sort key`);
    }
    after = sort.map((s) => normalizeValue(spec, s.field, s.kind, a[s.field], false));
  }
  let limit: number | undefined;
  if (options.limit !== undefined) {
    if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
      throw new StorageQueryError(`${spec.name}: limit must be a non-negative integer`);
    }
    limit = options.limit;
  }
  return { conds, sort, after, limit };
}

/** Validate a value about to be stored in a declared field (insert or `set`). */
export function checkStoredValue(spec: AnySpec, field: string, v: unknown): void {
  if (v === undefined || v === null) return;
  const kind = (spec.fields as Record<string, FieldKind | undefined>)[field];
  if (!kind) return;
  const ok =
    kind === 'string'
      ? typeof v === 'string'
      : kind === 'number'
        ? typeof v === 'number' && Number.isFinite(v)
        : kind === 'boolean'
          ? typeof v === 'boolean'
          : v instanceof Date && !Number.isNaN(v.getTime());
  if (!ok)
    throw new StorageQueryError(
      `${spec.name}.${field}: declared ${kind}, got ${v instanceof Date ? 'an invalid Date' : typeof v}`,
    );
}

export function checkDocument(spec: AnySpec, doc: Record<string, unknown>): void {
  if (!isPlainObject(doc)) throw new StorageQueryError(`${spec.name}: a document must be a plain object`);
  if (typeof doc.id !== 'string' || doc.id.length === 0)
    throw new StorageQueryError(`${spec.name}: document id must be a non-empty string`);
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) throw new StorageQueryError(`${spec.name}: top-level field "${key}" may not start with $`);
  }
  for (const field of Object.keys(spec.fields)) checkStoredValue(spec, field, doc[field]);
}

export function normalizeUpdate(spec: AnySpec, update: UpdateSpec<{ id: string }>): NormalizedUpdate {
  const seen = new Set<string>();
  const claim = (field: string) => {
    if (field === 'id') throw new StorageQueryError(`${spec.name}: id cannot be updated`);
    if (field.startsWith('$') || field.includes('.') || field.includes('\u0000')) {
      throw new StorageQueryError(`${spec.name}: "${field}" is not a valid top-level field name`);
    }
    if (seen.has(field)) throw new StorageQueryError(`${spec.name}.${field}: updated twice in one update`);
    seen.add(field);
  };
  const set: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries((update.set ?? {}) as Record<string, unknown>)) {
    if (v === undefined) continue;
    claim(k);
    checkStoredValue(spec, k, v);
    set.push([k, v]);
  }
  const unset: string[] = [];
  for (const k of update.unset ?? []) {
    claim(k);
    unset.push(k);
  }
  const inc: Array<[string, number]> = [];
  for (const [k, v] of Object.entries((update.inc ?? {}) as Record<string, unknown>)) {
    if (v === undefined) continue;
    claim(k);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new StorageQueryError(`${spec.name}.${k}: inc takes a finite number`);
    const kind = (spec.fields as Record<string, FieldKind | undefined>)[k];
    if (kind && kind !== 'number') throw new StorageQueryError(`${spec.name}.${k}: inc on a ${kind} field`);
    inc.push([k, v]);
  }
  return { set, unset, inc };
}

export function isEmptyUpdate(u: NormalizedUpdate): boolean {
  return u.set.length === 0 && u.unset.length === 0 && u.inc.length === 0;
}
