/**
 * QR sign-in through a FAKE CAMERA: the account's QR (the PNG the API draws) becomes a Y4M video
 * (ffmpeg, e2e/fixtures/qr-video.ts) that Chromium plays as its webcam
 * (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>.y4m`, a new browser
 * per video since the file is fixed at launch). `@zxing/browser` reads it on /login/qr and the app
 * signs in with `POST /api/auth/qr-login`. Also: the PIN step for accounts with a PIN, the paste and
 * photo fallbacks, an old QR refused, and a browser with no camera.
 *
 * Run: node --conditions=development --import tsx --test e2e/qr-login.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { newQrPng, newQrString, registerAccount, setPin } from './fixtures/api.js';
import {
  assertAccessibleInBothThemes,
  assertNoAxeViolations,
  assertNoConsoleErrors,
  goto,
  openPage,
  signedInName,
} from './fixtures/page.js';
import { ffmpegPath, qrImageToY4m } from './fixtures/qr-video.js';
import { launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let work: string;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000' });
  work = mkdtempSync(join(tmpdir(), 'medichat-qr-'));
});

after(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A Chromium whose webcam plays `y4m`, the permission prompt answered "allow". */
function launchWithFakeCamera(y4m: string): Promise<BrowserSession> {
  return launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
  ]);
}

async function videoOf(png: Buffer, name: string): Promise<string> {
  const image = join(work, `${name}.png`);
  writeFileSync(image, png);
  return qrImageToY4m(image, join(work, `${name}.y4m`));
}

const WRONG_PIN_OR_QR = [/status of 401/];

