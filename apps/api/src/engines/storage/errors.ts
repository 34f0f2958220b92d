/**
 * Errors the storage engines throw. Services map them to HTTP problems (409, 503); both carry the
 * underlying driver error as `cause`.
 */

/** Name a ConflictError carries when the primary key (`id`, `_id` in MongoDB) is the one violated. */
export const PRIMARY_KEY_INDEX = 'primary';

/** A write would break a unique index. `index` is the index name from the collection spec. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code = 'conflict' as const;
  readonly collection: string;
  /** Index name from the collection spec (or PRIMARY_KEY_INDEX). */
  readonly index: string;
  /** The index's fields, in key order. */
  readonly fields: readonly string[];

  constructor(collection: string, index: string, fields: readonly string[], options?: { cause?: unknown }) {
    super(
      `${collection}: duplicate value for unique index ${index} (${fields.join(', ') || 'unknown fields'})`,
      options,
    );
    this.collection = collection;
    this.index = index;
    this.fields = fields;
  }

  /** The first (usually only) field of the index, e.g. `email`. */
  get field(): string | undefined {
    return this.fields[0];
  }
}

/** The store did not answer (down, unreachable, locked, disk full). Retry later; readiness fails. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  readonly code = 'storage_unavailable' as const;

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

export function isConflictError(err: unknown): err is ConflictError {
  return err instanceof ConflictError;
}
