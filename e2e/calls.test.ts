/**
 * A patient ↔ clinician WebRTC call in Chromium, through our Socket.IO signalling on loopback: two
 * browser contexts with fake microphones (Chromium's fake capture devices) sign in as a patient
 * and a clinician; the patient calls from the dashboard, the clinician sees the call on
 * /clinician/calls and answers, and both peer connections reach `connected` with a live remote
 * audio track that carries media (not muted). Hanging up ends the call on both sides. A refused
 * microphone gives the "needs your microphone" state and no call; unreachable signalling gives
 * "not available right now".
 * Run: node --conditions=development --import tsx --test e2e/calls.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { registerAccount, type TestAccount } from './fixtures/api.js';
import { openPage, type OpenedPage } from './fixtures/page.js';
import { formatViolations, launchBrowser, runAxe, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const ADMIN = { email: 'calls-admin@example.com', password: 'correct-horse-battery-9' };
const CALL_TIMEOUT = 30_000;

let server: TestServer;
let session: BrowserSession;
let patient: TestAccount;
let clinician: TestAccount;

before(async () => {
  assertWebBuilt();
  server = await startServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  session = await launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    // The machine may have no network but loopback: let WebRTC gather 127.0.0.1 host candidates.
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ]);
  patient = await registerAccount(server.url, 'Pat Caller');
  clinician = await registerAccount(server.url, 'Dr Cleo Answer');
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  assert.equal(login.status, 200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const promoted = await fetch(`${server.url}/api/admin/users/${clinician.user.id}/role`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ role: 'clinician' }),
  });
  assert.equal(promoted.status, 200, await promoted.text());
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function signIn(page: Page, account: TestAccount, to: string): Promise<void> {
  await page.goto(`${server.url}/login?redirect=${encodeURIComponent(to)}`, { waitUntil: 'load' });
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === to);
}

/** The remote media element's tracks, as the page sees them. */
function remoteTracks(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLMediaElement>('[data-remote-media]');
    const stream = el?.srcObject instanceof MediaStream ? el.srcObject : null;
    return (stream?.getTracks() ?? []).map((t) => ({ kind: t.kind, readyState: t.readyState, muted: t.muted }));
  });
}

const phase = (page: Page, value: string, timeout = CALL_TIMEOUT) =>
  page.locator(`[data-call-phase="${value}"]`).waitFor({ timeout });

