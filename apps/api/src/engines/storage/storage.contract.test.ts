/**
 * The storage contract: ONE suite, run against every available engine.
 * - SQLite: always (a temp directory).
 * - MongoDB: when MEDICHAT_TEST_MONGODB_URI is set (a fresh database per run, dropped at the end).
 *   With MEDICHAT_REQUIRE_MONGODB=1 and no URI, a test fails: CI never skips MongoDB silently.
 *   When it runs and MEDICHAT_TEST_MARKER_DIR is set, `<dir>/mongodb-contract.ran` receives the number
 *   of MongoDB tests that passed.
 *
 *   node --conditions=development --import tsx --test apps/api/src/engines/storage/storage.contract.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chats,
  medicalCards,
  messages,
  models,
  sessions,
  users,
  type ChatDoc,
  type MessageDoc,
  type SessionDoc,
  type UserDoc,
} from './collections.js';
import { ConflictError, PRIMARY_KEY_INDEX } from './errors.js';
import { MongoEngine } from './mongodb.js';
import type { Collection, CollectionSpec, Filter, Sort, StorageEngine } from './port.js';
import { StorageQueryError, type AnySpec } from './query.js';
import { SqliteEngine } from './sqlite.js';
import { startSweeper } from './sweeper.js';
import { openStorage, type Storage } from './index.js';
import { bucketize, openReadingStore, type ReadingCursor, type ReadingRow, type ReadingStore } from './readings.js';
import { setTimeout as sleep } from 'node:timers/promises';

interface Harness {
  engine: StorageEngine;
  /** A second engine on the same store (same file / same database), not opened. */
  sibling(collections?: readonly AnySpec[]): StorageEngine;
  /** Index names of a collection as the store lists them (without the primary key's). */
  indexNames(collection: string): Promise<string[]>;
  /** Whether a document is physically present, expired or not. */
  rawExists(collection: string, id: string): Promise<boolean>;
  /** Whether the engine has a TTL monitor that may delete expired documents on its own. */
  hasTtlMonitor(): boolean;
  /** Arrays of arrays can be stored (not on FerretDB 1.x, a documented limitation of that server). */
  nestedArrays(): boolean;
  cleanup(): Promise<void>;
}

interface EngineCase {
  name: string;
  setup(): Promise<Harness>;
}

