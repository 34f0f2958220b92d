/**
 * Grounded replies: finds the knowledge-base entries relevant to a question and formats them for
 * the prompt, with the citations the reply will carry.
 *
 *   const service = await KnowledgeService.create({ kb, embedder, index });   // indexes if changed
 *   const hits = await service.retrieve('my child has a fever of 39', { language: 'en', k: 3 });
 *   const notes = service.formatForPrompt(hits);    // "[1] Fever in children (NHS): …"
 *   const citations = service.citations(hits);      // [{ id, title, sourceName, url }]
 *
 * Retrieval embeds the question (MiniLM, in its worker) and searches the vector index by cosine
 * similarity. A minimum score cuts what is only loosely related, so an off-topic question
 * ("how do I bake bread?") retrieves nothing and the model gets no irrelevant notes.
 *
 * Indexing: each entry is embedded once as "title. tags. body"; the index records a fingerprint of
 * (knowledge-base content hash, embedding model, dimensions, text recipe), and `ensureIndexed()`
 * re-embeds only when it differs, so an unchanged boot costs one small read.
 */
import { createHash } from 'node:crypto';
import type { Citation } from '@medichat/shared';
import type { EmbeddingEngine } from '../../engines/embedding/port.js';
import type { VectorIndex } from '../../engines/vector/port.js';
import type { KnowledgeBase } from './knowledge.loader.js';
import type { KnowledgeEntry } from './knowledge.schema.js';

/**
 * Cosine similarity below which an entry is not offered to the model. From MiniLM's measured score
 * distribution (docs/knowledge-base.md): questions about a covered topic score their entry 0.32–0.8
 * (the lowest are German/French questions: MiniLM is an English model), questions outside medicine
 * score at most 0.25–0.27 against every entry.
 */
export const DEFAULT_MIN_SCORE = 0.3;
/** Bumped when the text an entry is embedded from changes: the index is rebuilt. */
const TEXT_RECIPE = 'title.tags.body/v1';
const BATCH = 16;
const QUERY_MAX_CHARS = 2000;

export interface RetrieveOptions {
  /** The user's language: entries in it and in English, merged by score. Default: every language. */
  language?: string;
  /** How many entries at most (1–10). Default 3. */
  k?: number;
  /** Default `DEFAULT_MIN_SCORE`. */
  minScore?: number;
}

export interface RetrievedEntry {
  entry: KnowledgeEntry;
  /** Cosine similarity of the question and the entry. */
  score: number;
}

export interface KnowledgeServiceDeps {
  kb: KnowledgeBase;
  embedder: EmbeddingEngine;
  /** Opened by `create()` if it is not yet. */
  index: VectorIndex;
  logger?: { info(obj: object, msg?: string): void };
}

export interface IndexReport {
  rebuilt: boolean;
  entries: number;
  ms: number;
  fingerprint: string;
}

export class KnowledgeService {
  private constructor(private readonly deps: KnowledgeServiceDeps) {}

  /** Build the service and make sure the index holds the current knowledge base. */
  static async create(deps: KnowledgeServiceDeps): Promise<KnowledgeService> {
    if (deps.index.dimensions !== deps.embedder.dimensions) {
      throw new Error(
        `vector index ${deps.index.name} has ${deps.index.dimensions} dimensions, the embedding model ${deps.embedder.dimensions}`,
      );
    }
    await deps.index.open();
    const service = new KnowledgeService(deps);
    const report = await service.ensureIndexed();
    deps.logger?.info(
      { knowledge: report },
      report.rebuilt ? 'knowledge base indexed' : 'knowledge base index up to date',
    );
    return service;
  }

  /** The fingerprint the index must carry for the current knowledge base and model. */
  fingerprint(): string {
    const { kb, embedder } = this.deps;
    return createHash('sha256')
      .update(`${kb.contentHash}\n${embedder.modelId}\n${embedder.dimensions}\n${TEXT_RECIPE}`)
      .digest('hex');
  }

  /** Re-embed and replace the index when its fingerprint is not the current one. */
  async ensureIndexed(force = false): Promise<IndexReport> {
    const t0 = performance.now();
    const fingerprint = this.fingerprint();
    const { kb, embedder, index } = this.deps;
    if (!force && (await index.fingerprint()) === fingerprint) {
      return { rebuilt: false, entries: kb.entries.length, ms: performance.now() - t0, fingerprint };
    }
    const records = [];
    for (let i = 0; i < kb.entries.length; i += BATCH) {
      const batch = kb.entries.slice(i, i + BATCH);
      const vectors = await embedder.embed(batch.map(entryText));
      for (const [j, e] of batch.entries()) records.push({ id: e.id, language: e.language, vector: vectors[j]! });
    }
    await index.replaceAll(records, fingerprint);
    return { rebuilt: true, entries: records.length, ms: performance.now() - t0, fingerprint };
  }

  /** The entries relevant to `query`, best first; empty when nothing clears the minimum score. */
  async retrieve(query: string, options: RetrieveOptions = {}): Promise<RetrievedEntry[]> {
    const text = query.trim().slice(0, QUERY_MAX_CHARS);
    if (text.length === 0) return [];
    const k = Math.min(10, Math.max(1, Math.trunc(options.k ?? 3)));
    const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
    const [vector] = await this.deps.embedder.embed([text]);
    const search = (language: string | undefined) => this.deps.index.search(vector!, { k, language, minScore });
    // The user's language and English side by side, best first: English entries cover far more,
    // and the model answers in the user's language either way.
    const hits =
      options.language && options.language !== 'en'
        ? [...(await search(options.language)), ...(await search('en'))].sort((a, b) => b.score - a.score).slice(0, k)
        : await search(options.language);
    const out: RetrievedEntry[] = [];
    for (const h of hits) {
      const entry = this.deps.kb.byId.get(h.id);
      if (entry) out.push({ entry, score: h.score }); // an id from an older build is skipped
    }
    return out;
  }

  /**
   * Compact, numbered notes for the prompt, so the model can cite "[1]":
   *   [1] Fever in children (NHS): A high temperature in a child is 38C or more. …
   * Empty string when there is nothing to offer.
   */
  formatForPrompt(hits: readonly RetrievedEntry[]): string {
    if (hits.length === 0) return '';
    const lines = hits.map((h, i) => `[${i + 1}] ${h.entry.title} (${h.entry.source.name}): ${h.entry.body}`);
    return `Reference notes from vetted patient-education sources. Use them when relevant and cite them by number, e.g. [1]:\n${lines.join('\n')}`;
  }

  /** The citations for `hits`, in the same order as `formatForPrompt` numbers them. */
  citations(hits: readonly RetrievedEntry[]): Citation[] {
    return hits.map((h) => toCitation(h.entry));
  }
}

export function toCitation(entry: KnowledgeEntry): Citation {
  return { id: entry.id, title: entry.title, sourceName: entry.source.name, url: entry.source.url };
}

/**
 * The text an entry is embedded from (see TEXT_RECIPE). One vector per entry: a second vector of
 * title + tags alone was measured (docs/knowledge-base.md) and changed neither top-1 nor top-3
 * accuracy while doubling indexing time and raising off-topic scores.
 */
export function entryText(e: KnowledgeEntry): string {
  return `${e.title}. ${e.tags.join(', ')}. ${e.body}`;
}
