/**
 * Loads the vetted knowledge base from its directory of JSON files (default `apps/api/knowledge`,
 * found from this file so it works from `src/` under tsx and from `dist/` after the build).
 *
 * Every file is parsed and checked with Zod; the first problem throws a `KnowledgeBaseError` that
 * names the file and the entry (index and id) and field, so a bad edit stops the boot with a message
 * a person can act on. Ids must be unique across files. The result carries a content hash (sha256
 * over the entries in id order, plus the embedding model's id given by the caller) that the
 * vector index uses to skip re-embedding when nothing changed.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knowledgeFileSchema, type KnowledgeEntry } from './knowledge.schema.js';

/** `apps/api/knowledge`: three levels up from `src/modules/knowledge/` and from `dist/modules/knowledge/`. */
export const DEFAULT_KNOWLEDGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../knowledge');

export class KnowledgeBaseError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KnowledgeBaseError';
  }
}

export interface KnowledgeBase {
  entries: KnowledgeEntry[];
  byId: Map<string, KnowledgeEntry>;
  /** sha256 (hex) of the entries' canonical JSON, in id order. */
  contentHash: string;
  /** File each entry came from (relative name), by id. */
  fileOf: Map<string, string>;
}

export async function loadKnowledgeBase(dir: string = DEFAULT_KNOWLEDGE_DIR): Promise<KnowledgeBase> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw new KnowledgeBaseError(`knowledge base: cannot read ${dir}: ${(err as Error).message}`, dir, undefined, {
      cause: err,
    });
  }
  if (names.length === 0) throw new KnowledgeBaseError(`knowledge base: no .json files in ${dir}`, dir);
  const entries: KnowledgeEntry[] = [];
  const fileOf = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new KnowledgeBaseError(
        `knowledge base: ${file} is not valid JSON: ${(err as Error).message}`,
        file,
        undefined,
        {
          cause: err,
        },
      );
    }
    const parsed = knowledgeFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const [index, ...rest] = issue.path;
      const id =
        typeof index === 'number' && Array.isArray(raw) ? (raw[index] as { id?: unknown } | undefined)?.id : undefined;
      const where =
        typeof index === 'number'
          ? `entry [${index}]${typeof id === 'string' ? ` (${JSON.stringify(id)})` : ''}${rest.length ? ` field ${rest.join('.')}` : ''}`
          : 'the file';
      const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
      throw new KnowledgeBaseError(
        `knowledge base: ${file}: ${where}: ${issue.message}${more}`,
        file,
        issue.path.join('.'),
      );
    }
    for (const [i, entry] of parsed.data.entries()) {
      const other = fileOf.get(entry.id);
      if (other !== undefined) {
        throw new KnowledgeBaseError(
          `knowledge base: ${file}: entry [${i}] (${JSON.stringify(entry.id)}): id already used in ${other}`,
          file,
          `${i}.id`,
        );
      }
      fileOf.set(entry.id, name);
      entries.push(entry);
    }
  }
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    entries,
    byId: new Map(entries.map((e) => [e.id, e])),
    contentHash: hashEntries(entries),
    fileOf,
  };
}

/** sha256 of the entries in id order (keys in schema order, so reformatting a file changes nothing). */
export function hashEntries(entries: readonly KnowledgeEntry[]): string {
  const h = createHash('sha256');
  for (const e of [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    h.update(
      JSON.stringify([e.id, e.title, e.language, e.body, e.tags, e.source.name, e.source.url, e.source.reviewed]),
    );
    h.update('\n');
  }
  return h.digest('hex');
}