const sqliteCase: EngineCase = {
  name: 'sqlite',
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-storage-'));
    const make = (collections?: readonly AnySpec[]) => new SqliteEngine({ dataDir: dir, collections });
    const engine = make();
    await engine.open();
    return {
      engine,
      sibling: make,
      async indexNames(collection) {
        const rows = engine.database
          .prepare('SELECT name FROM pragma_index_list(?)')
          .pluck()
          .all(collection) as string[];
        return rows.filter((n) => !n.startsWith('sqlite_autoindex_')).sort();
      },
      async rawExists(collection, id) {
        return engine.database.prepare(`SELECT count(*) FROM "${collection}" WHERE id = ?`).pluck().get(id) === 1;
      },
      hasTtlMonitor: () => false,
      nestedArrays: () => true,
      async cleanup() {
        await engine.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const mongoUri = process.env.MEDICHAT_TEST_MONGODB_URI;
const mongoCase: EngineCase = {
  name: 'mongodb',
  async setup() {
    const dbName = `medichat_contract_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const make = (collections?: readonly AnySpec[]) => new MongoEngine({ uri: mongoUri!, dbName, collections });
    const engine = make();
    await engine.open();
    return {
      engine,
      sibling: make,
      async indexNames(collection) {
        const list = await engine.db.collection(collection).listIndexes().toArray();
        return list
          .map((i) => i.name as string)
          .filter((n) => n !== '_id_')
          .sort();
      },
      async rawExists(collection, id) {
        return (await engine.db.collection<{ _id: string }>(collection).countDocuments({ _id: id })) === 1;
      },
      hasTtlMonitor: () => engine.ttlIndexes === true,
      nestedArrays: () => !/^v?1\./.test(engine.server.ferretdbVersion ?? ''),
      async cleanup() {
        await engine.db.dropDatabase();
        await engine.close();
      },
    };
  },
};

const cases: EngineCase[] = [sqliteCase];
if (mongoUri) cases.push(mongoCase);
else if (process.env.MEDICHAT_REQUIRE_MONGODB === '1') {
  describe('storage contract: mongodb', () => {
    it('MEDICHAT_TEST_MONGODB_URI is set (required by MEDICHAT_REQUIRE_MONGODB=1)', () => {
      assert.ok(
        mongoUri,
        'MEDICHAT_REQUIRE_MONGODB=1 but MEDICHAT_TEST_MONGODB_URI is not set: the MongoDB contract would be skipped',
      );
    });
  });
}

// ---- fixtures ----

const run = randomBytes(4).toString('hex');
let seq = 0;
/** Sortable unique ids (the app uses UUIDv7; any string works). */
const nextId = (p = 'x') => `${p}-${run}-${String(++seq).padStart(6, '0')}`;
const ms = (d: Date) => d.getTime();

function user(over: Partial<UserDoc> = {}): UserDoc {
  const id = over.id ?? nextId('u');
  const now = new Date();
  return {
    id,
    email: `${id}@example.test`,
    role: 'patient',
    displayName: 'Test Person',
    passwordHash: '$argon2id$v=19$stub',
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

function session(over: Partial<SessionDoc> = {}): SessionDoc {
  const id = over.id ?? nextId('s');
  return {
    id,
    token: `tok-${id}`,
    kind: 'refresh',
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
    ...over,
  };
}

const ids = (docs: Array<{ id: string }>) => docs.map((d) => d.id);

async function assertConflict(p: Promise<unknown>, index: string, field?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ConflictError, `expected ConflictError, got ${String(err)}`);
    assert.equal(err.code, 'conflict');
    assert.equal(err.index, index);
    if (field) assert.equal(err.field, field);
    return true;
  });
}

const expectedIndexes: Record<string, string[]> = Object.fromEntries(
  [users, medicalCards, chats, messages, sessions, models].map((s) => [s.name, s.indexes.map((i) => i.name).sort()]),
);

// ---- the suite ----

for (const engineCase of cases) {
  describe(`storage contract: ${engineCase.name}`, () => {
    let h: Harness;
    let storage: Storage;
    let passed = 0;
    /** `it`, counting passes (for the CI marker). */
    const test = (name: string, fn: () => Promise<void>): void => {
      it(name, async () => {
        await fn();
        passed++;
      });
    };

    before(async () => {
      h = await engineCase.setup();
      storage = await openStorage(h.engine);
    });

    after(async () => {
      await h?.cleanup();
      const markerDir = process.env.MEDICHAT_TEST_MARKER_DIR;
      if (engineCase.name === 'mongodb' && markerDir) {
        mkdirSync(markerDir, { recursive: true });
        writeFileSync(join(markerDir, 'mongodb-contract.ran'), `${passed}\n`);
      }
    });

    test('open() creates every index of the spec, under its name', async () => {
      for (const [collection, names] of Object.entries(expectedIndexes)) {
        assert.deepEqual(await h.indexNames(collection), names, collection);
      }
      if (h.engine instanceof MongoEngine && h.engine.ttlIndexes) {
        const list = await h.engine.db.collection('sessions').listIndexes().toArray();
        assert.equal(list.find((i) => i.name === 'sessions_expiresAt')?.expireAfterSeconds, 0);
      }
    });

    test('open() is idempotent: twice on one engine, and again from a second engine', async () => {
      const migrations =
        h.engine instanceof SqliteEngine
          ? h.engine.database.prepare('SELECT count(*) FROM _migrations').pluck().get()
          : undefined;
      await h.engine.open();
      const other = h.sibling();
      await other.open();
      await other.open();
      await other.close();
      for (const [collection, names] of Object.entries(expectedIndexes)) {
        assert.deepEqual(await h.indexNames(collection), names, collection);
      }
      if (h.engine instanceof SqliteEngine) {
        assert.equal(h.engine.database.prepare('SELECT count(*) FROM _migrations').pluck().get(), migrations);
      }
      await h.engine.ping();
    });

    test('CRUD round trip: dates come back as Date, nested JSON intact', async () => {
      const u = user({ pinHash: null, pinFailures: 0, selectedModelId: null, phone: `+1555${seq}` });
      assert.deepEqual(await storage.users.insert(u), u);
      const got = await storage.users.get(u.id);
      assert.deepEqual(got, u);
      assert.ok(got!.createdAt instanceof Date);
      assert.equal(ms(got!.createdAt), ms(u.createdAt));

      const cardData = {
        profile: { name: 'Ada', dob: '1990-01-02', sex: 'F', bloodType: 'O-' },
        allergies: [{ substance: 'peanut', reaction: 'anaphylaxis', severity: 'severe' }],
        measurements: { heightCm: 170.5, weightKg: 61.25, big: 2 ** 40 },
        flags: [true, false, null, 0, '', 'ü — ✓ 🚑'],
        empty: {},
        deep: { a: { b: { c: h.nestedArrays() ? [[1, 2], { d: 'e' }] : [1, 2, { d: 'e' }] } } },
      };
      const card = {
        id: nextId('card'),
        userId: u.id,
        data: cardData,
        qrVersion: 1,
        createdAt: new Date(),
        updatedAt: new Date(),
      };
      await storage.medicalCards.insert(card);
      assert.deepEqual(await storage.medicalCards.get(card.id), card);
      assert.deepEqual(await storage.medicalCards.findOne({ userId: u.id }), card);

      // An undeclared top-level Date (messages.updatedAt) also round-trips as a Date.
      const m: MessageDoc = {
        id: nextId('m'),
        chatId: nextId('c'),
        role: 'user',
        content: 'hi',
        status: 'complete',
        timings: { ttft: 12.5 },
        createdAt: new Date(),
        updatedAt: new Date(Date.now() + 5),
      };
      await storage.messages.insert(m);
      const gotM = await storage.messages.get(m.id);
      assert.deepEqual(gotM, m);
      assert.ok(gotM!.updatedAt instanceof Date);

      const updated = await storage.users.update(u.id, {
        set: { displayName: 'Renamed', updatedAt: new Date(ms(u.updatedAt) + 1000) },
      });
      assert.equal(updated?.displayName, 'Renamed');
      assert.equal(ms(updated!.updatedAt), ms(u.updatedAt) + 1000);
      assert.ok(!('_id' in (updated as object)));
      assert.deepEqual(await storage.users.get(u.id), updated);

      assert.equal(await storage.users.delete(u.id), true);
      assert.equal(await storage.users.get(u.id), null);
      assert.equal(await storage.users.delete(u.id), false);
      assert.equal(await storage.users.get('no-such-id'), null);
    });

    test('unique email: ConflictError naming users_email_unique; duplicate id: the primary key', async () => {
      const a = user();
      await storage.users.insert(a);
      await assertConflict(storage.users.insert(user({ email: a.email })), 'users_email_unique', 'email');
      await assertConflict(
        storage.users.insert(user({ id: a.id, email: `other-${a.email}` })),
        PRIMARY_KEY_INDEX,
        'id',
      );
      const b = user();
      await storage.users.insert(b);
      await assertConflict(storage.users.update(b.id, { set: { email: a.email } }), 'users_email_unique', 'email');
      assert.equal((await storage.users.get(b.id))?.email, b.email);
    });

    test('sparse unique phone: any number of users without a phone, one per phone number', async () => {
      await storage.users.insert(user());
      await storage.users.insert(user());
      await storage.users.insert(user({ phone: null }));
      const nullPhone = user({ phone: null });
      await storage.users.insert(nullPhone);
      assert.equal((await storage.users.get(nullPhone.id))?.phone ?? null, null);
      const phone = `+44${run}${seq}`;
      const p = user({ phone });
      await storage.users.insert(p);
      await assertConflict(storage.users.insert(user({ phone })), 'users_phone_unique', 'phone');
      await assertConflict(storage.users.update(nullPhone.id, { set: { phone } }), 'users_phone_unique', 'phone');
      // Clearing a phone frees it; null again does not collide.
      await storage.users.update(p.id, { set: { phone: null } });
      assert.equal((await storage.users.update(nullPhone.id, { set: { phone } }))?.phone, phone);
      assert.deepEqual(ids(await storage.users.find({ phone })), [nullPhone.id]);
    });

    test('compound sparse unique (chatId, clientId): idempotent sends', async () => {
      const chatA = nextId('chat');
      const chatB = nextId('chat');
      const msg = (chatId: string, clientId?: string | null): MessageDoc => ({
        id: nextId('m'),
        chatId,
        clientId,
        role: 'user',
        content: 'x',
        status: 'complete',
        createdAt: new Date(),
      });
      await storage.messages.insert(msg(chatA));
      await storage.messages.insert(msg(chatA));
      await storage.messages.insert(msg(chatA, null));
      await storage.messages.insert(msg(chatA, null));
      await storage.messages.insert(msg(chatA, 'c1'));
      await storage.messages.insert(msg(chatB, 'c1'));
      await assertConflict(storage.messages.insert(msg(chatA, 'c1')), 'messages_chatId_clientId_unique', 'chatId');
      assert.equal(await storage.messages.count({ chatId: chatA }), 5);
    });

    test('filters: every FieldOps operator on string, number, date, boolean and id', async () => {
      const t0 = new Date(Date.UTC(2030, 0, 1));
      const at = (s: number) => new Date(ms(t0) + s * 1000);
      const prefix = `ops-${run}-`;
      const u = [
        user({
          id: nextId('u'),
          email: `${prefix}a@x`,
          pinFailures: 0,
          role: 'patient',
          createdAt: at(0),
          phone: `+7${run}1`,
          pinLockedUntil: null,
        }),
        user({ id: nextId('u'), email: `${prefix}b@x`, pinFailures: 1, role: 'clinician', createdAt: at(1) }),
        user({
          id: nextId('u'),
          email: `${prefix}c@x`,
          pinFailures: 2,
          role: 'admin',
          createdAt: at(2),
          phone: null,
          pinLockedUntil: at(10),
        }),
        user({ id: nextId('u'), email: `${prefix}d@x`, role: 'patient', createdAt: at(3) }),
        user({
          id: nextId('u'),
          email: `${prefix}e@x`,
          pinFailures: 5,
          role: 'patient',
          createdAt: at(4),
          pinLockedUntil: at(20),
        }),
      ];
      for (const d of u) await storage.users.insert(d);
      const scope = { email: { in: u.map((d) => d.email) } };
      const idx = async (f: Filter<UserDoc>) => {
        const found = await storage.users.find({ ...scope, ...f }, { sort: [['id', 1]] });
        const n = await storage.users.count({ ...scope, ...f });
        assert.equal(n, found.length, `count agrees with find for ${JSON.stringify(f)}`);
        return found.map((d) => u.findIndex((x) => x.id === d.id) + 1);
      };
      // number (4th user has no pinFailures at all)
      assert.deepEqual(await idx({ pinFailures: 1 }), [2]);
      assert.deepEqual(await idx({ pinFailures: { eq: 1 } }), [2]);
      assert.deepEqual(await idx({ pinFailures: { ne: 1 } }), [1, 3, 4, 5]);
      assert.deepEqual(await idx({ pinFailures: { gt: 0 } }), [2, 3, 5]);
      assert.deepEqual(await idx({ pinFailures: { gte: 1 } }), [2, 3, 5]);
      assert.deepEqual(await idx({ pinFailures: { lt: 2 } }), [1, 2]);
      assert.deepEqual(await idx({ pinFailures: { lte: 2 } }), [1, 2, 3]);
      assert.deepEqual(await idx({ pinFailures: { gt: 0, lt: 5 } }), [2, 3]);
      assert.deepEqual(await idx({ pinFailures: { in: [0, 5] } }), [1, 5]);
      assert.deepEqual(await idx({ pinFailures: { in: [null, 5] } }), [4, 5]);
      assert.deepEqual(await idx({ pinFailures: { in: [] } }), []);
      assert.deepEqual(await idx({ pinFailures: { exists: true } }), [1, 2, 3, 5]);
      assert.deepEqual(await idx({ pinFailures: { exists: false } }), [4]);
      assert.deepEqual(await idx({ pinFailures: null }), [4]);
      assert.deepEqual(await idx({ pinFailures: { ne: null } }), [1, 2, 3, 5]);
      assert.deepEqual(await idx({ pinFailures: { exists: true, ne: 0 } }), [2, 3, 5]);
      // dates (missing and null alike)
      assert.deepEqual(await idx({ createdAt: at(0) }), [1]);
      assert.deepEqual(await idx({ createdAt: { gt: at(1) } }), [3, 4, 5]);
      assert.deepEqual(await idx({ createdAt: { gte: at(1), lt: at(3) } }), [2, 3]);
      assert.deepEqual(await idx({ createdAt: { lte: at(1) } }), [1, 2]);
      assert.deepEqual(await idx({ createdAt: { ne: at(2) } }), [1, 2, 4, 5]);
      assert.deepEqual(await idx({ createdAt: { in: [at(0), at(4)] } }), [1, 5]);
      assert.deepEqual(await idx({ pinLockedUntil: { exists: false } }), [1, 2, 4]);
      assert.deepEqual(await idx({ pinLockedUntil: { gte: at(10) } }), [3, 5]);
      assert.deepEqual(await idx({ pinLockedUntil: { lt: at(15) } }), [3]);
      assert.deepEqual(await idx({ pinLockedUntil: null }), [1, 2, 4]);
      // strings
      assert.deepEqual(await idx({ role: 'patient' }), [1, 4, 5]);
      assert.deepEqual(await idx({ role: { ne: 'patient' } }), [2, 3]);
      assert.deepEqual(await idx({ role: { in: ['admin', 'clinician'] } }), [2, 3]);
      assert.deepEqual(await idx({ role: { gt: 'clinician' } }), [1, 4, 5]);
      assert.deepEqual(await idx({ phone: { exists: true } }), [1]);
      assert.deepEqual(await idx({ phone: { exists: false } }), [2, 3, 4, 5]);
      const byEmail = async (f: Filter<UserDoc>['email']) =>
        (await storage.users.find({ email: f }, { sort: [['email', 1]] })).map(
          (d) => u.findIndex((x) => x.id === d.id) + 1,
        );
      assert.deepEqual(await byEmail({ gt: `${prefix}b@x`, lte: `${prefix}d@x` }), [3, 4]);
      assert.deepEqual(await byEmail({ gte: `${prefix}b@x`, lt: `${prefix}d@x` }), [2, 3]);
      // id
      assert.deepEqual(await idx({ id: u[2]!.id }), [3]);
      assert.deepEqual(await idx({ id: { in: [u[0]!.id, u[4]!.id] } }), [1, 5]);
      assert.deepEqual(await idx({ id: { gt: u[2]!.id } }), [4, 5]);
      assert.deepEqual(await idx({ id: { ne: u[2]!.id }, role: 'patient' }), [1, 4, 5]);
      // sort on a field with missing values: missing first ascending, last descending
      const sorted = await storage.users.find(scope, {
        sort: [
          ['pinFailures', 1],
          ['id', 1],
        ],
      });
      assert.deepEqual(
        sorted.map((d) => u.findIndex((x) => x.id === d.id) + 1),
        [4, 1, 2, 3, 5],
      );
      const newest = await storage.users.findOne(scope, { sort: [['createdAt', -1]] });
      assert.equal(newest?.id, u[4]!.id);
      assert.deepEqual(ids(await storage.users.find(scope, { sort: [['createdAt', -1]], limit: 2 })), [
        u[4]!.id,
        u[3]!.id,
      ]);
      assert.deepEqual(await storage.users.find(scope, { limit: 0 }), []);
      // booleans
      const names = [`m-${run}-1`, `m-${run}-2`, `m-${run}-3`];
      const model = (name: string, isDefault?: boolean) => ({
        id: nextId('model'),
        name,
        engine: 'llama-cpp' as const,
        kind: 'base' as const,
        source: 'hf:x/y',
        path: '/m',
        status: 'available' as const,
        isDefault,
        createdAt: t0,
        updatedAt: t0,
      });
      const mods = [model(names[0]!, true), model(names[1]!, false), model(names[2]!)];
      for (const m of mods) await storage.models.insert(m);
      const mIdx = async (f: Filter<(typeof mods)[number] & { isDefault?: boolean }>) =>
        (await storage.models.find({ name: { in: names }, ...f } as never, { sort: [['name', 1]] })).map(
          (d) => names.indexOf(d.name) + 1,
        );
      assert.deepEqual(await mIdx({ isDefault: true }), [1]);
      assert.deepEqual(await mIdx({ isDefault: false }), [2]);
      assert.deepEqual(await mIdx({ isDefault: { ne: true } }), [2, 3]);
      assert.deepEqual(await mIdx({ isDefault: { exists: false } }), [3]);
      assert.deepEqual(await mIdx({ isDefault: { in: [true, false] } }), [1, 2]);
    });

    test('keyset pagination over 250 messages with equal timestamps: stable, no gaps, no duplicates', async () => {
      const chatId = nextId('chat');
      const base = Date.now() - 3_600_000;
      const docs: MessageDoc[] = [];
      for (let i = 0; i < 250; i++) {
        // 10 distinct timestamps, 25 messages each; ids not in time order.
        const id = `m-${randomBytes(6).toString('hex')}`;
        docs.push({
          id,
          chatId,
          role: i % 2 ? 'assistant' : 'user',
          content: `#${i}`,
          status: 'complete',
          createdAt: new Date(base + Math.floor(i / 25) * 1000),
        });
      }
      for (const d of docs) await storage.messages.insert(d);
      // Noise in another chat, interleaved in time.
      const other = nextId('chat');
      for (let i = 0; i < 30; i++)
        await storage.messages.insert({
          id: nextId('m'),
          chatId: other,
          role: 'user',
          content: 'noise',
          status: 'complete',
          createdAt: new Date(base + i * 300),
        });

      const cmp = (dirT: 1 | -1, dirId: 1 | -1) => (a: MessageDoc, b: MessageDoc) =>
        ms(a.createdAt) !== ms(b.createdAt)
          ? dirT * (ms(a.createdAt) - ms(b.createdAt))
          : dirId * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

      const pageAll = async (sort: Sort<MessageDoc>, pageSize: number) => {
        const out: MessageDoc[] = [];
        let cursor: { createdAt: Date; id: string } | undefined;
        for (let guard = 0; guard < 1000; guard++) {
          const page = await storage.messages.find({ chatId }, { sort, limit: pageSize, after: cursor });
          out.push(...page);
          if (page.length < pageSize) return out;
          const last = page[page.length - 1]!;
          cursor = { createdAt: last.createdAt, id: last.id };
        }
        throw new Error('pagination did not end');
      };

      for (const [dirT, dirId] of [
        [1, 1],
        [-1, -1],
        [-1, 1],
        [1, -1],
      ] as const) {
        for (const size of [1, 7, 25, 50]) {
          if (size === 1 && (dirT !== -1 || dirId !== -1)) continue; // one exhaustive walk is enough
          const got = await pageAll(
            [
              ['createdAt', dirT],
              ['id', dirId],
            ],
            size,
          );
          const expected = [...docs].sort(cmp(dirT, dirId));
          assert.equal(new Set(ids(got)).size, got.length, `no duplicates (${dirT},${dirId},${size})`);
          assert.deepEqual(ids(got), ids(expected), `order (${dirT},${dirId},${size})`);
        }
      }
      // Infinite scroll: newest page, then older, then "newer than" the oldest of the first page.
      const newest = await storage.messages.find(
        { chatId },
        {
          sort: [
            ['createdAt', -1],
            ['id', -1],
          ],
          limit: 30,
        },
      );
      const pivot = newest[newest.length - 1]!;
      const older = await storage.messages.find(
        { chatId },
        {
          sort: [
            ['createdAt', -1],
            ['id', -1],
          ],
          limit: 30,
          after: { createdAt: pivot.createdAt, id: pivot.id },
        },
      );
      const desc = [...docs].sort(cmp(-1, -1));
      assert.deepEqual(ids(older), ids(desc.slice(30, 60)));
      const newer = await storage.messages.find(
        { chatId },
        {
          sort: [
            ['createdAt', 1],
            ['id', 1],
          ],
          limit: 100,
          after: { createdAt: older[0]!.createdAt, id: older[0]!.id },
        },
      );
      assert.deepEqual(ids(newer), ids(desc.slice(0, 30)).reverse());
      // A single sort key pages too (strictly after).
      const byTime = await storage.messages.find(
        { chatId },
        { sort: [['createdAt', 1]], after: { createdAt: new Date(base + 8000) } },
      );
      assert.equal(byTime.length, 25);
      // A cursor must give every sort key.
      await assert.rejects(
        storage.messages.find(
          { chatId },
          {
            sort: [
              ['createdAt', 1],
              ['id', 1],
            ],
            after: { createdAt: new Date() },
          },
        ),
        StorageQueryError,
      );
    });

    test('update: set, unset, inc, compare-and-set where; updateMany, deleteMany, count', async () => {
      const u = user({ pinHash: 'h1' });
      await storage.users.insert(u);
      let r = await storage.users.update(u.id, { inc: { pinFailures: 1 } });
      assert.equal(r?.pinFailures, 1);
      r = await storage.users.update(u.id, {
        inc: { pinFailures: 2 },
        set: { pinLockedUntil: new Date(Date.UTC(2031, 1, 1)) },
      });
      assert.equal(r?.pinFailures, 3);
      assert.ok(r?.pinLockedUntil instanceof Date);
      // compare-and-set
      assert.equal(await storage.users.update(u.id, { set: { pinFailures: 0 } }, { pinFailures: 2 }), null);
      assert.equal((await storage.users.get(u.id))?.pinFailures, 3);
      r = await storage.users.update(
        u.id,
        { set: { pinFailures: 0 }, unset: ['pinLockedUntil', 'pinHash'] },
        { pinFailures: 3, pinLockedUntil: { exists: true } },
      );
      assert.equal(r?.pinFailures, 0);
      assert.ok(!('pinLockedUntil' in r!) && !('pinHash' in r!));
      assert.deepEqual(await storage.users.get(u.id), r);
      assert.deepEqual(await storage.users.find({ id: u.id, pinLockedUntil: { exists: false } }), [r]);
      // An empty update returns the document when it matches.
      assert.deepEqual(await storage.users.update(u.id, {}), r);
      assert.equal(await storage.users.update(u.id, {}, { role: 'admin' }), null);
      assert.equal(await storage.users.update('no-such-id', { set: { displayName: 'x' } }), null);
      await assert.rejects(storage.users.update(u.id, { set: { id: 'other' } as never }), StorageQueryError);
      await assert.rejects(
        storage.users.update(u.id, { set: { displayName: 'a' }, unset: ['displayName'] }),
        StorageQueryError,
      );

      const chatId = nextId('chat');
      const mk = (status: MessageDoc['status']): MessageDoc => ({
        id: nextId('m'),
        chatId,
        role: 'assistant',
        content: '',
        status,
        createdAt: new Date(),
      });
      for (const s of ['pending', 'pending', 'streaming', 'complete', 'complete', 'complete'] as const)
        await storage.messages.insert(mk(s));
      assert.equal(await storage.messages.count({ chatId }), 6);
      assert.equal(await storage.messages.count({ chatId, status: { in: ['pending', 'streaming'] } }), 3);
      assert.equal(
        await storage.messages.updateMany(
          { chatId, status: { in: ['pending', 'streaming'] } },
          { set: { status: 'failed', error: 'restart' } },
        ),
        3,
      );
      assert.equal(await storage.messages.count({ chatId, status: 'failed' }), 3);
      assert.ok((await storage.messages.find({ chatId, status: 'failed' })).every((m) => m.error === 'restart'));
      assert.equal(await storage.messages.updateMany({ chatId, status: 'pending' }, { set: { status: 'failed' } }), 0);
      assert.equal(await storage.messages.deleteMany({ chatId, status: 'failed' }), 3);
      assert.equal(await storage.messages.count({ chatId }), 3);
      assert.equal(await storage.messages.deleteMany({ chatId }), 3);
      assert.equal(await storage.messages.count({ chatId }), 0);
      assert.equal(await storage.messages.deleteMany({ chatId }), 0);
    });

    test('TTL: expired documents are invisible to every read and update before any sweep; sweepExpired removes them', async () => {
      const userId = nextId('u');
      const now = Date.now();
      const live = session({ userId, expiresAt: new Date(now + 3_600_000) });
      const expired = session({ userId, expiresAt: new Date(now - 1000) });
      const expired2 = session({ userId, expiresAt: new Date(now - 5000) });
      for (const s of [live, expired, expired2]) await storage.sessions.insert(s);
      const userChat: ChatDoc = {
        id: nextId('chat'),
        userId,
        title: 'kept',
        createdAt: new Date(),
        updatedAt: new Date(),
        expiresAt: null,
      };
      const guestChat: ChatDoc = {
        id: nextId('chat'),
        userId,
        title: 'gone',
        createdAt: new Date(),
        updatedAt: new Date(),
        expiresAt: new Date(now - 1),
      };
      await storage.chats.insert(userChat);
      await storage.chats.insert(guestChat);

      if (!h.hasTtlMonitor()) {
        assert.equal(await h.rawExists('sessions', expired.id), true, 'still stored: invisibility is by query');
      }
      assert.equal(await storage.sessions.get(expired.id), null);
      assert.equal(await storage.sessions.findOne({ token: expired.token }), null);
      assert.deepEqual(ids(await storage.sessions.find({ userId })), [live.id]);
      assert.equal(await storage.sessions.count({ userId }), 1);
      assert.equal(await storage.sessions.update(expired.id, { set: { usedAt: new Date() } }), null);
      assert.equal(await storage.sessions.updateMany({ userId }, { set: { revokedAt: new Date() } }), 1);
      assert.deepEqual(ids(await storage.chats.find({ userId }, { sort: [['id', 1]] })), [userChat.id]);
      assert.equal(await storage.chats.get(guestChat.id), null);
      assert.equal((await storage.chats.get(userChat.id))?.title, 'kept');
      // Deleting an expired document reports false (it was not visible) but removes it.
      assert.equal(await storage.sessions.delete(expired2.id), false);
      assert.equal(await h.rawExists('sessions', expired2.id), false);

      const swept = await h.engine.sweepExpired();
      if (!h.hasTtlMonitor()) assert.ok(swept >= 2, `swept ${swept}`);
      assert.equal(await h.rawExists('sessions', expired.id), false);
      assert.equal(await h.rawExists('chats', guestChat.id), false);
      assert.equal(await h.rawExists('sessions', live.id), true);
      assert.equal(await h.rawExists('chats', userChat.id), true);
      // sweepExpired(now) takes the instant to sweep at.
      assert.ok((await h.engine.sweepExpired(new Date(now + 7_200_000))) >= 1);
      assert.equal(await h.rawExists('sessions', live.id), false);
      assert.equal(await h.rawExists('chats', userChat.id), true);
    });

    test('concurrent writers: 50 parallel inc; 20 parallel inserts of one email; 20 racing compare-and-sets', async () => {
      const u = user();
      await storage.users.insert(u);
      await Promise.all(Array.from({ length: 50 }, () => storage.users.update(u.id, { inc: { pinFailures: 1 } })));
      assert.equal((await storage.users.get(u.id))?.pinFailures, 50);

      const email = `race-${run}@example.test`;
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => storage.users.insert(user({ email }))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') {
          assert.ok(r.reason instanceof ConflictError, String(r.reason));
          assert.equal(r.reason.index, 'users_email_unique');
        }
      }
      assert.equal(await storage.users.count({ email }), 1);

      const m: MessageDoc = {
        id: nextId('m'),
        chatId: nextId('chat'),
        role: 'assistant',
        content: '',
        status: 'pending',
        createdAt: new Date(),
      };
      await storage.messages.insert(m);
      const wins = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          storage.messages.update(m.id, { set: { status: 'streaming', model: `w${i}` } }, { status: 'pending' }),
        ),
      );
      assert.equal(wins.filter((w) => w !== null).length, 1);
    });

    test('programming errors: undeclared fields, operator objects and undefined values are rejected', async () => {
      const u = user();
      await storage.users.insert(u);
      const asFilter = (f: unknown) => f as Filter<UserDoc>;
      await assert.rejects(storage.users.find(asFilter({ passwordHash: u.passwordHash })), StorageQueryError);
      await assert.rejects(storage.users.count(asFilter({ displayName: 'x' })), StorageQueryError);
      await assert.rejects(storage.users.find({}, { sort: [['displayName' as 'email', 1]] }), StorageQueryError);
      await assert.rejects(
        storage.users.update(u.id, { set: { displayName: 'x' } }, asFilter({ passwordHash: 'x' })),
        StorageQueryError,
      );
      // Injection attempts: raw engine syntax in a value never becomes an operator.
      await assert.rejects(storage.users.findOne(asFilter({ email: { $gt: '' } })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ email: { $ne: null } })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ email: { eq: { $gt: '' } } })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ email: { in: [{ $gt: '' }] } })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ email: [u.email] })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ $where: 'true' })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ $or: [{ email: u.email }] })), StorageQueryError);
      await assert.rejects(storage.users.get({ $gt: '' } as unknown as string), StorageQueryError);
      await assert.rejects(storage.users.update(u.id, { set: {} }, asFilter({ id: { $ne: '' } })), StorageQueryError);
      // undefined would mean "missing" in one engine and "no condition" in another: refused.
      await assert.rejects(storage.users.findOne(asFilter({ email: undefined })), StorageQueryError);
      // Values of the wrong kind.
      await assert.rejects(storage.users.findOne(asFilter({ pinFailures: '1' })), StorageQueryError);
      await assert.rejects(storage.users.findOne(asFilter({ createdAt: 'not a date' })), StorageQueryError);
      await assert.rejects(storage.users.insert({ ...user(), email: 42 } as unknown as UserDoc), StorageQueryError);
      await assert.rejects(storage.users.insert({ ...user(), $where: 'x' } as unknown as UserDoc), StorageQueryError);
      // Dates are accepted as Date, epoch ms or ISO string (decoded cursors), with the same meaning.
      assert.equal(
        (await storage.users.findOne({ id: u.id, createdAt: u.createdAt.toISOString() as unknown as Date }))?.id,
        u.id,
      );
      assert.equal(
        (await storage.users.findOne({ id: u.id, createdAt: ms(u.createdAt) as unknown as Date }))?.id,
        u.id,
      );
      // Nothing matched by accident along the way.
      assert.equal((await storage.users.get(u.id))?.email, u.email);
    });

    test('startSweeper reclaims expired documents in the background and stops cleanly', async () => {
      const s = session({ expiresAt: new Date(Date.now() - 1000) });
      await storage.sessions.insert(s);
      const stop = startSweeper(h.engine, { intervalMs: 20 });
      try {
        for (let i = 0; i < 250 && (await h.rawExists('sessions', s.id)); i++) await sleep(20);
      } finally {
        await stop();
      }
      assert.equal(await h.rawExists('sessions', s.id), false);
    });

    test('schema evolution: a newly declared field and index are added on open (a migration in SQLite)', async () => {
      interface Thing {
        id: string;
        a: string;
        b?: number;
        at?: Date;
      }
      const v1: CollectionSpec<Thing> = {
        name: 'contract_things',
        fields: { a: 'string' },
        indexes: [{ name: 'contract_things_a', keys: [['a', 1]], serves: 'test' }],
        version: 1,
      };
      const v2: CollectionSpec<Thing> = {
        name: 'contract_things',
        fields: { a: 'string', b: 'number', at: 'date' },
        indexes: [
          ...v1.indexes,
          { name: 'contract_things_b_unique', keys: [['b', 1]], unique: true, sparse: true, serves: 'test' },
        ],
        version: 2,
      };
      const e1 = h.sibling([v1]);
      await e1.open();
      const at = new Date(Date.UTC(2029, 5, 6));
      await e1.collection(v1).insert({ id: 't1', a: 'x', b: 7, at });
      await e1.collection(v1).insert({ id: 't2', a: 'y' });
      await assert.rejects(e1.collection(v1).find({ b: 7 }), StorageQueryError);
      await e1.close();

      const e2 = h.sibling([v2]);
      await e2.open();
      const things = e2.collection(v2);
      assert.deepEqual(ids(await things.find({ b: 7 })), ['t1']);
      assert.deepEqual(ids(await things.find({ at: { lte: at } })), ['t1']);
      assert.deepEqual(ids(await things.find({ b: { exists: false } })), ['t2']);
      await assertConflict(things.insert({ id: 't3', a: 'z', b: 7 }), 'contract_things_b_unique', 'b');
      await e2.close();
      assert.deepEqual(await h.indexNames('contract_things'), ['contract_things_a', 'contract_things_b_unique']);
      if (h.engine instanceof SqliteEngine) {
        const rows = h.engine.database
          .prepare(`SELECT version FROM _migrations WHERE collection = 'contract_things' ORDER BY version`)
          .pluck()
          .all();
        assert.deepEqual(rows, [1, 2]);
        const cols = h.engine.database.prepare(`SELECT name FROM pragma_table_info('contract_things')`).pluck().all();
        assert.deepEqual(cols, ['id', 'a', 'doc', 'b', 'at']);
      }
    });
  });
}

