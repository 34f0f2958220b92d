/**
 * Storage bench: what our repository layer costs over the raw drivers, and whether the hot chat query
 * (one page of a chat's newest messages, by keyset) stays fast on a big table.
 *
 *   node --conditions=development --import tsx bench/storage.bench.ts
 *
 * Cases (ratios are ours / raw; 1.00× = free):
 * 1. users get-by-id, SQLite: SqliteEngine.get vs a raw better-sqlite3 prepared statement (+ JSON.parse)
 *    on the same file.
 * 2. users get-by-id, MongoDB wire protocol: MongoEngine.get vs the raw driver's findOne({_id}).
 *    Against $MEDICHAT_BENCH_MONGODB_URI, else a throw-away FerretDB (scripts/services.mjs); skipped
 *    with a note when there is no FerretDB binary (scripts/install-ferretdb.sh builds one).
 * 3. messages page, SQLite, 1,000,000 messages (1,000 chats × 1,000): the 50 newest messages of a
 *    random chat, first page and a page after a random keyset cursor. Goal: p99 ≤ 10 ms.
 * 4. the same page query over the MongoDB wire protocol with a smaller table: 5,000 messages by
 *    default. FerretDB 1.x's SQLite backend pushes no filter down except a lone `{_id}`, so every
 *    page query is a full scan decoded in Go (~0.1 ms per document): 1M documents would take minutes
 *    to load and seconds per query. The size is printed. Override the sizes with
 *    MEDICHAT_BENCH_SQLITE_MESSAGES and MEDICHAT_BENCH_MONGO_MESSAGES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL, fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { messages, users, type MessageDoc, type UserDoc } from '../apps/api/src/engines/storage/collections.js';
import { MongoEngine } from '../apps/api/src/engines/storage/mongodb.js';
import { SqliteEngine } from '../apps/api/src/engines/storage/sqlite.js';
import { compare, type CaseResult } from './lib.js';

interface ServicesModule {
  startFerretDB(o: { dataDir: string }): Promise<{ uri: string; stop(): Promise<void> } | null>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const USERS = 10_000;
const SQLITE_MESSAGES = Number(process.env.MEDICHAT_BENCH_SQLITE_MESSAGES ?? 1_000_000);
const MONGO_MESSAGES = Number(process.env.MEDICHAT_BENCH_MONGO_MESSAGES ?? 5_000);
const PER_CHAT = 1_000;
const PAGE = 50;
const T0 = Date.UTC(2025, 0, 1);

const tmp = mkdtempSync(join(tmpdir(), 'medichat-bench-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(tmp, { recursive: true, force: true })];

/** Deterministic pseudo-random sequence (same picks for baseline and candidate). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function userDoc(i: number): UserDoc {
  const at = new Date(T0 + i * 1000);
  return {
    id: `u${String(i).padStart(8, '0')}`,
    email: `user${i}@example.test`,
    phone: i % 3 === 0 ? `+1555${String(i).padStart(7, '0')}` : null,
    role: 'patient',
    displayName: `User ${i}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo',
    pinHash: null,
    pinFailures: 0,
    selectedModelId: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Message j of chat c: two messages (a user turn and its answer) share each timestamp. */
function messageDoc(c: number, j: number): MessageDoc {
  const user = j % 2 === 0;
  return {
    id: `m${String(c).padStart(5, '0')}-${String(j).padStart(6, '0')}`,
    chatId: `chat${String(c).padStart(5, '0')}`,
    role: user ? 'user' : 'assistant',
    content: user
      ? `Question ${j} about symptoms and medication dosage?`
      : `Answer ${j}: drink water, rest, and see a clinician if the fever persists beyond three days.`,
    status: 'complete',
    clientId: user ? `client-${c}-${j}` : null,
    replyTo: user ? null : `m${String(c).padStart(5, '0')}-${String(j - 1).padStart(6, '0')}`,
    model: user ? null : 'smollm2-135m-instruct-q4_1',
    timings: user ? null : { queuedMs: 3, ttftMs: 180, totalMs: 2400, tokens: 96 },
    createdAt: new Date(T0 + Math.floor(j / 2) * 1000),
  };
}

function msStats(rows: CaseResult[], label: string) {
  for (const r of rows) {
    console.log(`${label} — ${r.label}: p50 ${(r.p50us / 1000).toFixed(3)} ms, p99 ${(r.p99us / 1000).toFixed(3)} ms`);
  }
}

