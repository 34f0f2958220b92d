/**
 * Avatars through the real app on SQLite and, when configured, MongoDB: upload (raw body or
 * multipart), sniffing by magic bytes, re-encoding to WebP ≤ 512 px with metadata stripped,
 * the public unguessable URL with caching, and every kind of bad upload.
 */
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { TestApp } from '../../testing/test-app.js';
import { createIdentityTestApp, registerAccount, testEngines, type Account } from '../account/auth.test-helpers.js';
import { sniffImage } from './avatar.service.js';

const MAX_BYTES = 300_000;

/** A JPEG whose EXIF carries GPS coordinates and a camera model. */
async function jpegWithGps(width = 1600, height = 1200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'SecretCam', Model: 'Spy 3000' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2400/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 0/1',
      },
    })
    .toBuffer();
}

/** A tiny valid PNG whose header claims `w × h` pixels (a decompression bomb's header). */
async function pngClaiming(w: number, h: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer(),
  );
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC covers type + data.
  png.writeUInt32BE(w, 16);
  png.writeUInt32BE(h, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

function multipart(field: string, filename: string, type: string, data: Buffer) {
  const boundary = '----medichat-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('image sniffing', () => {
  it('knows PNG, JPEG and WebP by their first bytes only', async () => {
    const px = sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } });
    assert.equal(sniffImage(await px.clone().png().toBuffer()), 'png');
    assert.equal(sniffImage(await px.clone().jpeg().toBuffer()), 'jpeg');
    assert.equal(sniffImage(await px.clone().webp().toBuffer()), 'webp');
    assert.equal(sniffImage(await px.clone().gif().toBuffer()), null);
    assert.equal(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
    assert.equal(sniffImage(Buffer.from('%PDF-1.7')), null);
    assert.equal(sniffImage(Buffer.alloc(0)), null);
  });
});