describe('SQLite insertAll (bulk load)', () => {
  it('writes what insert writes, in one transaction: a duplicate leaves none of its batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-bulk-'));
    const engine = new SqliteEngine({ dataDir: dir });
    await engine.open();
    try {
      const at = new Date('2026-11-24T03:00:00.000Z');
      const doc = (id: string, chatId: string): MessageDoc => ({
        id,
        chatId,
        role: 'user',
        content: `hello ${id}`,
        status: 'complete',
        clientId: null,
        replyTo: null,
        model: null,
        timings: null,
        triage: null,
        error: null,
        createdAt: at,
        updatedAt: at,
      });
      const c = engine.collection(messages);
      await c.insert(doc('one-by-one', 'chat-a'));
      const bulk = [doc('bulk-1', 'chat-a'), doc('bulk-2', 'chat-a'), doc('bulk-3', 'chat-b')];
      assert.equal(engine.insertAll(messages, bulk), 3);
      // Same row, column for column, as a single insert writes (the undeclared Date included).
      const row = (id: string) =>
        engine.database.prepare('SELECT chatId, role, status, createdAt, doc FROM messages WHERE id = ?').get(id) as {
          doc: string;
        };
      const single = row('one-by-one');
      const loaded = row('bulk-1');
      assert.deepEqual(
        { ...loaded, doc: loaded.doc.replaceAll('bulk-1', 'X') },
        { ...single, doc: single.doc.replaceAll('one-by-one', 'X') },
      );
      const back = await c.get('bulk-1');
      assert.ok(back?.updatedAt instanceof Date && back.updatedAt.getTime() === at.getTime());
      assert.deepEqual(ids(await c.find({ chatId: 'chat-a' }, { sort: [['id', 1]] })), [
        'bulk-1',
        'bulk-2',
        'one-by-one',
      ]);

      // All or nothing: the third document repeats an id, so the two before it are not kept either.
      assert.throws(
        () => engine.insertAll(messages, [doc('bulk-4', 'chat-c'), doc('bulk-5', 'chat-c'), doc('bulk-1', 'chat-c')]),
        (err: unknown) => err instanceof ConflictError && err.index === PRIMARY_KEY_INDEX,
      );
      assert.equal(await c.count({ chatId: 'chat-c' }), 0);
      assert.equal(await c.count({}), 4);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sweeper scheduling', () => {
  it('never overlaps runs, logs failures instead of throwing, and stop() waits for a run in progress', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const engine = {
      kind: 'sqlite' as const,
      async sweepExpired() {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(30); // longer than the interval
        active--;
        if (runs % 2 === 0) throw new Error('disk on fire');
        return 1;
      },
    };
    const logger = { info() {}, warn() {}, error: (obj: object) => errors.push(obj) };
    const stop = startSweeper(engine, { intervalMs: 10, logger });
    await sleep(250);
    await stop();
    const after = runs;
    await sleep(60);
    assert.equal(maxActive, 1);
    assert.ok(runs >= 3, `ran ${runs} times`);
    assert.equal(runs, after, 'no run after stop()');
    assert.equal(active, 0);
    assert.ok(errors.length >= 1);
  });
});

