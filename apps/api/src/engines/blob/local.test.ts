import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LocalBlobStore } from './local.js';
import { InvalidBlobKeyError } from './port.js';

describe('LocalBlobStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'medichat-blobs-'));
  const store = new LocalBlobStore(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  it('puts, gets with the content type, overwrites and deletes', async () => {
    await store.put('avatars/u1/abc.webp', Buffer.from('one'), { contentType: 'image/webp' });
    const got = await store.get('avatars/u1/abc.webp');
    assert.equal(got?.data.toString(), 'one');
    assert.equal(got?.contentType, 'image/webp');
    assert.equal(got?.size, 3);
    await store.put('avatars/u1/abc.webp', Buffer.from('two!'), { contentType: 'image/webp' });
    assert.equal((await store.get('avatars/u1/abc.webp'))?.data.toString(), 'two!');
    assert.equal(await store.delete('avatars/u1/abc.webp'), true);
    assert.equal(await store.get('avatars/u1/abc.webp'), null);
    assert.equal(await store.delete('avatars/u1/abc.webp'), false);
    // No temporary files left behind.
    assert.deepEqual(readdirSync(join(root, 'avatars/u1')), []);
  });

  it('refuses keys that could escape the store', async () => {
    for (const key of ['../x', '/etc/passwd', 'a/../../b', 'a//b', '', 'a/..', 'a\\b', 'a/.hidden', 'x/y/..z']) {
      await assert.rejects(store.put(key, Buffer.from('x'), { contentType: 'text/plain' }), InvalidBlobKeyError, key);
      await assert.rejects(store.get(key), InvalidBlobKeyError, key);
    }
    assert.equal(existsSync(join(root, '..', 'x')), false);
  });
});
