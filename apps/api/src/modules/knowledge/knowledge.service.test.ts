/**
 * The knowledge service on the real MiniLM model and the real vector index (SQLite, sqlite-vec):
 * retrieval quality on a table of questions (the right entry in the top 3 for at least 90 %),
 * off-topic questions retrieve nothing, other languages find their own entries, the prompt block
 * and citations, and the index is rebuilt only when the knowledge base (or the model) changed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citationSchema } from '@medichat/shared';
import { openTestEmbeddingEngine } from '../../engines/embedding/embedding.test-helper.js';
import type { EmbeddingEngine } from '../../engines/embedding/port.js';
import type { TransformersEmbeddingEngine } from '../../engines/embedding/transformers-embedding.engine.js';
import { SqliteVectorIndex } from '../../engines/vector/sqlite.js';
import { hashEntries, loadKnowledgeBase, type KnowledgeBase } from './knowledge.loader.js';
import { OFF_TOPIC, ON_TOPIC } from './knowledge.retrieval-cases.test-helper.js';
import { DEFAULT_MIN_SCORE, KnowledgeService } from './knowledge.service.js';

let embedder: TransformersEmbeddingEngine;
let dir: string;
before(async () => {
  embedder = await openTestEmbeddingEngine(2);
  dir = await mkdtemp(join(tmpdir(), 'medichat-knowledge-'));
});
after(async () => {
  await embedder.close();
  await rm(dir, { recursive: true, force: true });
});

describe('retrieval quality (whole knowledge base)', () => {
  let kb: KnowledgeBase;
  let service: KnowledgeService;
  before(async () => {
    kb = await loadKnowledgeBase();
    service = await KnowledgeService.create({
      kb,
      embedder,
      index: new SqliteVectorIndex({
        name: 'knowledge',
        dimensions: embedder.dimensions,
        file: join(dir, 'quality.sqlite'),
      }),
    });
  });

  test('every expected entry exists', () => {
    for (const [, id] of ON_TOPIC) assert.ok(kb.byId.has(id), id);
  });

  test(`the right entry is in the top 3 for at least 90 % of ${ON_TOPIC.length} questions`, async () => {
    const misses: string[] = [];
    let top1 = 0;
    for (const [q, id] of ON_TOPIC) {
      const language = id.includes('.') ? id.split('.')[1] : 'en';
      const hits = await service.retrieve(q, { k: 3, language });
      const rank = hits.findIndex((h) => h.entry.id === id);
      if (rank === 0) top1++;
      if (rank < 0)
        misses.push(
          `${q} → ${hits.map((h) => `${h.entry.id} ${h.score.toFixed(2)}`).join(', ') || 'nothing'} (want ${id})`,
        );
    }
    const rate = (ON_TOPIC.length - misses.length) / ON_TOPIC.length;
    console.log(
      `top-3 ${(rate * 100).toFixed(1)} %, top-1 ${((top1 / ON_TOPIC.length) * 100).toFixed(1)} %; misses:\n  ${misses.join('\n  ')}`,
    );
    assert.ok(rate >= 0.9, `top-3 accuracy ${(rate * 100).toFixed(1)} %:\n${misses.join('\n')}`);
  });

  test(`off-topic questions retrieve nothing (${OFF_TOPIC.length} questions)`, async () => {
    for (const q of OFF_TOPIC) {
      const hits = await service.retrieve(q, { k: 3 });
      assert.deepEqual(
        hits.map((h) => `${h.entry.id} ${h.score.toFixed(2)}`),
        [],
        q,
      );
    }
  });

  test('results are best first, above the minimum score, at most k', async () => {
    const hits = await service.retrieve('my child has a high temperature and a rash', { k: 5 });
    assert.ok(hits.length > 0 && hits.length <= 5);
    for (const h of hits) assert.ok(h.score >= DEFAULT_MIN_SCORE);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
    assert.equal((await service.retrieve('fever', { k: 1 })).length, 1);
    assert.deepEqual(await service.retrieve('   '), []);
    assert.ok((await service.retrieve('x'.repeat(100_000), { k: 50 })).length <= 10, 'k is capped, long input is fine');
  });

  test('another language searches its own entries and the English ones together', async () => {
    const hits = await service.retrieve('Mein Kind hat Ohrenschmerzen und Fieber, ear infection', {
      k: 3,
      language: 'de',
    });
    assert.ok(hits.length > 0);
    const en = await service.retrieve('How much paracetamol can I take?', { k: 3, language: 'fr' });
    assert.equal(en[0]?.entry.id, 'paracetamol', 'the English entry that answers it comes first');
    const de = await service.retrieve('Schlaganfall: Arm gelähmt, Sprache verwaschen', { k: 3, language: 'de' });
    assert.equal(de[0]?.entry.id, 'stroke-fast.de');
    const onlyEn = await service.retrieve('Schlaganfall: Arm gelähmt, Sprache verwaschen', { k: 3, language: 'en' });
    assert.ok(!onlyEn.some((h) => h.entry.language !== 'en'), 'English: English entries only');
  });

  test('formatForPrompt numbers the entries for citation; citations match the shared schema', async () => {
    const hits = await service.retrieve("I'm allergic to penicillin, can I take amoxicillin?", { k: 2 });
    const text = service.formatForPrompt(hits);
    assert.match(text, /cite them by number/);
    assert.match(text, /^\[1\] Penicillin allergy and amoxicillin \(NHS\): Amoxicillin/m);
    assert.match(text, /^\[2\] /m);
    assert.equal(service.formatForPrompt([]), '');
    const citations = service.citations(hits);
    assert.equal(citations.length, 2);
    for (const c of citations) citationSchema.parse(c);
    assert.deepEqual(citations[0], {
      id: 'penicillin-allergy',
      title: 'Penicillin allergy and amoxicillin',
      sourceName: 'NHS',
      url: 'https://www.nhs.uk/medicines/amoxicillin/',
    });
  });
});

/** The real engine, counting the texts it embeds (it still embeds them). */
function counting(inner: EmbeddingEngine): EmbeddingEngine & { texts: number } {
  const c = {
    texts: 0,
    modelId: inner.modelId,
    dimensions: inner.dimensions,
    embed: (t: readonly string[]) => {
      c.texts += t.length;
      return inner.embed(t);
    },
    close: async () => {},
  };
  return c;
}

