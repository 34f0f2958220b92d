/**
 * The blob contract: ONE suite, run against every engine and against the sealed (encrypting) store
 * on top of each.
 * - local disk: always.
 * - s3: against the S3-protocol server in MEDICHAT_TEST_S3_ENDPOINT (scripts/test.mjs starts moto's
 *   server); every run uses a fresh bucket. With MEDICHAT_REQUIRE_S3=1 and no endpoint a test fails:
 *   CI never skips S3 silently. When it runs and MEDICHAT_TEST_MARKER_DIR is set,
 *   `<dir>/s3-blob-contract.ran` receives the number of S3 tests that passed.
 *
 *   MEDICHAT_SKIP_BUILD=1 npm test -- blob.contract
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { DecryptionError } from '../../lib/crypto.js';
import { LocalBlobStore } from './local.js';
import { InvalidBlobKeyError, readAll, type BlobStore } from './port.js';
import type { S3BlobStore } from './s3.js';
import { testS3Store } from './s3.test-helper.js';
import { SealedBlobStore } from './sealed.js';

const s3Endpoint = process.env.MEDICHAT_TEST_S3_ENDPOINT;
const requireS3 = process.env.MEDICHAT_REQUIRE_S3 === '1';
const run = randomBytes(4).toString('hex');
const keys = [{ id: 'k1', key: randomBytes(32) }];

interface EngineCase {
  name: string;
  s3: boolean;
  open(): Promise<BlobStore>;
  cleanup(): Promise<void>;
}

const roots: string[] = [];
const localCase = (sealed: boolean): EngineCase => ({
  name: sealed ? 'sealed over local' : 'local',
  s3: false,
  async open() {
    const root = mkdtempSync(join(tmpdir(), 'medichat-blobs-'));
    roots.push(root);
    const local = new LocalBlobStore(root);
    return sealed ? new SealedBlobStore(local, keys) : local;
  },
  async cleanup() {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  },
});

const s3Stores: S3BlobStore[] = [];
const s3Case = (sealed: boolean): EngineCase => ({
  name: sealed ? 'sealed over s3' : 's3',
  s3: true,
  async open() {
    if (!s3Endpoint) throw new Error('MEDICHAT_REQUIRE_S3=1 but MEDICHAT_TEST_S3_ENDPOINT is not set');
    const bucket = `mct-${run}-${s3Stores.length}`;
    const store = testS3Store(bucket, 'pre/fix', 'AES256');
    await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
    s3Stores.push(store);
    return sealed ? new SealedBlobStore(store, keys) : store;
  },
  async cleanup() {
    await Promise.all(s3Stores.splice(0).map((s) => s.close()));
  },
});

const cases: EngineCase[] = [localCase(false), localCase(true)];
if (s3Endpoint || requireS3) cases.push(s3Case(false), s3Case(true));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let s3Passed = 0;
after(() => {
  const markerDir = process.env.MEDICHAT_TEST_MARKER_DIR;
  if (markerDir && (s3Endpoint || requireS3)) {
    mkdirSync(markerDir, { recursive: true });
    if (s3Passed > 0) writeFileSync(join(markerDir, 's3-blob-contract.ran'), `${s3Passed}\n`);
  }
});

for (const engine of cases) {
  describe(`blob contract: ${engine.name}`, () => {
    let store: BlobStore;
    before(async () => {
      store = await engine.open();
    });
    after(() => engine.cleanup());
    const test = (name: string, fn: () => Promise<void>): void => {
      void it(name, { timeout: 60_000 }, async () => {
        await fn();
        if (engine.s3) s3Passed++;
      });
    };

    test('puts, gets with content type and size, overwrites and deletes', async () => {
      await store.put('avatars/u1/abc.webp', Buffer.from('one'), { contentType: 'image/webp' });
      const got = await store.get('avatars/u1/abc.webp');
      assert.equal(got?.data.toString(), 'one');
      assert.equal(got?.contentType, 'image/webp');
      assert.equal(got?.size, 3);
      await store.put('avatars/u1/abc.webp', Buffer.from('two!'), { contentType: 'image/png' });
      const again = await store.get('avatars/u1/abc.webp');
      assert.equal(again?.data.toString(), 'two!');
      assert.equal(again?.contentType, 'image/png');
      assert.equal(await store.delete('avatars/u1/abc.webp'), true);
      assert.equal(await store.get('avatars/u1/abc.webp'), null);
      assert.equal(await store.getStream('avatars/u1/abc.webp'), null);
      assert.equal(await store.delete('avatars/u1/abc.webp'), false);
    });

    test('streams a 6 MiB upload of unknown length and streams it back byte for byte', async () => {
      const data = randomBytes(6 * 1024 * 1024 + 17);
      const chunks = Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) =>
        data.subarray(i * 65536, (i + 1) * 65536),
      );
      await store.put('voice/u2/clip.ogg', Readable.from(chunks), { contentType: 'audio/ogg' });
      const got = await store.getStream('voice/u2/clip.ogg');
      assert.ok(got);
      assert.equal(got.contentType, 'audio/ogg');
      assert.equal(got.size, data.length);
      assert.equal(sha(await readAll(got.stream)), sha(data));
    });

    test('lists keys under a prefix with their sizes', async () => {
      await store.put('lists/a/1.bin', Buffer.alloc(5), { contentType: 'application/octet-stream' });
      await store.put('lists/a/2.bin', Buffer.alloc(7), { contentType: 'application/octet-stream' });
      await store.put('lists/b/3.bin', Buffer.alloc(1), { contentType: 'application/octet-stream' });
      const seen: string[] = [];
      for await (const o of store.list('lists/a/')) seen.push(o.key);
      assert.deepEqual(seen.sort(), ['lists/a/1.bin', 'lists/a/2.bin']);
      const all: string[] = [];
      for await (const o of store.list()) all.push(o.key);
      assert.ok(all.includes('lists/b/3.bin'));
      assert.ok(
        all.every((k) => !k.endsWith('.meta.json') && !k.startsWith('pre/')),
        all.join(),
      );
    });

    test('refuses keys that could escape the store, and stores nothing', async () => {
      for (const key of ['../x', '/etc/passwd', 'a/../../b', 'a//b', '', 'a/..', 'a\\b', 'a/.hidden']) {
        await assert.rejects(store.put(key, Buffer.from('x'), { contentType: 'text/plain' }), InvalidBlobKeyError, key);
        await assert.rejects(store.get(key), InvalidBlobKeyError, key);
      }
    });

    if (engine.name === 's3') {
      test('asks for server-side encryption and presigns a GET anyone can fetch', async () => {
        const s3 = store as S3BlobStore;
        await s3.put('avatars/u3/pic.webp', Buffer.from('picture'), { contentType: 'image/webp' });
        assert.equal(await s3.serverSideEncryptionOf('avatars/u3/pic.webp'), 'AES256');
        const url = await s3.presignGet('avatars/u3/pic.webp', 300);
        assert.match(url, /X-Amz-Signature=/);
        const res = await fetch(url);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'image/webp');
        assert.equal(Buffer.from(await res.arrayBuffer()).toString(), 'picture');
        // The object sits under the configured prefix in the bucket.
        const raw = await s3.client.send(
          new GetObjectCommand({ Bucket: `mct-${run}-0`, Key: 'pre/fix/avatars/u3/pic.webp' }),
        );
        assert.equal(raw.ContentLength, 7);
      });
    }

    if (engine.name.startsWith('sealed')) {
      test('sealed: the engine holds ciphertext only, and a blob moved to another key will not open', async () => {
        const sealed = store as SealedBlobStore;
        const secret = Buffer.from('patient says: chest pain since Monday '.repeat(20));
        await sealed.put('voice/u4/a.webm', secret, { contentType: 'audio/webm' });
        const raw = await sealed.inner.get('voice/u4/a.webm');
        assert.ok(raw);
        assert.equal(raw.contentType, 'application/octet-stream');
        assert.equal(raw.data.includes(Buffer.from('chest pain')), false);
        assert.equal(raw.data.includes(Buffer.from('audio/webm')), false);
        assert.deepEqual((await sealed.get('voice/u4/a.webm'))?.data, secret);
        await sealed.inner.put('voice/u5/b.webm', raw.data, { contentType: 'application/octet-stream' });
        await assert.rejects(sealed.get('voice/u5/b.webm'), DecryptionError);
        const other = new SealedBlobStore(sealed.inner, [{ id: 'k1', key: randomBytes(32) }]);
        await assert.rejects(other.get('voice/u4/a.webm'), DecryptionError);
      });
    }
  });
}
