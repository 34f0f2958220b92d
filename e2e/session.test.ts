/**
 * Session handling in the browser, against the real API with 30-second access tokens: the access
 * token lives in memory only; it is refreshed silently before it expires; when it has expired
 * anyway (a sleeping tab), concurrent 401s share ONE refresh and every request is retried; a
 * reload restores the session from the httpOnly refresh cookie; signing out in one tab signs out
 * the others; "sign out everywhere" on one device ends another device's session.
 *
 * Run: node --conditions=development --import tsx --test e2e/session.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { registerAccount, type TestAccount } from './fixtures/api.js';
import { assertNoAxeViolations, assertNoConsoleErrors, goto, openPage, signedInName } from './fixtures/page.js';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const TTL_SECONDS = 30;

let server: TestServer;
let session: BrowserSession;
let account: TestAccount;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000', ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) });
  session = await launchBrowser();
  account = await registerAccount(server.url, 'Sid Session');
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function signIn(page: Page, redirect = '/dashboard'): Promise<void> {
  await goto(page, server.url, `/login?redirect=${encodeURIComponent(redirect)}`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(server.url + redirect);
}

function track(page: Page, path: string): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === path) seen.push(r);
  });
  return seen;
}

describe('session', () => {
  test('silent refresh before expiry; and after expiry, concurrent 401s share one refresh', async () => {
    // Tab A: ordinary. Tab B: its proactive refresh timer is held back (as in a sleeping background
    // tab), so its token expires and the next requests meet 401s. (Only timers of 10 s or more are
    // held back, and only in tab B; nothing touches fetch.)
    const a = await openPage(session);
    const b = await openPage(session);
    await b.page.addInitScript(() => {
      const original = window.setTimeout.bind(window);
      window.setTimeout = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) =>
        (timeout ?? 0) >= 10_000 ? 0 : original(handler, timeout, ...args)) as typeof window.setTimeout;
      // …and no catch-up when the tab shows again, so the next requests really meet an expired token.
      const add = document.addEventListener.bind(document);
      document.addEventListener = ((type: string, ...rest: [EventListenerOrEventListenerObject, unknown?]) =>
        type === 'visibilitychange'
          ? undefined
          : add(type, ...(rest as [EventListenerOrEventListenerObject]))) as typeof document.addEventListener;
    });
    try {
      await signIn(a.page);
      await signIn(b.page, '/sensors');
      const storage = await a.page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
      assert.ok(!/eyJ/.test(storage), 'no JWT in web storage');
      const aRefreshes = track(a.page, '/api/auth/refresh');
      const bRefreshes = track(b.page, '/api/auth/refresh');
      const bProfile: number[] = [];
      b.page.on('response', (r) => {
        if (new URL(r.url()).pathname === '/api/users/me') bProfile.push(r.status());
      });

      // Past the token's lifetime, plus the API's 5 s clock tolerance and a little slack.
      await a.page.waitForTimeout((TTL_SECONDS + 8) * 1000);

      assert.ok(aRefreshes.length >= 1, 'tab A refreshed by itself before expiry');
      assert.equal(bRefreshes.length, 0, 'tab B did not (its timer was held back)');

      // Tab A: still signed in, its requests just work.
      await a.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Medical card' }).click();
      await a.page.getByRole('form', { name: 'Medical card' }).waitFor();
      assert.equal(await signedInName(a.page), 'Sid Session');

      // Tab B: /card fetches the profile and the audit trail at once with the expired token →
      // two 401s → ONE refresh → both retried and answered.
      await b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Medical card' }).click();
      await b.page.getByRole('form', { name: 'Medical card' }).waitFor();
      await b.page.getByText('Nobody has opened your emergency page yet.').waitFor();
      assert.equal(bRefreshes.length, 1, 'one refresh for the concurrent 401s');
      assert.deepEqual(bProfile, [401, 200], 'the profile request was retried after the refresh');
      assert.equal(await signedInName(b.page), 'Sid Session');
      assertNoConsoleErrors(a.errors, 'tab A');
      assertNoConsoleErrors(b.errors, 'tab B', [/status of 401/]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a reload restores the session from the refresh cookie; signing out in one tab signs out the others', async () => {
    const context = await session.browser.newContext();
    const one = await context.newPage();
    const two = await context.newPage();
    try {
      await signIn(one, '/card');
      await one.reload();
      await one.getByRole('form', { name: 'Medical card' }).waitFor();
      assert.equal(await signedInName(one), 'Sid Session', 'signed in again after a reload, without a password');

      await goto(two, server.url, '/card');
      await two.getByRole('form', { name: 'Medical card' }).waitFor();

      await one.getByRole('button', { name: 'Sign out', exact: true }).click();
      await one.waitForURL(`${server.url}/login`);
      await two.getByRole('heading', { name: 'Sign in to see your medical card' }).waitFor({ timeout: 5_000 });
      assert.equal(await two.getByTestId('signed-in-name').count(), 0, 'the other tab is signed out too');

      // The refresh cookie is gone: a reload stays signed out.
      await two.reload();
      await two.getByRole('heading', { name: 'Sign in to see your medical card' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('"sign out everywhere" on one device ends the session on another', async () => {
    const phone = await openPage(session);
    const laptop = await openPage(session);
    try {
      await signIn(phone.page, '/card');
      await signIn(laptop.page, '/card');
      await laptop.page.getByRole('button', { name: 'Sign out everywhere' }).click();
      const dialog = laptop.page.getByRole('dialog', { name: 'Sign out on every device?' });
      await dialog.waitFor();
      await assertNoAxeViolations(laptop.page, 'the sign-out-everywhere dialog');
      await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
      await laptop.page.waitForURL(`${server.url}/login`);
      assert.equal(await laptop.page.getByTestId('signed-in-name').count(), 0);

      // The phone (another browser, its own refresh cookie) cannot come back without a password.
      const refreshes: number[] = [];
      phone.page.on('response', (r) => {
        if (new URL(r.url()).pathname === '/api/auth/refresh') refreshes.push(r.status());
      });
      await phone.page.reload();
      await phone.page.getByRole('heading', { name: 'Sign in to see your medical card' }).waitFor();
      assert.deepEqual(refreshes, [401]);
      assert.equal(await phone.page.getByTestId('signed-in-name').count(), 0);
      assertNoConsoleErrors(laptop.errors, 'laptop');
      assertNoConsoleErrors(phone.errors, 'phone', [/status of 401/]);
    } finally {
      await phone.close();
      await laptop.close();
    }
  });
});