async function sqliteCases() {
  const dir = join(tmp, 'sqlite');
  const engine = new SqliteEngine({ dataDir: dir });
  await engine.open();
  cleanups.unshift(() => engine.close());
  const usersC = engine.collection(users);
  const messagesC = engine.collection(messages);

  // --- 1. get by id ---
  for (let i = 0; i < USERS; i++) await usersC.insert(userDoc(i));
  const raw = new Database(engine.file, { readonly: true });
  cleanups.unshift(() => void raw.close());
  const rawGet = raw.prepare('SELECT doc FROM users WHERE id = ?').pluck();
  const pickA = rng(1);
  const pickB = rng(1);
  const id = (r: () => number) => `u${String(Math.floor(r() * USERS)).padStart(8, '0')}`;
  await compare(
    `users get-by-id, SQLite (${USERS.toLocaleString()} users)`,
    ['raw better-sqlite3 stmt.get + JSON.parse', () => JSON.parse(rawGet.get(id(pickA)) as string)],
    [['SqliteEngine users.get', () => usersC.get(id(pickB))]],
    { batch: 500, rounds: 20 },
  );

  // --- 3. messages page on a big table ---
  const chatsN = Math.max(1, Math.floor(SQLITE_MESSAGES / PER_CHAT));
  const t = performance.now();
  const db = engine.database;
  // Bulk-loaded through the engine in one transaction, chats interleaved in time as in real traffic.
  engine.insertAll(
    messages,
    (function* () {
      for (let j = 0; j < PER_CHAT; j++) for (let c = 0; c < chatsN; c++) yield messageDoc(c, j);
    })(),
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  const total = db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
  console.log(
    `\nloaded ${total.toLocaleString()} messages (${chatsN.toLocaleString()} chats) into SQLite in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  console.log(
    'plan:',
    (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT doc FROM messages WHERE chatId = ? AND (createdAt, id) < (?, ?) ORDER BY createdAt DESC, id DESC LIMIT 50`,
        )
        .all('chat00001', T0, 'x') as Array<{ detail: string }>
    )
      .map((r) => r.detail)
      .join(' | '),
  );

  const rawPage = db
    .prepare(
      `SELECT doc FROM messages WHERE chatId = ? AND (createdAt, id) < (?, ?) ORDER BY createdAt DESC, id DESC LIMIT ${PAGE}`,
    )
    .pluck();
  const rawFirst = db
    .prepare(`SELECT doc FROM messages WHERE chatId = ? ORDER BY createdAt DESC, id DESC LIMIT ${PAGE}`)
    .pluck();
  const cursorOf = (r: () => number) => {
    const c = Math.floor(r() * chatsN);
    const j = Math.floor(r() * PER_CHAT);
    const m = messageDoc(c, j);
    return { chatId: m.chatId, createdAt: m.createdAt, id: m.id, first: r() < 0.2 };
  };
  const ra = rng(7);
  const rb = rng(7);
  const rows = await compare(
    `messages page (${PAGE} newest by keyset, 20% first pages), SQLite, ${total.toLocaleString()} messages`,
    [
      'raw better-sqlite3 stmt.all + JSON.parse',
      () => {
        const k = cursorOf(ra);
        const docs = k.first ? rawFirst.all(k.chatId) : rawPage.all(k.chatId, k.createdAt.getTime(), k.id);
        return (docs as string[]).map((d) => JSON.parse(d));
      },
    ],
    [
      [
        'SqliteEngine messages.find',
        () => {
          const k = cursorOf(rb);
          return messagesC.find(
            { chatId: k.chatId },
            {
              sort: [
                ['createdAt', -1],
                ['id', -1],
              ],
              limit: PAGE,
              after: k.first ? undefined : { createdAt: k.createdAt, id: k.id },
            },
          );
        },
      ],
    ],
    { batch: 200, rounds: 20 },
  );
  msStats(rows, 'messages page SQLite');
  const ours = rows[1]!;
  console.log(`goal p99 ≤ 10 ms: ${ours.p99us / 1000 <= 10 ? 'met' : 'MISSED'} (${(ours.p99us / 1000).toFixed(3)} ms)`);
}

