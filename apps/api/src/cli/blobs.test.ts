/**
 * `medichat blobs migrate`: a data directory's blobs (an avatar uploaded through the app, a sealed
 * health blob, a plain one) copied local → local with a crash midway and a resume, a copy that does
 * not verify, bad usage; then local → S3 (moto, when the test command started it) → local again
 * through the real CLI, the app serving the same avatar and the sealed blob opening after each move.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { loadBlobTarget } from '../config/config.js';
import { openBlobStore, readAll, type BlobStore } from '../engines/blob/index.js';
import { testS3Store } from '../engines/blob/s3.test-helper.js';
import { fastAuthEnv, registerAccount } from '../modules/account/auth.test-helpers.js';
import { createTestApp } from '../testing/test-app.js';
import { blobsCommand } from './blobs.js';
import { sink } from './cli.test-helpers.js';

const s3Endpoint = process.env.MEDICHAT_TEST_S3_ENDPOINT;
const requireS3 = process.env.MEDICHAT_REQUIRE_S3 === '1';
const mainTs = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('medichat blobs migrate', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'medichat-blobmig-'));
  const baseEnv = { ...fastAuthEnv, DATA_DIR: dataDir };
  const clip = Buffer.from('voice clip: dizzy since this morning '.repeat(50));
  let avatarUrl = '';
  let avatarBytes: Buffer;

  /** The avatar and the sealed clip through an app on `env`; returns the avatar's bytes. */
  async function served(env: Record<string, string>): Promise<Buffer> {
    const t = await createTestApp({ ...baseEnv, ...env });
    try {
      const res = await t.app.inject({ method: 'GET', url: avatarUrl });
      let bytes: Buffer;
      if (res.statusCode === 302) {
        const r = await fetch(String(res.headers.location));
        assert.equal(r.status, 200);
        bytes = Buffer.from(await r.arrayBuffer());
      } else {
        assert.equal(res.statusCode, 200, res.body);
        bytes = res.rawPayload;
      }
      assert.deepEqual((await t.app.sealedBlobs.get('voice/u1/clip.webm'))?.data, clip);
      return bytes;
    } finally {
      await t.app.close();
    }
  }

  const run = async (args: string[], open: (url: string | undefined) => BlobStore) => {
    const out = sink();
    const err = sink();
    const code = await blobsCommand(args, {
      open,
      journalDir: join(dataDir, 'blob-migrations'),
      stdout: out.stream,
      stderr: err.stream,
    });
    return { code, out: out.text(), err: err.text() };
  };
  const openUrl = (url: string | undefined) =>
    openBlobStore(url === undefined ? { kind: 'local', dir: join(dataDir, 'blobs') } : loadBlobTarget(url, baseEnv));

  before(async () => {
    const t = await createTestApp(baseEnv);
    try {
      const account = await registerAccount(t.app);
      const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#a35' } })
        .png()
        .toBuffer();
      const up = await t.app.inject({
        method: 'PUT',
        url: '/api/users/me/avatar',
        headers: { ...account.auth, 'content-type': 'image/png' },
        payload: png,
      });
      assert.equal(up.statusCode, 200, up.body);
      avatarUrl = up.json().avatarUrl as string;
      await t.app.sealedBlobs.put('voice/u1/clip.webm', clip, { contentType: 'audio/webm' });
      await t.app.blobs.put('misc/readme.txt', Readable.from([Buffer.from('plain')]), { contentType: 'text/plain' });
    } finally {
      await t.app.close();
    }
    avatarBytes = await served({});
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses bad usage with 64 and touches nothing', async () => {
    assert.equal((await run(['migrate'], openUrl)).code, 64);
    assert.equal((await run(['migrate', '--to', 'ftp://x'], openUrl)).code, 64);
    assert.equal((await run(['migrate', '--to', 'file:///x', '--bogus'], openUrl)).code, 64);
    assert.equal((await run(['frobnicate'], openUrl)).code, 64);
  });

  it('stops at a copy that does not verify, without journaling it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-blobmig-bad-'));
    const corrupting = (url: string | undefined): BlobStore => {
      const store = openUrl(url);
      if (url === undefined) return store;
      return Object.assign(Object.create(store) as BlobStore, {
        getStream: async (key: string) => {
          const got = await store.getStream(key);
          if (!got) return null;
          const data = await readAll(got.stream);
          data[0] = data[0]! ^ 1;
          return { ...got, stream: Readable.from([data]) };
        },
      });
    };
    const r = await run(['migrate', '--to', `file://${dir}`], corrupting);
    assert.equal(r.code, 1);
    assert.match(r.err, /does not verify/);
    const again = await run(['migrate', '--to', `file://${dir}`], openUrl);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /3 copied .* 0 already there, 3 in all/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes after a crash midway, copying only what is left, and the app works on the copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-blobmig-to-'));
    let puts = 0;
    const crashing = (url: string | undefined): BlobStore => {
      const store = openUrl(url);
      if (url === undefined) return store;
      return Object.assign(Object.create(store) as BlobStore, {
        put: async (...a: Parameters<BlobStore['put']>) => {
          if (++puts === 2) throw new Error('disk on fire');
          return store.put(...a);
        },
      });
    };
    const first = await run(['migrate', '--to', `file://${dir}`], crashing);
    assert.equal(first.code, 1);
    assert.match(first.err, /\[1\/3\] .* ok\n/);
    const second = await run(['migrate', '--to', `file://${dir}`], openUrl);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /2 copied .* 1 already there, 3 in all/);
    assert.match(second.err, /already copied/);
    const journal = readdirSync(join(dataDir, 'blob-migrations')).find((f) => f.includes('blobmig-to'))!;
    const lines = readFileSync(join(dataDir, 'blob-migrations', journal), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => /"sha256":"[a-f0-9]{64}"/.test(l)));
    assert.deepEqual(await served({ BLOB_URL: `file://${dir}` }), avatarBytes);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'moves to S3 and back through the real CLI; references stay valid',
    { skip: !s3Endpoint && !requireS3 && 'no S3 server' },
    async () => {
      assert.ok(s3Endpoint, 'MEDICHAT_REQUIRE_S3=1 but MEDICHAT_TEST_S3_ENDPOINT is not set');
      const bucket = `mct-mig-${randomBytes(4).toString('hex')}`;
      const admin = testS3Store(bucket);
      await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
      await admin.close();
      const s3Env = { S3_ENDPOINT: s3Endpoint, S3_ACCESS_KEY_ID: 'testing', S3_SECRET_ACCESS_KEY: 'testing' };
      const cli = (args: string[], env: Record<string, string>) =>
        spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', mainTs, ...args], {
          env: { ...process.env, ...baseEnv, ...s3Env, LOG_LEVEL: 'silent', ...env },
          encoding: 'utf8',
        });
      const toS3 = cli(['blobs', 'migrate', '--to', `s3://${bucket}/m`], {});
      assert.equal(toS3.status, 0, toS3.stderr);
      assert.match(toS3.stdout, /3 copied/);
      assert.match(toS3.stderr, /\[3\/3\] .* sha256:[a-f0-9]{16} ok/);
      assert.deepEqual(await served({ ...s3Env, BLOB_URL: `s3://${bucket}/m` }), avatarBytes);

      const back = mkdtempSync(join(tmpdir(), 'medichat-blobmig-back-'));
      const toLocal = cli(['blobs', 'migrate', '--to', `file://${back}`], { BLOB_URL: `s3://${bucket}/m` });
      assert.equal(toLocal.status, 0, toLocal.stderr);
      assert.match(toLocal.stdout, /3 copied/);
      assert.deepEqual(await served({ BLOB_URL: `file://${back}` }), avatarBytes);
      rmSync(back, { recursive: true, force: true });
    },
  );
});
