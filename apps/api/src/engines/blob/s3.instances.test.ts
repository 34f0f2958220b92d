/**
 * Two app instances sharing one S3 bucket (moto's S3 server from the test command) and one
 * database (MongoDB when MEDICHAT_TEST_MONGODB_URI is set, else one SQLite DATA_DIR): an avatar
 * uploaded through instance A is served by instance B, as a presigned redirect straight to the
 * store, and nothing is written to either instance's local disk.
 *
 *   MEDICHAT_SKIP_BUILD=1 npm test -- s3.instances
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { fastAuthEnv, registerAccount } from '../../modules/account/auth.test-helpers.js';
import { createTestApp, mongoTestUri, type TestApp } from '../../testing/test-app.js';
import { testS3Store } from './s3.test-helper.js';

const endpoint = process.env.MEDICHAT_TEST_S3_ENDPOINT;
const required = process.env.MEDICHAT_REQUIRE_S3 === '1';

describe('avatar across two instances sharing S3', { skip: !endpoint && !required && 'no S3 server' }, () => {
  const bucket = `mct-inst-${randomBytes(4).toString('hex')}`;
  const shared = mkdtempSync(join(tmpdir(), 'medichat-2inst-'));
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    if (!endpoint) throw new Error('MEDICHAT_REQUIRE_S3=1 but MEDICHAT_TEST_S3_ENDPOINT is not set');
    const admin = testS3Store(bucket);
    await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
    await admin.close();
    const env = {
      ...fastAuthEnv,
      DATA_DIR: shared,
      BLOB_URL: `s3://${bucket}/medichat`,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: 'testing',
      S3_SECRET_ACCESS_KEY: 'testing',
      ...(mongoTestUri ? { MONGODB_URI: mongoTestUri, MONGODB_DB: `mct_${randomBytes(6).toString('hex')}` } : {}),
    };
    a = await createTestApp(env);
    b = await createTestApp(env);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    rmSync(shared, { recursive: true, force: true });
  });

  it('A stores it, B redirects to a presigned URL that serves the same bytes; the CSP allows the store', async () => {
    const account = await registerAccount(a.app);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const up = await a.app.inject({
      method: 'PUT',
      url: '/api/users/me/avatar',
      headers: { ...account.auth, 'content-type': 'image/png' },
      payload: png,
    });
    assert.equal(up.statusCode, 200, up.body);
    const url = up.json().avatarUrl as string;
    assert.equal(existsSync(join(shared, 'blobs')), false, 'nothing on local disk');

    const viaB = await b.app.inject({ method: 'GET', url });
    assert.equal(viaB.statusCode, 302, viaB.body);
    const location = String(viaB.headers.location);
    assert.ok(location.startsWith(`${endpoint}/${bucket}/medichat/avatars/`), location);
    assert.match(location, /X-Amz-Signature=/);
    const img = await fetch(location);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/webp');
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 64);
    assert.ok(String(viaB.headers['content-security-policy']).includes(new URL(endpoint!).origin));

    // A stale key (not the current picture) is a 404 on B, not a signed URL.
    const stale = await b.app.inject({ method: 'GET', url: url.replace(/[a-f0-9]{32}$/, 'f'.repeat(32)) });
    assert.equal(stale.statusCode, 404);
    assert.match(String(stale.headers['content-type']), /application\/problem\+json/);
  });
});
