/** `medichat admin create`: in-process against real SQLite storage, and once through the real CLI. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../config/config.js';
import { openStorage, type Storage } from '../engines/storage/index.js';
import { adminCommand } from './admin.js';
import { sink } from './cli.test-helpers.js';

describe('medichat admin create', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'medichat-admin-'));
  let config: Config;
  let storage: Storage;
  before(async () => {
    config = loadConfig({ DATA_DIR: dataDir, PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' });
    storage = await openStorage({ dataDir });
  });
  after(async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (args: string[], options: { env?: string; stdin?: string } = {}) => {
    const out = sink();
    const err = sink();
    const code = await adminCommand(args, {
      config,
      storage,
      passwordFromEnv: options.env,
      stdin: Readable.from(options.stdin !== undefined ? [options.stdin] : []),
      stdout: out.stream,
      stderr: err.stream,
    });
    return { code, out: out.text(), err: err.text() };
  };

  it('creates an admin with a card, the password from stdin (first line only)', async () => {
    const r = await run(['create', '--email', ' Root@Example.org ', '--name', 'Root'], {
      stdin: 'quiet-meadow-falcon-31\nignored\n',
    });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /created admin root@example\.org/);
    const user = await storage.users.findOne({ email: 'root@example.org' });
    assert.equal(user?.role, 'admin');
    assert.equal(user?.displayName, 'Root');
    assert.ok(await storage.medicalCards.findOne({ userId: user!.id }));
    assert.ok(!r.out.includes('quiet-meadow') && !r.err.includes('quiet-meadow'), 'the password is never echoed');
  });

  it('takes MEDICHAT_ADMIN_PASSWORD', async () => {
    const r = await run(['create', '--email', 'ops@example.org'], { env: 'silver-canyon-orbit-58' });
    assert.equal(r.code, 0, r.err);
    assert.equal((await storage.users.findOne({ email: 'ops@example.org' }))?.role, 'admin');
  });

  it('refuses weak passwords, taken emails, bad usage, and no password', async () => {
    assert.equal((await run(['create', '--email', 'weak@example.org'], { stdin: 'password123\n' })).code, 65);
    assert.equal(await storage.users.count({ email: 'weak@example.org' }), 0);
    const dup = await run(['create', '--email', 'root@example.org'], { env: 'another-strong-secret-9' });
    assert.equal(dup.code, 65);
    assert.match(dup.err, /already exists/);
    assert.equal((await run(['create'])).code, 64);
    assert.equal((await run(['create', '--email', 'not-an-email'], { env: 'x'.repeat(20) })).code, 64);
    assert.equal((await run(['create', '--email', 'a@example.org', '--role', 'x'])).code, 64);
    assert.equal((await run(['create', '--email', 'nopw@example.org'], { stdin: '' })).code, 64);
    assert.equal((await run(['delete'])).code, 64);
  });

  it('works through the real `medichat` command with the password piped in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-admin-cli-'));
    try {
      const main = fileURLToPath(new URL('./main.ts', import.meta.url));
      const r = spawnSync(
        process.execPath,
        ['--conditions=development', '--import', 'tsx', main, 'admin', 'create', '--email', 'cli@example.org'],
        {
          input: 'amber-lighthouse-signal-7\n',
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            DATA_DIR: dir,
            PASSWORD_HASH_MEMORY_KIB: '1024',
            PASSWORD_HASH_TIME_COST: '1',
            LOG_LEVEL: 'silent',
          },
          timeout: 60_000,
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /created admin cli@example\.org/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
