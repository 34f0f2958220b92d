/**
 * The vector index contract: ONE suite, run against every engine.
 * - SQLite (sqlite-vec): always, in a temp directory.
 * - MongoDB: when MEDICHAT_TEST_MONGODB_URI is set (FerretDB in `npm test`: no vector search, so
 *   the exact scan; Atlas would take `$vectorSearch`), a fresh database per run, dropped at the end.
 *   MEDICHAT_REQUIRE_MONGODB=1 without a URI fails; with MEDICHAT_TEST_MARKER_DIR set,
 *   `<dir>/mongodb-vector-contract.ran` receives the number of MongoDB tests that passed.
 * Results are checked against `exactScan` over the same records (the brute-force reference).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoVectorIndex } from './mongodb.js';
import { exactScan, VectorIndexError, type VectorIndex, type VectorRecord } from './port.js';
import { SqliteVectorIndex } from './sqlite.js';

const D = 384;

interface EngineCase {
  name: string;
  /** `make(name, dims)` gives a new, unopened index over the same store each time. */
  setup(): Promise<{ make: (name: string, dims?: number) => VectorIndex; cleanup(): Promise<void> }>;
}

const sqliteCase: EngineCase = {
  name: 'sqlite',
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-vector-'));
    return {
      make: (name, dims = D) => new SqliteVectorIndex({ name, dimensions: dims, dataDir: dir }),
      async cleanup() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const mongoUri = process.env.MEDICHAT_TEST_MONGODB_URI;
const mongoCase: EngineCase = {
  name: 'mongodb',
  async setup() {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const db = client.db(`medichat_vector_${Date.now()}_${randomBytes(3).toString('hex')}`);
    return {
      make: (name, dims = D) => new MongoVectorIndex({ name, dimensions: dims, db, refreshMs: 0 }),
      async cleanup() {
        await db.dropDatabase();
        await client.close();
      },
    };
  },
};

const cases: EngineCase[] = [sqliteCase];
if (mongoUri) cases.push(mongoCase);
else if (process.env.MEDICHAT_REQUIRE_MONGODB === '1') {
  describe('vector contract: mongodb', () => {
    it('MEDICHAT_TEST_MONGODB_URI is set (required by MEDICHAT_REQUIRE_MONGODB=1)', () => {
      assert.ok(mongoUri, 'MEDICHAT_REQUIRE_MONGODB=1 but MEDICHAT_TEST_MONGODB_URI is not set');
    });
  });
}

/** Deterministic pseudo-random unit vectors (xorshift), so failures reproduce. */
function unitVectors(n: number, seed: number, dims = D): Float32Array[] {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0xffffffff) * 2 - 1;
  };
  return Array.from({ length: n }, () => {
    const v = new Float32Array(dims);
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += (v[i] = rnd()) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < dims; i++) v[i]! /= norm;
    return v;
  });
}

const LANGS = ['en', 'de', 'fr', 'es'];
function records(n: number, seed: number): VectorRecord[] {
  return unitVectors(n, seed).map((vector, i) => ({
    id: `r${String(i).padStart(4, '0')}`,
    language: LANGS[i % 4]!,
    vector,
  }));
}

/** A vector close to `v` (v plus a little noise, renormalised). */
function near(v: Float32Array, seed: number, noise = 0.05): Float32Array {
  const n = unitVectors(1, seed)[0]!;
  const out = new Float32Array(v.length);
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += (out[i] = v[i]! + noise * n[i]!) ** 2;
  norm = Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) out[i]! /= norm;
  return out;
}

