/**
 * The vector index port: a named set of unit-length vectors with an id and a language each,
 * searched by cosine similarity (the dot product of unit vectors). Two engines implement it:
 * SQLite embedded (`sqlite.ts`, sqlite-vec's `vec0` table) and MongoDB (`mongodb.ts`, Atlas Vector
 * Search where the server has it, an exact scan otherwise). One contract suite runs against both.
 *
 * The index is derived data (the knowledge base is the source of truth), so it is written whole:
 * `replaceAll(records, fingerprint)` swaps the contents and records the fingerprint (content hash +
 * embedding model) it was built from; `fingerprint()` lets a boot skip re-embedding when nothing
 * changed.
 */
export interface VectorRecord {
  id: string;
  /** ISO 639-1 language of the text the vector came from. */
  language: string;
  vector: Float32Array;
}

export interface VectorSearchOptions {
  /** How many results at most. */
  k: number;
  /** Only records in this language. */
  language?: string;
  /** Drop results whose cosine similarity is below this. */
  minScore?: number;
}

export interface VectorHit {
  id: string;
  /** Cosine similarity, -1..1 (1 = same direction). Best first. */
  score: number;
}

export interface VectorIndex {
  readonly kind: 'sqlite' | 'mongodb';
  /** How the index searches: sqlite-vec, Atlas `$vectorSearch`, or an exact scan in memory. */
  readonly method: 'sqlite-vec' | 'atlas-vector-search' | 'exact-scan';
  readonly name: string;
  readonly dimensions: number;
  open(): Promise<void>;
  /** What the current contents were built from, or null when never built. */
  fingerprint(): Promise<string | null>;
  /** Replace every record at once (no reader sees a mix); then `fingerprint()` returns `fingerprint`. */
  replaceAll(records: readonly VectorRecord[], fingerprint: string): Promise<void>;
  search(query: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** A vector of the wrong size, a bad name, or an index used before `open()`. */
export class VectorIndexError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VectorIndexError';
  }
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function checkName(name: string): string {
  if (!NAME.test(name))
    throw new VectorIndexError(`bad vector index name ${JSON.stringify(name)}: [a-z][a-z0-9_]{0,40}`);
  return name;
}

export function checkVector(v: Float32Array, dimensions: number, what: string): void {
  if (!(v instanceof Float32Array) || v.length !== dimensions) {
    throw new VectorIndexError(
      `${what}: expected a Float32Array of ${dimensions} values, got ${v?.length ?? typeof v}`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new VectorIndexError(`${what}: value ${i} is not finite`);
  }
}

export function checkSearch(options: VectorSearchOptions): void {
  if (!Number.isInteger(options.k) || options.k < 1 || options.k > 1000) {
    throw new VectorIndexError(`k must be an integer from 1 to 1000, got ${options.k}`);
  }
}

/**
 * Exact nearest neighbours by dot product over records held in memory: the reference the
 * contract suite checks against, and the MongoDB engine's method on servers without vector search.
 * O(n·d): about 0.1 ms for a thousand 384-dimension vectors.
 */
export function exactScan(
  records: readonly VectorRecord[],
  query: Float32Array,
  options: VectorSearchOptions,
): VectorHit[] {
  const hits: VectorHit[] = [];
  const d = query.length;
  for (const r of records) {
    if (options.language !== undefined && r.language !== options.language) continue;
    const v = r.vector;
    let s = 0;
    for (let i = 0; i < d; i++) s += v[i]! * query[i]!;
    if (options.minScore !== undefined && s < options.minScore) continue;
    hits.push({ id: r.id, score: s });
  }
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return hits.slice(0, options.k);
}