describe('calls: patient ↔ clinician over WebRTC', () => {
  let patientPage: OpenedPage;
  let clinicianPage: OpenedPage;

  before(async () => {
    patientPage = await openPage(session);
    clinicianPage = await openPage(session);
  });
  after(async () => {
    await patientPage?.close();
    await clinicianPage?.close();
  });

  test('the patient calls, the clinician answers, both connect with live audio; hang-up ends it on both sides', async () => {
    const p = patientPage.page;
    const c = clinicianPage.page;
    await signIn(c, clinician, '/clinician/calls');
    await c.getByText('Nobody is waiting.').waitFor({ timeout: 15_000 });
    await signIn(p, patient, '/dashboard');

    await p.getByRole('button', { name: 'Call a clinician' }).click();
    await p.getByRole('status').filter({ hasText: 'Waiting for a clinician to answer' }).waitFor({ timeout: 15_000 });

    const answer = c.getByRole('button', { name: 'Answer Pat Caller' });
    await answer.waitFor({ timeout: 15_000 });
    await answer.click();

    for (const page of [p, c]) {
      await phase(page, 'in-call');
      await page.locator('[data-connection-state="connected"]').waitFor({ timeout: CALL_TIMEOUT });
    }
    await p.getByRole('status').filter({ hasText: 'In call with Dr Cleo Answer.' }).waitFor();
    await c.getByRole('status').filter({ hasText: 'In call with Pat Caller.' }).waitFor();
    assert.equal(await c.getByRole('button', { name: /^Answer / }).count(), 0, 'the answered call left the list');

    // Media flows: the remote audio track is live and not muted (it is muted while no packets arrive).
    for (const page of [p, c]) {
      await page.waitForFunction(
        () => {
          const el = document.querySelector<HTMLMediaElement>('[data-remote-media]');
          const stream = el?.srcObject instanceof MediaStream ? el.srcObject : null;
          const audio = stream?.getAudioTracks()[0];
          return audio !== undefined && audio.readyState === 'live' && !audio.muted;
        },
        undefined,
        { timeout: CALL_TIMEOUT },
      );
      const tracks = await remoteTracks(page);
      assert.deepEqual(tracks, [{ kind: 'audio', readyState: 'live', muted: false }]);
    }

    // Mute is a toggle button with its state.
    const mute = p.getByRole('button', { name: 'Mute' });
    await mute.click();
    await p.getByRole('button', { name: 'Unmute' }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed'), 'true');

    for (const page of [p, c]) {
      const violations = await runAxe(page, { include: '[data-call-phase]' });
      assert.equal(violations.length, 0, formatViolations(violations));
    }

    await screenshot(p, 'dashboard-call-in-call');
    await screenshot(c, 'clinician-calls-in-call');
    await p.getByRole('button', { name: 'Hang up' }).click();
    await phase(p, 'ended', 10_000);
    await phase(c, 'ended', 10_000);
    await c.getByRole('status').filter({ hasText: 'The call has ended.' }).waitFor();
    assert.deepEqual(await remoteTracks(c), [], 'the remote media is gone');
    assert.deepEqual(patientPage.errors, []);
    assert.deepEqual(clinicianPage.errors, []);
  });
});

describe('calls: no microphone', () => {
  test('a refused microphone shows the state and requests no call', async () => {
    const opened = await openPage(session);
    try {
      const { page } = opened;
      // The browser's permission answer, as a user who clicks "Block" gives it.
      await page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () =>
          Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      });
      const watcher = await openPage(session);
      try {
        await signIn(watcher.page, clinician, '/clinician/calls');
        await watcher.page.getByText('Nobody is waiting.').waitFor({ timeout: 15_000 });
        await signIn(page, patient, '/dashboard');
        await page.getByRole('button', { name: 'Call a clinician' }).click();
        await phase(page, 'unavailable', 10_000);
        await page.getByRole('status').filter({ hasText: 'Calls need your microphone.' }).waitFor();
        await page.getByRole('alert').filter({ hasText: 'The microphone is blocked' }).waitFor();
        await page.waitForTimeout(300);
        assert.equal(await watcher.page.getByText('Nobody is waiting.').count(), 1, 'no call reached the clinicians');
      } finally {
        await watcher.close();
      }
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });
});

describe('calls: signalling down', () => {
  test('when the call service cannot be reached, the panel says calls are not available', async () => {
    const opened = await openPage(session);
    try {
      const { page } = opened;
      await signIn(page, patient, '/dashboard');
      // The call service is down: its HTTP endpoint does not answer.
      await page.route('**/socket.io/**', (route) => route.abort('connectionrefused'));
      await page.getByRole('button', { name: 'Call a clinician' }).click();
      await phase(page, 'unavailable', 15_000);
      await page.getByRole('status').filter({ hasText: 'Calls are not available right now.' }).waitFor();
      await page.getByRole('alert').filter({ hasText: 'the call service cannot be reached' }).waitFor();
      // Try again once it is back: the request goes through.
      await page.unroute('**/socket.io/**');
      await page.getByRole('button', { name: 'Call a clinician' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Waiting for a clinician to answer' })
        .waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Cancel call' }).click();
      await phase(page, 'ended', 10_000);
      await page.getByRole('status').filter({ hasText: 'The call was cancelled.' }).waitFor();
      // The aborted requests are logged by Chromium as failed loads; nothing else.
      assert.deepEqual(
        opened.errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|socket\.io/.test(e.text)),
        [],
      );
    } finally {
      await opened.close();
    }
  });
});