describe('indexing only when the knowledge base changed', () => {
  test('same content: no re-embedding; a changed entry or another model: rebuilt', async () => {
    const full = await loadKnowledgeBase();
    const small = (entries: KnowledgeBase['entries']): KnowledgeBase => ({
      entries,
      byId: new Map(entries.map((e) => [e.id, e])),
      contentHash: hashEntries(entries),
      fileOf: new Map(),
    });
    const entries = full.entries.filter((e) => ['migraine', 'warfarin', 'croup', 'sepsis', 'acne'].includes(e.id));
    const file = join(dir, 'rebuild.sqlite');
    const index = () => new SqliteVectorIndex({ name: 'knowledge', dimensions: embedder.dimensions, file });

    const e1 = counting(embedder);
    const s1 = await KnowledgeService.create({ kb: small(entries), embedder: e1, index: index() });
    assert.equal(e1.texts, 5, 'first boot embeds every entry');
    assert.equal((await s1.retrieve('barking cough in my child'))[0]?.entry.id, 'croup');

    const e2 = counting(embedder);
    const reopened = index();
    await KnowledgeService.create({ kb: small([...entries].reverse()), embedder: e2, index: reopened });
    assert.equal(e2.texts, 0, 'an unchanged knowledge base is not embedded again');
    assert.equal(await reopened.count(), 5);

    const changed = entries.map((e) => (e.id === 'acne' ? { ...e, body: `${e.body} Updated.` } : e));
    const e3 = counting(embedder);
    const s3 = await KnowledgeService.create({ kb: small(changed), embedder: e3, index: index() });
    assert.equal(e3.texts, 5, 'a changed entry rebuilds the index');

    const fewer = changed.filter((e) => e.id !== 'croup');
    const e4 = counting(embedder);
    const idx4 = index();
    const s4 = await KnowledgeService.create({ kb: small(fewer), embedder: e4, index: idx4 });
    assert.equal(e4.texts, 4);
    assert.equal(await idx4.count(), 4, 'a removed entry leaves the index');
    assert.notEqual((await s4.retrieve('barking cough in my child', { minScore: -1 }))[0]?.entry.id, 'croup');

    const other = { ...counting(embedder), modelId: 'another-model' };
    let embedded = 0;
    other.embed = (t) => {
      embedded += t.length;
      return embedder.embed(t);
    };
    await KnowledgeService.create({ kb: small(fewer), embedder: other, index: index() });
    assert.equal(embedded, 4, 'another embedding model rebuilds the index');
    assert.notEqual(s3.fingerprint(), s4.fingerprint());
  });

  test('an index of other dimensions than the model is refused', async () => {
    const kb = await loadKnowledgeBase();
    await assert.rejects(
      KnowledgeService.create({
        kb,
        embedder,
        index: new SqliteVectorIndex({ name: 'k2', dimensions: 8, file: join(dir, 'd.sqlite') }),
      }),
      /8 dimensions, the embedding model 384/,
    );
  });
});