for (const engineCase of cases) {
  describe(`vector contract: ${engineCase.name}`, () => {
    let h: Awaited<ReturnType<EngineCase['setup']>>;
    let passed = 0;
    // node:test runs and awaits `it` itself; the wrapper only counts passes for the CI marker.
    const test = (name: string, fn: () => Promise<void>): void => {
      void it(name, async () => {
        await fn();
        passed++;
      });
    };
    before(async () => {
      h = await engineCase.setup();
    });
    after(async () => {
      await h.cleanup();
      const markerDir = process.env.MEDICHAT_TEST_MARKER_DIR;
      if (engineCase.name === 'mongodb' && markerDir) {
        mkdirSync(markerDir, { recursive: true });
        writeFileSync(join(markerDir, 'mongodb-vector-contract.ran'), `${passed}\n`);
      }
    });

    test('a new index is empty, has no fingerprint, and searches to nothing', async () => {
      const idx = h.make('empty');
      await idx.open();
      assert.equal(await idx.fingerprint(), null);
      assert.equal(await idx.count(), 0);
      assert.deepEqual(await idx.search(unitVectors(1, 9)[0]!, { k: 5 }), []);
      await idx.close();
    });

    test('top-k matches the exact reference, best first, with cosine scores', async () => {
      const idx = h.make('topk');
      await idx.open();
      const recs = records(300, 7);
      await idx.replaceAll(recs, 'fp-1');
      assert.equal(await idx.count(), 300);
      assert.equal(await idx.fingerprint(), 'fp-1');
      for (const [i, target] of [3, 150, 299].entries()) {
        const q = near(recs[target]!.vector, 100 + i);
        const got = await idx.search(q, { k: 5 });
        const want = exactScan(recs, q, { k: 5 });
        assert.deepEqual(
          got.map((g) => g.id),
          want.map((w) => w.id),
        );
        assert.equal(got[0]!.id, recs[target]!.id);
        for (const [j, g] of got.entries())
          assert.ok(Math.abs(g.score - want[j]!.score) < 1e-4, `${g.score} vs ${want[j]!.score}`);
        for (let j = 1; j < got.length; j++) assert.ok(got[j - 1]!.score >= got[j]!.score);
      }
      // The record itself scores ~1.
      const self = await idx.search(recs[42]!.vector, { k: 1 });
      assert.equal(self[0]!.id, recs[42]!.id);
      assert.ok(self[0]!.score > 0.9999, String(self[0]!.score));
      await idx.close();
    });

    test('language filter and minimum score', async () => {
      const idx = h.make('filter');
      await idx.open();
      const recs = records(120, 11);
      await idx.replaceAll(recs, 'fp');
      const q = near(recs[5]!.vector, 3); // r0005 is 'de' (5 % 4 = 1)
      const de = await idx.search(q, { k: 10, language: 'de' });
      assert.equal(de.length, 10, 'k results after filtering, not k before');
      assert.ok(de.every((hit) => recs.find((r) => r.id === hit.id)!.language === 'de'));
      assert.equal(de[0]!.id, 'r0005');
      const en = await idx.search(q, { k: 3, language: 'en' });
      assert.ok(!en.some((hit) => hit.id === 'r0005'));
      assert.deepEqual(await idx.search(q, { k: 3, language: 'xx' }), []);
      const strict = await idx.search(q, { k: 10, minScore: 0.9 });
      assert.deepEqual(
        strict.map((s) => s.id),
        ['r0005'],
      );
      await idx.close();
    });

    test('replaceAll swaps the whole contents and the fingerprint survives a reopen', async () => {
      const a = h.make('swap');
      await a.open();
      const first = records(50, 21);
      await a.replaceAll(first, 'fp-a');
      const second = records(20, 22).map((r) => ({ ...r, id: `s${r.id}` }));
      await a.replaceAll(second, 'fp-b');
      assert.equal(await a.count(), 20);
      const hit = await a.search(first[0]!.vector, { k: 50 });
      assert.ok(
        hit.every((x) => x.id.startsWith('s')),
        'no record of the first build is left',
      );
      await a.close();
      const b = h.make('swap');
      await b.open();
      assert.equal(await b.fingerprint(), 'fp-b');
      assert.equal(await b.count(), 20);
      assert.equal((await b.search(second[7]!.vector, { k: 1 }))[0]!.id, second[7]!.id);
      await b.replaceAll([], 'fp-empty');
      assert.equal(await b.count(), 0);
      await b.close();
    });

    test('another process rebuilding the index is seen by a reader', async () => {
      const reader = h.make('shared');
      const writer = h.make('shared');
      await reader.open();
      await writer.open();
      const recs = records(10, 31);
      await writer.replaceAll(recs, 'w1');
      assert.equal((await reader.search(recs[4]!.vector, { k: 1 }))[0]?.id, recs[4]!.id);
      const next = records(10, 32).map((r) => ({ ...r, id: `n${r.id}` }));
      await writer.replaceAll(next, 'w2');
      assert.equal((await reader.search(next[2]!.vector, { k: 1 }))[0]?.id, next[2]!.id);
      await reader.close();
      await writer.close();
    });

    test('other dimensions start the index over', async () => {
      const a = h.make('dims', 8);
      await a.open();
      await a.replaceAll(
        records(4, 41).map((r) => ({ ...r, vector: r.vector.slice(0, 8) })),
        'fp8',
      );
      await a.close();
      const b = h.make('dims', 16);
      await b.open();
      assert.equal(await b.fingerprint(), null);
      assert.equal(await b.count(), 0);
      await b.close();
    });

    test('bad input is a VectorIndexError and changes nothing', async () => {
      const idx = h.make('bad');
      await idx.open();
      const recs = records(5, 51);
      await idx.replaceAll(recs, 'good');
      const isVE = (err: unknown) => err instanceof VectorIndexError;
      await assert.rejects(idx.replaceAll([{ ...recs[0]!, vector: new Float32Array(3) }], 'x'), isVE);
      await assert.rejects(idx.replaceAll([recs[0]!, recs[0]!], 'x'), isVE);
      const nan = new Float32Array(D);
      nan[0] = Number.NaN;
      await assert.rejects(idx.replaceAll([{ ...recs[0]!, vector: nan }], 'x'), isVE);
      await assert.rejects(idx.search(new Float32Array(D - 1), { k: 1 }), isVE);
      await assert.rejects(idx.search(recs[0]!.vector, { k: 0 }), isVE);
      await assert.rejects(idx.search(recs[0]!.vector, { k: 1.5 }), isVE);
      assert.equal(await idx.fingerprint(), 'good');
      assert.equal(await idx.count(), 5);
      assert.throws(() => h.make('Bad-Name'), isVE);
      await idx.close();
    });
  });
}
