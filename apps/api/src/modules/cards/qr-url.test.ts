/**
 * The printed QR opens the emergency page: it encodes `<base>/emergency/<token>` (PUBLIC_URL, else
 * the request's protocol and host). QR login takes that URL or the bare token; the host grants
 * nothing. `GET /api/qr` returns the current QR without replacing it. `GET /api/config` tells the
 * web app the server's emergency number. Real app on SQLite and, when configured, MongoDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { publicConfigSchema } from '@medichat/shared';
import sharp from 'sharp';
import type { TestApp } from '../../testing/test-app.js';
import { createIdentityTestApp, registerAccount, testEngines, type Account } from '../account/auth.test-helpers.js';
import { qrTokenOf, qrUrl } from './qr-url.js';

async function decodeQrPng(png: Buffer): Promise<string> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const luminance = new RGBLuminanceSource(new Uint8ClampedArray(data), info.width, info.height);
  const hints = new Map([[DecodeHintType.PURE_BARCODE, true]]);
  return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(luminance)), hints).getText();
}

const TOKEN = `mc1.abc.3.${'A'.repeat(43)}`;

describe('QR URL parsing', () => {
  it('takes the bare token or the last segment of an http(s) …/emergency/<token> URL', () => {
    assert.equal(qrUrl('https://card.example.org', TOKEN), `https://card.example.org/emergency/${TOKEN}`);
    assert.equal(qrUrl('https://x.org/medichat', TOKEN), `https://x.org/medichat/emergency/${TOKEN}`);
    assert.equal(qrTokenOf(TOKEN), TOKEN);
    assert.equal(qrTokenOf(`https://card.example.org/emergency/${TOKEN}`), TOKEN);
    assert.equal(qrTokenOf(`http://10.0.0.2:8080/sub/emergency/${TOKEN}`), TOKEN);
    for (const bad of [
      `https://x.org/emergency/${TOKEN}?a=1`,
      `https://x.org/emergency/${TOKEN}#x`,
      `https://x.org/other/${TOKEN}`,
      `https://x.org/emergency/`,
      `https://u:p@x.org/emergency/${TOKEN}`,
      'https://%zz',
    ]) {
      assert.equal(qrTokenOf(bad), null, bad);
    }
  });
});

for (const engine of testEngines) {
  describe(`QR as an emergency URL on ${engine}`, () => {
    let t: TestApp;
    let pub: TestApp;
    before(async () => {
      t = await createIdentityTestApp(engine, { EMERGENCY_NUMBER: '999' });
      pub = await createIdentityTestApp(engine, { PUBLIC_URL: 'https://card.example.org/mc' });
    });
    after(async () => {
      await t.close();
      await pub.close();
    });

    const qrOf = async (app: TestApp, a: Account, method: 'GET' | 'POST', accept = 'application/json') =>
      app.app.inject({ method, url: '/api/qr', headers: { ...a.auth, accept, host: 'medichat.test:8443' } });
    const qrLogin = (app: TestApp, payload: object) =>
      app.app.inject({ method: 'POST', url: '/api/auth/qr-login', payload });

    it('the PNG decodes to the emergency URL on the request host; the URL and the bare token sign in', async () => {
      const a = await registerAccount(t.app);
      const png = await qrOf(t, a, 'GET', 'image/png');
      assert.equal(png.statusCode, 200, png.body);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.equal(png.headers['x-qr-version'], '1', 'a card without a QR gets its first one');
      const url = await decodeQrPng(png.rawPayload);
      assert.match(url, /^http:\/\/medichat\.test:8443\/emergency\/mc1\.[A-Za-z0-9_-]+\.1\.[A-Za-z0-9_-]{43}$/);
      const json = (await qrOf(t, a, 'GET')).json();
      assert.deepEqual(json, { qr: url, version: 1 });
      const svg = await qrOf(t, a, 'GET', 'image/svg+xml');
      assert.match(svg.body, /^<svg/);
      assert.equal((await qrOf(t, a, 'GET', 'text/html')).statusCode, 406);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/qr' })).statusCode, 401);

      const byUrl = await qrLogin(t, { qr: url });
      assert.equal(byUrl.statusCode, 200, byUrl.body);
      assert.equal(byUrl.json().user.id, a.userId);
      const token = qrTokenOf(url)!;
      assert.equal((await qrLogin(t, { qr: token })).statusCode, 200, 'the bare token (older prints) still works');
      // The token is the credential: another host with the same token is the same card; a changed
      // token is nothing, whatever the host.
      assert.equal((await qrLogin(t, { qr: `https://elsewhere.example/emergency/${token}` })).statusCode, 200);
      const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const bad of [`http://medichat.test:8443/emergency/${forged}`, `${url}?x=1`, `${url}/`, 'http://x']) {
        assert.equal((await qrLogin(t, { qr: bad })).statusCode, 401, bad);
      }
      // The emergency page's API takes the token from the path.
      const view = await t.app.inject({ method: 'GET', url: `/api/emergency/${token}` });
      assert.equal(view.statusCode, 200, view.body);
      assert.equal(view.json().emergencyNumber, '999');
    });

    it('GET /api/qr does not bump the version; POST does, and the old QR is refused at once', async () => {
      const a = await registerAccount(t.app);
      await qrOf(t, a, 'POST');
      const before = (await qrOf(t, a, 'POST')).json() as { qr: string; version: number };
      assert.equal(before.version, 2);
      for (let i = 0; i < 3; i++) {
        const got = (await qrOf(t, a, 'GET')).json();
        assert.deepEqual(got, before, 'GET returns the same QR');
      }
      assert.equal((await qrLogin(t, { qr: before.qr })).statusCode, 200, 'the QR from before GET still signs in');
      const after = (await qrOf(t, a, 'POST')).json() as { qr: string; version: number };
      assert.equal(after.version, 3);
      assert.notEqual(after.qr, before.qr);
      assert.equal((await qrLogin(t, { qr: before.qr })).statusCode, 401, 'the old URL is refused');
      assert.equal((await qrLogin(t, { qr: qrTokenOf(before.qr)! })).statusCode, 401, 'so is its bare token');
      const old = await t.app.inject({ method: 'GET', url: `/api/emergency/${qrTokenOf(before.qr)!}` });
      assert.equal(old.statusCode, 404);
      assert.equal((await qrLogin(t, { qr: after.qr })).statusCode, 200);
      assert.deepEqual((await qrOf(t, a, 'GET')).json(), after);
    });

    it('with PUBLIC_URL the QR points there, whatever host the request named', async () => {
      const a = await registerAccount(pub.app);
      const { qr } = (await qrOf(pub, a, 'GET')).json() as { qr: string };
      assert.match(qr, /^https:\/\/card\.example\.org\/mc\/emergency\/mc1\./);
      assert.equal((await qrLogin(pub, { qr })).statusCode, 200);
    });

    it('X-Forwarded-* choose the base only behind a trusted proxy (TRUST_PROXY)', async () => {
      const proxied = await createIdentityTestApp(engine, { TRUST_PROXY: 'true' });
      try {
        const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'cards.example.net' };
        const b = await registerAccount(proxied.app);
        const viaProxy = await proxied.app.inject({
          method: 'GET',
          url: '/api/qr',
          headers: { ...b.auth, ...forwarded },
        });
        assert.match(viaProxy.json().qr, /^https:\/\/cards\.example\.net\/emergency\/mc1\./);
        const a = await registerAccount(t.app);
        const direct = await t.app.inject({ method: 'GET', url: '/api/qr', headers: { ...a.auth, ...forwarded } });
        assert.match(direct.json().qr, /^http:\/\/localhost(:\d+)?\/emergency\/mc1\./, 'untrusted headers are ignored');
      } finally {
        await proxied.close();
      }
    });

    it('bad input to qr-login and /api/qr stays 4xx', async () => {
      for (const payload of [{}, { qr: 1 }, { qr: { $gt: '' } }, { qr: 'x'.repeat(600) }, { qr: TOKEN, extra: 1 }]) {
        const res = await qrLogin(t, payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
      }
      assert.equal((await qrLogin(t, { qr: `http://localhost/emergency/${TOKEN}` })).statusCode, 401);
      const forgedJwt = await t.app.inject({
        method: 'GET',
        url: '/api/qr',
        headers: { authorization: 'Bearer x.y.z' },
      });
      assert.equal(forgedJwt.statusCode, 401);
    });

    it('GET /api/config is public, cacheable for a minute, and carries the configured number only', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/config' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'public, max-age=60');
      const body = publicConfigSchema.parse(res.json());
      assert.deepEqual(Object.keys(res.json()).sort(), ['avatarMaxBytes', 'emergencyNumber', 'version']);
      assert.equal(body.emergencyNumber, '999');
      assert.equal(body.avatarMaxBytes, 5 * 1024 * 1024);
      assert.equal((await pub.app.inject({ method: 'GET', url: '/api/config' })).json().emergencyNumber, '112');
      // A method the path does not declare: 405 with the methods it does (issue 12), never a write.
      const post = await t.app.inject({ method: 'POST', url: '/api/config', payload: {} });
      assert.equal(post.statusCode, 405);
      assert.match(String(post.headers.allow), /\bGET\b/);
    });
  });
}