for (const engine of testEngines) {
  describe(`avatar on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createIdentityTestApp(engine, { AVATAR_MAX_BYTES: String(MAX_BYTES) });
    });
    after(() => t.close());

    const upload = (a: Account | null, payload: Buffer, type: string) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/users/me/avatar',
        headers: { ...(a?.auth ?? {}), 'content-type': type },
        payload,
      });
    const avatarUrl = async (a: Account) =>
      (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth })).json().user.avatarUrl;

    it('re-encodes to WebP ≤ 512 px without EXIF/GPS, served at a public immutable URL', async () => {
      const a = await registerAccount(t.app);
      const input = await jpegWithGps();
      const inMeta = await sharp(input).metadata();
      assert.ok(inMeta.exif && inMeta.exif.includes(Buffer.from('SecretCam')), 'the upload does carry EXIF');
      // Declared as PNG, but sniffed as JPEG: the declared type does not matter.
      const res = await upload(a, input, 'image/png');
      assert.equal(res.statusCode, 200, res.body);
      const url = res.json().avatarUrl as string;
      assert.match(url, new RegExp(`^/api/users/${a.userId}/avatar/[a-f0-9]{32}$`));
      assert.equal(await avatarUrl(a), url);
      const img = await t.app.inject({ method: 'GET', url });
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/webp');
      assert.match(String(img.headers['cache-control']), /max-age=31536000.*immutable/);
      const meta = await sharp(img.rawPayload).metadata();
      assert.equal(meta.format, 'webp');
      assert.ok(meta.width! <= 512 && meta.height! <= 512);
      assert.equal(meta.width, 512);
      assert.equal(meta.exif, undefined);
      assert.equal(meta.icc, undefined);
      assert.equal(meta.xmp, undefined);
      for (const s of ['SecretCam', 'Spy 3000', 'GPS', 'Exif']) assert.ok(!img.rawPayload.includes(Buffer.from(s)), s);
      const cached = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': String(img.headers.etag) } });
      assert.equal(cached.statusCode, 304);
      // The JWT route redirects to the public URL.
      const redirect = await t.app.inject({ method: 'GET', url: '/api/users/me/avatar', headers: a.auth });
      assert.equal(redirect.statusCode, 302);
      assert.equal(redirect.headers.location, url);
    });

    it('accepts multipart; a new upload retires the old URL; delete removes it', async () => {
      const a = await registerAccount(t.app);
      const small = await sharp({ create: { width: 100, height: 60, channels: 4, background: '#0a0' } })
        .png()
        .toBuffer();
      const first = await upload(a, small, 'image/png');
      const oldUrl = first.json().avatarUrl;
      const img = await t.app.inject({ method: 'GET', url: oldUrl });
      assert.equal((await sharp(img.rawPayload).metadata()).width, 100, 'never enlarged');
      const webp = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#00f' } })
        .webp()
        .toBuffer();
      const mp = multipart('file', 'me.webp', 'image/webp', webp);
      const second = await t.app.inject({
        method: 'PUT',
        url: '/api/users/me/avatar',
        headers: { ...a.auth, ...mp.headers },
        payload: mp.payload,
      });
      assert.equal(second.statusCode, 200, second.body);
      assert.notEqual(second.json().avatarUrl, oldUrl);
      assert.equal((await t.app.inject({ method: 'GET', url: oldUrl })).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'GET', url: second.json().avatarUrl })).statusCode, 200);
      assert.equal(
        (await t.app.inject({ method: 'DELETE', url: '/api/users/me/avatar', headers: a.auth })).statusCode,
        204,
      );
      assert.equal((await t.app.inject({ method: 'GET', url: second.json().avatarUrl })).statusCode, 404);
      assert.equal(await avatarUrl(a), null);
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/users/me/avatar', headers: a.auth })).statusCode,
        404,
      );
    });

    it('refuses bad uploads with 4xx and keeps the current picture', async () => {
      const a = await registerAccount(t.app);
      const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123' } })
        .png()
        .toBuffer();
      const url = (await upload(a, good, 'image/png')).json().avatarUrl;
      const jpeg = await jpegWithGps(400, 300);
      const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
        .gif()
        .toBuffer();
      const cases: Array<[string, () => ReturnType<typeof upload>, number]> = [
        ['text pretending to be PNG', () => upload(a, Buffer.from('hello, I am not an image'), 'image/png'), 415],
        ['a PDF', () => upload(a, Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'image/jpeg'), 415],
        ['a GIF', () => upload(a, gif, 'image/png'), 415],
        [
          'an SVG',
          () =>
            upload(
              a,
              Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
              'image/svg+xml',
            ),
          415,
        ],
        ['JSON', () => upload(a, Buffer.from('{"a":1}'), 'application/json'), 415],
        ['an empty body', () => upload(a, Buffer.alloc(0), 'image/png'), 415],
        ['a truncated JPEG', () => upload(a, jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'image/jpeg'), 422],
        [
          'a decompression bomb (60000 × 60000 header)',
          async () => upload(a, await pngClaiming(60_000, 60_000), 'image/png'),
          422,
        ],
        [
          'a file over AVATAR_MAX_BYTES',
          () => upload(a, Buffer.concat([good, Buffer.alloc(MAX_BYTES)]), 'image/png'),
          413,
        ],
        [
          'a multipart file over AVATAR_MAX_BYTES',
          () => {
            const mp = multipart('file', 'x.png', 'image/png', Buffer.concat([good, Buffer.alloc(MAX_BYTES)]));
            return t.app.inject({
              method: 'PUT',
              url: '/api/users/me/avatar',
              headers: { ...a.auth, ...mp.headers },
              payload: mp.payload,
            });
          },
          413,
        ],
        ['no token', () => upload(null, good, 'image/png'), 401],
      ];
      for (const [name, send, status] of cases) {
        const res = await send();
        assert.equal(res.statusCode, status, `${name}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /problem\+json/, name);
        assert.equal(await avatarUrl(a), url, `${name}: the picture is unchanged`);
      }
      assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 200);
    });

    it('user B cannot reach A’s picture with any key but A’s own, nor replace it', async () => {
      const a = await registerAccount(t.app);
      const b = await registerAccount(t.app);
      const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#f00' } })
        .png()
        .toBuffer();
      const aUrl = (await upload(a, png, 'image/png')).json().avatarUrl as string;
      const bUrl = (await upload(b, png, 'image/png')).json().avatarUrl as string;
      const bKey = bUrl.split('/').pop();
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/users/${a.userId}/avatar/${bKey}` })).statusCode,
        404,
      );
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/users/${a.userId}/avatar/${'0'.repeat(32)}` })).statusCode,
        404,
      );
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/users/${a.userId}/avatar/..%2f..%2fsecrets` })).statusCode,
        400,
      );
      assert.equal(
        (await t.app.inject({ method: 'DELETE', url: '/api/users/me/avatar', headers: b.auth })).statusCode,
        204,
      );
      assert.equal((await t.app.inject({ method: 'GET', url: aUrl })).statusCode, 200, "B's delete touched only B");
      assert.equal((await t.app.inject({ method: 'GET', url: bUrl })).statusCode, 404);
    });
  });
}
