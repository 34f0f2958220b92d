/**
 * Crash-safe registration: child processes create accounts under concurrent load and are killed
 * with SIGKILL at random moments, several rounds, on SQLite and (when configured) MongoDB. After
 * the rounds: 0 users without a card (no half-written account), every acknowledged account is
 * there with its card (0 lost acknowledged writes), and the boot repair removes every card a kill
 * left without its user, leaving the acknowledged accounts untouched.
 *
 *   MEDICHAT_SKIP_BUILD=1 npm test -- registration-crash
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../config/config.js';
import { buildAccounts } from '../../container.js';
import { openStorage } from '../../engines/storage/index.js';
import { mongoTestUri } from '../../testing/test-app.js';
import { testEngines } from './auth.test-helpers.js';

const helper = fileURLToPath(new URL('./register-crash.test-helper.ts', import.meta.url));
const ROUNDS = 6;

/** One load process, killed with SIGKILL `killAfterMs` after its first acknowledgement. */
async function loadAndKill(args: string[], killAfterMs: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', helper, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!/\nok /.test(`\n${out}`)) {
    if (child.exitCode !== null) throw new Error(`load process exited early: ${errText}`);
    if (Date.now() > deadline) throw new Error(`no acknowledgement within 60 s: ${errText}`);
    await sleep(20);
  }
  await sleep(killAfterMs);
  child.kill('SIGKILL');
  await exited;
  // Only complete lines count: a line cut by the kill was never an acknowledgement.
  return out
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.startsWith('ok '))
    .map((l) => l.slice(3));
}

for (const engine of testEngines) {
  describe(`registration under kill -9 on ${engine}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medichat-regcrash-'));
    const mongoDb = `mct_${randomBytes(6).toString('hex')}`;
    const options = engine === 'mongodb' ? { dataDir, mongodbUri: mongoTestUri!, mongodbDb: mongoDb } : { dataDir };
    after(async () => {
      if (engine === 'mongodb') {
        const { MongoClient } = await import('mongodb');
        const client = new MongoClient(mongoTestUri!);
        await client
          .db(mongoDb)
          .dropDatabase()
          .catch(() => undefined);
        await client.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('leaves 0 half-written accounts and loses 0 acknowledged ones', { timeout: 300_000 }, async () => {
      // Storage (and secrets) created once, so the load processes start from the same state.
      const config = loadConfig({ DATA_DIR: dataDir, PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' });
      (await openStorage(options)).engine.close().catch(() => undefined);
      const acked: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const killAfter = 100 + Math.floor(Math.random() * 600);
        acked.push(
          ...(await loadAndKill(
            [dataDir, engine === 'mongodb' ? mongoTestUri! : '-', mongoDb, `r${round}`, '4'],
            killAfter,
          )),
        );
      }
      assert.ok(acked.length >= ROUNDS, `acknowledged ${acked.length}`);

      const storage = await openStorage(options);
      try {
        const users = await storage.users.find({});
        const cards = await storage.medicalCards.find({});
        const cardOwners = new Set(cards.map((c) => c.userId));
        const userIds = new Set(users.map((u) => u.id));
        const halfWritten = users.filter((u) => !cardOwners.has(u.id));
        assert.equal(halfWritten.length, 0, `users without a card: ${halfWritten.map((u) => u.email).join(', ')}`);
        const byEmail = new Map(users.map((u) => [u.email, u]));
        const lost = acked.filter((e) => !byEmail.has(e));
        assert.equal(lost.length, 0, `acknowledged but missing: ${lost.join(', ')}`);
        const orphans = cards.filter((c) => !userIds.has(c.userId)).length;

        const { accounts } = buildAccounts({ storage, config });
        assert.equal(await accounts.repairHalfWritten(0), orphans);
        const cardsAfter = await storage.medicalCards.find({});
        assert.equal(cardsAfter.length, users.length, 'one card per user, none without one');
        assert.equal((await storage.users.find({})).length, users.length);
        console.log(
          `# ${engine}: ${ROUNDS} kills, ${acked.length} acknowledged, ${users.length} users, ${orphans} orphan cards repaired`,
        );
      } finally {
        await storage.engine.close();
      }
    });
  });
}