// Keep the typed collections honest at compile time.
void ((c: Collection<SessionDoc>) => c);

// ---- readings (readings.ts): a narrow port of its own, the same contract on both engines ----

for (const engineCase of cases) {
  describe(`readings contract: ${engineCase.name}`, () => {
    let h: Harness;
    let store: ReadingStore;
    const owner = `owner-${run}`;
    const t0 = Date.UTC(2026, 10, 1);
    const hr = (i: number, over: Partial<ReadingRow> = {}): ReadingRow => ({
      owner,
      type: 'heart_rate',
      source: 'watch',
      start: t0 + i * 60_000,
      end: null,
      value: 60 + (i % 10),
      value2: null,
      device: 'Watch 9',
      ...over,
    });
    before(async () => {
      h = await engineCase.setup();
      store = openReadingStore(h.engine);
    });
    after(async () => h.cleanup());

    it('stores a batch, skips duplicates of stored readings and within the batch, and counts them', async () => {
      const first = await store.insertBatch(Array.from({ length: 120 }, (_, i) => hr(i)));
      assert.deepEqual(first, { inserted: 120, duplicates: 0 });
      // Same (type, source, start): a duplicate whatever its value; another source is not.
      const again = await store.insertBatch([hr(0, { value: 99 }), hr(1), hr(1), hr(0, { source: 'strap' })]);
      assert.deepEqual(again, { inserted: 1, duplicates: 3 });
      const stored = await store.list({ owner, type: 'heart_rate', from: t0, to: t0 + 60_000, limit: 10 });
      assert.deepEqual(
        stored.map((r) => [r.source, r.value]),
        [
          ['strap', 60],
          ['watch', 60],
        ],
      );
      assert.deepEqual(stored[1], hr(0));
    });

    it('pages by (start, type, source) strictly after the cursor, with and without a type', async () => {
      await store.insertBatch([
        hr(5, { type: 'spo2', value: 97 }),
        hr(5, { type: 'blood_pressure', value: 120, value2: 80, source: 'cuff', device: null }),
      ]);
      const seen: string[] = [];
      let after: ReadingCursor | undefined;
      for (;;) {
        const page = await store.list({ owner, from: t0 + 4 * 60_000, to: t0 + 7 * 60_000, limit: 2, after });
        if (page.length === 0) break;
        seen.push(...page.map((r) => `${(r.start - t0) / 60_000}:${r.type}:${r.source}`));
        const last = page.at(-1)!;
        after = { start: last.start, type: last.type, source: last.source };
      }
      assert.deepEqual(seen, [
        '4:heart_rate:watch',
        '5:blood_pressure:cuff',
        '5:heart_rate:watch',
        '5:spo2:watch',
        '6:heart_rate:watch',
      ]);
      const typed = await store.list({
        owner,
        type: 'heart_rate',
        from: t0,
        to: t0 + 3 * 60_000,
        limit: 5,
        after: { start: t0, type: 'heart_rate', source: 'strap' },
      });
      assert.deepEqual(
        typed.map((r) => `${(r.start - t0) / 60_000}:${r.source}`),
        ['0:watch', '1:watch', '2:watch'],
      );
      const bp = await store.list({ owner, type: 'blood_pressure', from: t0, to: t0 + 86_400_000, limit: 5 });
      assert.deepEqual([bp[0]?.value, bp[0]?.value2, bp[0]?.device], [120, 80, null]);
    });

    it('downsamples to min/mean/max per bucket from `from`, pages buckets, and matches bucketize', async () => {
      // Two readings at minute 0 (watch 60, strap 60) and one per minute up to 119.
      const from = t0;
      const b = await store.buckets({
        owner,
        type: 'heart_rate',
        from,
        to: t0 + 120 * 60_000,
        bucketMs: 30 * 60_000,
        limit: 10,
      });
      assert.equal(b.length, 4);
      assert.deepEqual(
        b.map((x) => [x.start - t0, x.count, x.min, x.max]),
        [
          [0, 31, 60, 69],
          [30 * 60_000, 30, 60, 69],
          [60 * 60_000, 30, 60, 69],
          [90 * 60_000, 30, 60, 69],
        ],
      );
      const all = await store.list({ owner, type: 'heart_rate', from, to: t0 + 120 * 60_000, limit: 1000 });
      const reference = bucketize(all, from, 30 * 60_000);
      for (const [i, x] of b.entries()) {
        assert.ok(Math.abs(x.mean - reference[i]!.mean) < 1e-9);
        assert.equal(x.mean2, null);
      }
      const next = await store.buckets({
        owner,
        type: 'heart_rate',
        from,
        to: t0 + 120 * 60_000,
        bucketMs: 30 * 60_000,
        limit: 2,
        afterBucket: b[1]!.start,
      });
      assert.deepEqual(
        next.map((x) => x.start),
        [b[2]!.start, b[3]!.start],
      );
      const bp = await store.buckets({
        owner,
        type: 'blood_pressure',
        from,
        to: t0 + 86_400_000,
        bucketMs: 86_400_000,
        limit: 5,
      });
      assert.deepEqual(
        bp.map((x) => [x.count, x.mean, x.mean2, x.min2, x.max2]),
        [[1, 120, 80, 80, 80]],
      );
    });

    it("deletes one source's readings of one owner only", async () => {
      await store.insertBatch([hr(0, { owner: `${owner}-other`, source: 'strap' })]);
      const before = await store.sources(owner);
      const strap = before.find((x) => x.source === 'strap');
      assert.ok(strap && strap.count >= 1 && strap.first <= strap.last, JSON.stringify(before));
      assert.deepEqual(
        before.map((x) => x.source),
        [...before.map((x) => x.source)].sort(),
        'sources come sorted by name',
      );
      assert.deepEqual(
        (await store.sources(`${owner}-other`)).map((x) => [x.source, x.count, x.first, x.last]),
        [['strap', 1, hr(0).start, hr(0).start]],
      );
      assert.equal(await store.deleteSource(owner, 'strap'), 1);
      assert.equal(
        (await store.list({ owner, from: t0, to: t0 + 86_400_000, limit: 1000 })).filter((r) => r.source === 'strap')
          .length,
        0,
      );
      assert.equal((await store.list({ owner: `${owner}-other`, from: t0, to: t0 + 86_400_000, limit: 10 })).length, 1);
      assert.equal(
        (await store.sources(owner)).find((x) => x.source === 'strap'),
        undefined,
      );
    });

    it('keeps nothing of a batch that fails part-way, and keeps what was stored before', async () => {
      const before = (await store.list({ owner, from: 0, to: Date.UTC(2100, 0, 1), limit: 100_000 })).length;
      // A value the store cannot take (NOT NULL / a string where a number is), after good rows and a duplicate.
      const bad = { ...hr(500), value: null as unknown as number, start: Number.NaN };
      await assert.rejects(store.insertBatch([hr(400), hr(401), hr(0), bad, hr(402)]), StorageQueryError);
      const afterRows = await store.list({ owner, from: 0, to: Date.UTC(2100, 0, 1), limit: 100_000 });
      assert.equal(afterRows.length, before);
      assert.ok(afterRows.some((r) => r.start === hr(0).start && r.source === 'watch'));
    });
  });
}