describe('QR sign-in', () => {
  test('the QR page is accessible before the camera starts (light and dark)', async () => {
    const session = await launchBrowser();
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login/qr');
      await page.getByRole('button', { name: 'Start camera' }).waitFor();
      await assertAccessibleInBothThemes(page, '/login/qr', 'login-qr');
      assertNoConsoleErrors(errors, '/login/qr');
    } finally {
      await close();
      await session.close();
    }
  });

  test('a fake camera showing the printed QR signs the user in', async () => {
    const account = await registerAccount(server.url, 'Grace Camera');
    const y4m = await videoOf(await newQrPng(server.url, account), 'grace');
    const session = await launchWithFakeCamera(y4m);
    const { page, errors, close } = await openPage(session);
    try {
      const qrLogin = page.waitForResponse((r) => r.url().endsWith('/api/auth/qr-login'), { timeout: 30_000 });
      await goto(page, server.url, '/login/qr');
      // --use-fake-ui-for-media-stream answers the permission "allow", so the camera starts by itself
      // (a visitor without permission presses "Start camera": see the no-camera test).
      assert.equal((await qrLogin).status(), 200);
      await page.waitForURL(`${server.url}/dashboard`, { timeout: 15_000 });
      assert.equal(await signedInName(page), 'Grace Camera');
      await screenshot(page, 'qr-login-signed-in');
      // The camera is released once the code is read.
      const live = await page.evaluate(() => document.querySelectorAll('video').length);
      assert.equal(live, 0, 'no video element left on the dashboard');
      assertNoConsoleErrors(errors, 'QR sign-in');
    } finally {
      await close();
      await session.close();
    }
  });

  test('with a PIN on the account: the camera starts by itself when allowed, then the PIN is asked', async () => {
    const account = await registerAccount(server.url, 'Pat Pin');
    await setPin(server.url, account, '2468');
    const y4m = await videoOf(await newQrPng(server.url, account), 'pat');
    const session = await launchWithFakeCamera(y4m);
    const { page, errors, close } = await openPage(session, { permissions: ['camera'] });
    try {
      await goto(page, server.url, '/login/qr');
      // Permission already granted: no button press needed.
      const pin = page.getByLabel('PIN');
      await pin.waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
        await screenshot(page, 'qr-login-pin-step-FAILED');
        console.error(errors, await page.locator('main').textContent());
        throw err;
      });
      await page.waitForFunction(() => document.activeElement?.id === 'qr-pin', undefined, { timeout: 5_000 });
      assert.match((await page.getByRole('status').first().textContent()) ?? '', /also asks for its PIN/);
      await assertAccessibleInBothThemes(page, 'QR sign-in PIN step', 'qr-login-pin-step');

      await pin.fill('1111');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByRole('alert')
        .getByText(/PIN is not right/)
        .waitFor();
      await page.waitForFunction(() => document.activeElement?.hasAttribute('data-form-alert'));
      await assertNoAxeViolations(page, 'QR sign-in wrong PIN');

      await pin.fill('2468');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${server.url}/dashboard`, { timeout: 15_000 });
      assert.equal(await signedInName(page), 'Pat Pin');
      assertNoConsoleErrors(errors, 'QR + PIN sign-in', WRONG_PIN_OR_QR);
    } finally {
      await close();
      await session.close();
    }
  });

  test('while scanning, the viewfinder is accessible and the camera can be stopped', async () => {
    // A camera that sees no QR code: white frames.
    const blank = join(work, 'blank.png');
    execFileSync(ffmpegPath(), [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=white:s=64x64',
      '-frames:v',
      '1',
      blank,
    ]);
    const session = await launchWithFakeCamera(qrImageToY4m(blank, join(work, 'blank.y4m')));
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login/qr');
      await page.getByText('Camera on.').waitFor();
      assert.ok(await page.getByLabel('Camera view for scanning the QR code').isVisible());
      await assertAccessibleInBothThemes(page, '/login/qr scanning', 'login-qr-scanning');
      await page.getByRole('button', { name: 'Stop camera' }).click();
      await page.getByRole('button', { name: 'Start camera' }).waitFor();
      await screenshot(page, 'login-qr-stopped');
      const tracks = await page.evaluate(() => {
        const video = document.querySelector('video');
        const stream = video?.srcObject as MediaStream | null | undefined;
        return stream ? stream.getTracks().filter((t) => t.readyState === 'live').length : 0;
      });
      assert.equal(tracks, 0, 'the camera is off after Stop');
      assertNoConsoleErrors(errors, 'scanning');
    } finally {
      await close();
      await session.close();
    }
  });

  test('no camera: a clear message, and the paste and photo fallbacks work; an old QR is refused', async () => {
    const account = await registerAccount(server.url, 'Noor Nocam');
    const first = await newQrString(server.url, account);
    // What the QR encodes: the emergency page's URL, which QR login accepts as is.
    assert.match(
      first,
      new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/emergency/mc1\\.[A-Za-z0-9_-]+\\.1\\.[A-Za-z0-9_-]{43}$`),
    );
    const session = await launchBrowser();
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login/qr');
      await page.getByRole('button', { name: 'Start camera' }).click();
      const problem = page.getByRole('alert').filter({ hasText: /camera/i });
      await problem.waitFor();
      assert.match(
        (await problem.textContent()) ?? '',
        /No camera was found|Camera access is blocked|could not be started/,
      );
      await assertNoAxeViolations(page, '/login/qr without a camera');
      await screenshot(page, 'login-qr-no-camera');

      // Paste: not ours → a field error; ours → signed in.
      await page.getByLabel('Paste the text of the QR code').fill('https://example.com/not-a-card');
      await page.getByRole('button', { name: 'Sign in with this code' }).click();
      await page
        .locator('#qr-paste-error')
        .getByText(/not a Medichat card/)
        .waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'qr-paste');
      await page.getByLabel('Paste the text of the QR code').fill(first);
      // Signing in here goes straight on: the "already signed in" notice never flashes in between.
      await page.evaluate(() => {
        const seen = { notice: false };
        (window as unknown as { __notice: typeof seen }).__notice = seen;
        new MutationObserver(() => {
          if (document.body.textContent?.includes('You are signed in as')) seen.notice = true;
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await page.getByRole('button', { name: 'Sign in with this code' }).click();
      await page.waitForURL(`${server.url}/dashboard`);
      assert.equal(await signedInName(page), 'Noor Nocam');
      assert.equal(
        await page.evaluate(() => (window as unknown as { __notice: { notice: boolean } }).__notice.notice),
        false,
        'no "You are signed in" flash while the sign-in navigates on',
      );
      // Coming back to a sign-in page with a session (restored by the reload): the notice, with a way out.
      await goto(page, server.url, '/login/qr');
      await page.getByText('You are signed in as').waitFor();
      await page.locator('#main').getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByLabel('Paste the text of the QR code').waitFor();
      assert.equal(await page.getByText('You are signed in as').count(), 0);

      // The bare token (older prints, pasted text) signs in too.
      await goto(page, server.url, '/login/qr');
      await page.getByLabel('Paste the text of the QR code').fill(first.slice(first.lastIndexOf('/') + 1));
      await page.getByRole('button', { name: 'Sign in with this code' }).click();
      await page.waitForURL(`${server.url}/dashboard`);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(`${server.url}/login`);

      // A new QR replaces the first: pasting the old one is refused.
      await newQrString(server.url, account);
      await goto(page, server.url, '/login/qr');
      await page.getByLabel('Paste the text of the QR code').fill(first);
      await page.getByRole('button', { name: 'Sign in with this code' }).click();
      await page
        .getByRole('alert')
        .getByText(/does not sign anyone in/)
        .waitFor();

      // A picture without a code: said so, nothing sent.
      const noCode = join(work, 'no-code.png');
      writeFileSync(noCode, await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } }));
      await page.locator('#qr-image').setInputFiles(noCode);
      await page
        .locator('#qr-image-error')
        .getByText(/No QR code was found/)
        .waitFor();

      // A photo of the current QR: read on the device, then signed in.
      const photo = join(work, 'noor.png');
      writeFileSync(photo, await newQrPng(server.url, account));
      await page.locator('#qr-image').setInputFiles(photo);
      await waitForUrlOrExplain(page, `${server.url}/dashboard`);
      assert.equal(await signedInName(page), 'Noor Nocam');
      assertNoConsoleErrors(errors, 'QR fallbacks', WRONG_PIN_OR_QR);
    } finally {
      await close();
      await session.close();
    }
  });
});

/** `page.waitForURL`, but a timeout says what the page showed (its alerts) instead of only the URL. */
async function waitForUrlOrExplain(page: Page, url: string): Promise<void> {
  try {
    await page.waitForURL(url);
  } catch (error) {
    const alerts = await page.getByRole('alert').allTextContents();
    throw new Error(`${(error as Error).message}\nat ${page.url()}, alerts: ${JSON.stringify(alerts)}`, {
      cause: error,
    });
  }
}