async function mongoCases() {
  let uri = process.env.MEDICHAT_BENCH_MONGODB_URI;
  let server = 'MongoDB at $MEDICHAT_BENCH_MONGODB_URI';
  if (!uri) {
    const services = (await import(pathToFileURL(resolve(here, '../scripts/services.mjs')).href)) as ServicesModule;
    const ferret = await services.startFerretDB({ dataDir: join(tmp, 'ferretdb') });
    if (!ferret) {
      console.log(
        '\n(MongoDB cases skipped: no MEDICHAT_BENCH_MONGODB_URI and no FerretDB binary; run scripts/install-ferretdb.sh)',
      );
      return;
    }
    cleanups.unshift(() => ferret.stop());
    uri = ferret.uri;
    server = 'FerretDB 1.24 (SQLite backend)';
  }
  const dbName = `medichat_bench_${Date.now()}`;
  const engine = new MongoEngine({ uri, dbName });
  await engine.open();
  const rawClient = new MongoClient(uri, { appName: 'medichat-bench-raw' });
  await rawClient.connect();
  cleanups.unshift(async () => {
    await engine.db.dropDatabase();
    await engine.close();
    await rawClient.close();
  });
  const usersC = engine.collection(users);
  const messagesC = engine.collection(messages);
  const mongoUsers = Math.min(USERS, 2_000);

  // --- 2. get by id ---
  let t = performance.now();
  // Bulk load with insertMany (the engine inserts one at a time). Null fields are left out, as the
  // engine does for sparse unique keys on servers without partial indexes (FerretDB).
  const batchInsert = async <T extends { id: string }>(name: string, docs: T[]) => {
    const coll = engine.db.collection(name);
    const toMongo = ({ id, ...rest }: T) => ({
      _id: id as unknown as never,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null)),
    });
    for (let i = 0; i < docs.length; i += 1000) {
      await coll.insertMany(docs.slice(i, i + 1000).map(toMongo), { ordered: false });
    }
  };
  await batchInsert(
    'users',
    Array.from({ length: mongoUsers }, (_, i) => userDoc(i)),
  );
  console.log(
    `\nloaded ${mongoUsers.toLocaleString()} users into ${server} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const rawUsers = rawClient.db(dbName).collection<{ _id: string }>('users');
  const pickA = rng(3);
  const pickB = rng(3);
  const id = (r: () => number) => `u${String(Math.floor(r() * mongoUsers)).padStart(8, '0')}`;
  await compare(
    `users get-by-id, ${server}`,
    ['raw driver findOne({_id})', () => rawUsers.findOne({ _id: id(pickA) })],
    [['MongoEngine users.get', () => usersC.get(id(pickB))]],
    { batch: 50, rounds: 10, warmupRounds: 2 },
  );

  // --- 4. messages page ---
  const chatsN = Math.max(1, Math.floor(MONGO_MESSAGES / PER_CHAT));
  t = performance.now();
  const docs: MessageDoc[] = [];
  for (let j = 0; j < PER_CHAT; j++) for (let c = 0; c < chatsN; c++) docs.push(messageDoc(c, j));
  await batchInsert('messages', docs);
  const loadS = (performance.now() - t) / 1000;
  console.log(
    `loaded ${docs.length.toLocaleString()} messages (${chatsN} chats) into ${server} in ${loadS.toFixed(1)} s`,
  );
  const rawMessages = rawClient.db(dbName).collection<{ _id: string }>('messages');
  const cursorOf = (r: () => number) => {
    const m = messageDoc(Math.floor(r() * chatsN), Math.floor(r() * PER_CHAT));
    return { chatId: m.chatId, createdAt: m.createdAt, id: m.id, first: r() < 0.2 };
  };
  const ra = rng(9);
  const rb = rng(9);
  const rows = await compare(
    `messages page (${PAGE} newest by keyset, 20% first pages), ${server}, ${docs.length.toLocaleString()} messages`,
    [
      'raw driver find + sort + limit',
      () => {
        const k = cursorOf(ra);
        const filter = k.first
          ? { chatId: k.chatId }
          : {
              chatId: k.chatId,
              createdAt: { $lte: k.createdAt },
              $or: [{ createdAt: { $lt: k.createdAt } }, { createdAt: k.createdAt, _id: { $lt: k.id } }],
            };
        return rawMessages.find(filter).sort({ createdAt: -1, _id: -1 }).limit(PAGE).toArray();
      },
    ],
    [
      [
        'MongoEngine messages.find',
        () => {
          const k = cursorOf(rb);
          return messagesC.find(
            { chatId: k.chatId },
            {
              sort: [
                ['createdAt', -1],
                ['id', -1],
              ],
              limit: PAGE,
              after: k.first ? undefined : { createdAt: k.createdAt, id: k.id },
            },
          );
        },
      ],
    ],
    // Few rounds on FerretDB: each query scans the whole collection.
    process.env.MEDICHAT_BENCH_MONGODB_URI
      ? { batch: 50, rounds: 10, warmupRounds: 2 }
      : { batch: 5, rounds: 5, warmupRounds: 1 },
  );
  msStats(rows, `messages page ${server}`);
}

try {
  console.log(`# storage bench (node ${process.version})`);
  await sqliteCases();
  await mongoCases();
} finally {
  for (const c of cleanups) await c();
}
