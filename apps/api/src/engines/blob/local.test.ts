/** What only the local-disk engine promises beyond the contract (blob.contract.test.ts). */
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

  it('leaves no temporary files behind a write, an overwrite and a delete', async () => {
    await store.put('avatars/u1/abc.webp', Buffer.from('one'), { contentType: 'image/webp' });
    await store.put('avatars/u1/abc.webp', Buffer.from('two!'), { contentType: 'image/webp' });
    assert.deepEqual(readdirSync(join(root, 'avatars/u1')).sort(), ['abc.webp', 'abc.webp.meta.json']);
    await store.delete('avatars/u1/abc.webp');
    assert.deepEqual(readdirSync(join(root, 'avatars/u1')), []);
  });

  it('never writes outside its root for a key with dots', async () => {
    await assert.rejects(store.put('x/y/..z', Buffer.from('x'), { contentType: 'text/plain' }), InvalidBlobKeyError);
    assert.equal(existsSync(join(root, '..', 'x')), false);
  });
});
