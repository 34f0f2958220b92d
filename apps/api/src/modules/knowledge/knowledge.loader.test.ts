/**
 * The knowledge base as shipped loads and is valid; a file that breaks the schema (or the JSON, or
 * the uniqueness of ids) fails with an error naming the file, the entry and the field.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError, loadKnowledgeBase } from './knowledge.loader.js';
import type { KnowledgeEntry } from './knowledge.schema.js';

const good: KnowledgeEntry = {
  id: 'test-entry',
  title: 'A test entry',
  language: 'en',
  body: 'This is a test entry long enough to pass the minimum length of a body, which is eighty characters.',
  tags: ['test'],
  source: { name: 'NHS', url: 'https://www.nhs.uk/conditions/test/', reviewed: '2026-12-02' },
};

describe('knowledge base as shipped', () => {
  test('loads: at least 80 entries, unique ids, every entry sourced, several languages', async () => {
    const kb = await loadKnowledgeBase();
    assert.ok(kb.entries.length >= 80, `${kb.entries.length} entries`);
    assert.equal(kb.byId.size, kb.entries.length);
    assert.match(kb.contentHash, /^[0-9a-f]{64}$/);
    for (const e of kb.entries) assert.match(e.source.url, /^https:\/\//, e.id);
    const langs = new Set(kb.entries.map((e) => e.language));
    for (const l of ['en', 'de', 'fr', 'es']) assert.ok(langs.has(l as KnowledgeEntry['language']), l);
    for (const id of ['stroke-fast', 'anaphylaxis', 'warfarin', 'paracetamol', 'sepsis', 'suicidal-thoughts-crisis']) {
      assert.ok(kb.byId.has(id), id);
    }
  });

  test('the hash ignores formatting and file order, and changes with content', async () => {
    const kb = await loadKnowledgeBase();
    const dir = await mkdtemp(join(tmpdir(), 'medichat-kb-'));
    try {
      const entries = [...kb.entries].reverse();
      await writeFile(join(dir, 'b.json'), JSON.stringify(entries.slice(0, 50)));
      await writeFile(join(dir, 'a.json'), JSON.stringify(entries.slice(50), null, 4));
      assert.equal((await loadKnowledgeBase(dir)).contentHash, kb.contentHash);
      entries[0] = { ...entries[0]!, body: `${entries[0]!.body} More.` };
      await writeFile(join(dir, 'b.json'), JSON.stringify(entries.slice(0, 50)));
      assert.notEqual((await loadKnowledgeBase(dir)).contentHash, kb.contentHash);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('knowledge base: a bad file stops the load, naming the file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medichat-kb-bad-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function failsWith(files: Record<string, string>, pattern: RegExp, file: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await assert.rejects(loadKnowledgeBase(dir), (err: unknown) => {
      assert.ok(err instanceof KnowledgeBaseError, String(err));
      assert.match(err.message, pattern);
      assert.equal(err.file, join(dir, file));
      assert.ok(err.message.includes(join(dir, file)), err.message);
      return true;
    });
  }

  const ok = JSON.stringify([good]);
  test('a missing field: file, entry index and id, field', async () => {
    const { source: _source, ...noSource } = good;
    await failsWith(
      {
        'a.json': ok,
        'b.json': JSON.stringify([
          { ...good, id: 'other' },
          { ...noSource, id: 'broken' },
        ]),
      },
      /b\.json: entry \[1\] \("broken"\) field source: /,
      'b.json',
    );
  });
  test('a non-https source url', async () => {
    await failsWith(
      { 'a.json': JSON.stringify([{ ...good, source: { ...good.source, url: 'http://example.com' } }]) },
      /entry \[0\] \("test-entry"\) field source\.url: must be an https:\/\/ URL/,
      'a.json',
    );
  });
  test('an unknown field, a bad language, a too-long body', async () => {
    await failsWith({ 'a.json': JSON.stringify([{ ...good, extra: 1 }]) }, /entry \[0\].*extra/i, 'a.json');
    await failsWith({ 'a.json': JSON.stringify([{ ...good, language: 'xx' }]) }, /field language/, 'a.json');
    await failsWith({ 'a.json': JSON.stringify([{ ...good, body: 'x'.repeat(2000) }]) }, /field body/, 'a.json');
  });
  test('a German entry whose id lacks .de', async () => {
    await failsWith({ 'a.json': JSON.stringify([{ ...good, language: 'de' }]) }, /field id: .*\.<language>/, 'a.json');
  });
  test('invalid JSON, an empty file, a duplicate id across files', async () => {
    await failsWith({ 'a.json': '[{"id": ' }, /a\.json is not valid JSON/, 'a.json');
    await failsWith({ 'a.json': '[]' }, /a\.json: the file: must hold at least one entry/, 'a.json');
    await failsWith(
      { 'a.json': ok, 'b.json': ok },
      /b\.json: entry \[0\] \("test-entry"\): id already used in a\.json/,
      'b.json',
    );
  });
  test('the shipped directory is the one next to the API package', async () => {
    assert.ok((await readFile(join(DEFAULT_KNOWLEDGE_DIR, 'medicines.json'), 'utf8')).includes('"warfarin"'));
  });
});
