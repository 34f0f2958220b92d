/**
 * Password sign-in (with a redirect back), choosing a PIN on the card page, PIN sign-in as the
 * remembered "last user on this device" and with email + PIN on a new device (a wrong email reads
 * exactly like a wrong PIN), and the lock after repeated
 * wrong PINs; changing the password (other devices signed out) and removing the PIN. Real
 * Chromium, real API.
 *
 * Run: node --conditions=development --import tsx --test e2e/pin-login.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { registerAccount, setPin, type TestAccount } from './fixtures/api.js';
import {
  assertAccessibleInBothThemes,
  assertNoAxeViolations,
  assertNoConsoleErrors,
  goto,
  openPage,
  signedInName,
  ownAuditEntries,
} from './fixtures/page.js';
import { launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let session: BrowserSession;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000' });
  session = await launchBrowser();
});

after(async () => {
  await session?.close();
  await server?.close();
});

/** Wrong PINs and passwords are 401s (locks 423), which Chromium logs as failed resources. */
const EXPECTED = [/status of 401/, /status of 423/, /status of 403/];

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(`${server.url}/login`);
  await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
}

describe('password and PIN sign-in', () => {
  let account: TestAccount;

  before(async () => {
    account = await registerAccount(server.url, 'Pim Pinson');
  });

  test('password sign-in: a wrong password says so without saying which part; then back to the page asked for', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/card');
      await page.getByRole('heading', { name: 'Sign in to see your medical card' }).waitFor();
      await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/login?redirect=%2Fcard`);
      await assertAccessibleInBothThemes(page, '/login', 'login');

      await page.getByLabel('Email').fill(account.email);
      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.getByText('That email and password do not match an account').waitFor();
      await page.waitForFunction(() => document.activeElement?.hasAttribute('data-form-alert'));
      await assertNoAxeViolations(page, '/login with an error');

      await page.getByLabel('Password', { exact: true }).fill(account.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${server.url}/card`);
      assert.equal(await signedInName(page), 'Pim Pinson');
      assertNoConsoleErrors(errors, 'password sign-in', EXPECTED);
    } finally {
      await close();
    }
  });

  test('choose a PIN on the card page, then sign in with it as the remembered user', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login');
      await page.getByLabel('Email').fill(account.email);
      await page.getByLabel('Password', { exact: true }).fill(account.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${server.url}/dashboard`);
      await page.getByRole('link', { name: /Pim Pinson/ }).click();
      await page.getByRole('heading', { name: 'Sign-in PIN' }).waitFor();
      assert.equal(await page.getByTestId('user-id').textContent(), account.user.id);

      // Two different PINs: caught before sending, focus on the field.
      await page.getByLabel('New PIN', { exact: true }).fill('1357');
      await page.getByLabel('New PIN again').fill('1358');
      await page.getByLabel('Your password', { exact: true }).fill(account.password);
      await page.getByRole('button', { name: 'Set PIN' }).click();
      await page.waitForFunction(() => document.activeElement?.id === 'pin-confirm');
      assert.match((await page.locator('#pin-confirm-error').textContent()) ?? '', /not the same/);
      // A wrong password: the server's 403 lands under the password field.
      await page.getByLabel('New PIN again').fill('1357');
      await page.getByLabel('Your password', { exact: true }).fill('wrong password');
      await page.getByRole('button', { name: 'Set PIN' }).click();
      await page.locator('#pin-password-error').getByText('That password is not right').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'pin-password');
      await page.getByLabel('Your password', { exact: true }).fill(account.password);
      await page.getByRole('button', { name: 'Set PIN' }).click();
      await page.getByText('Your PIN is set.').waitFor();
      await page.getByRole('heading', { name: 'Change your PIN' }).waitFor();
      await (await ownAuditEntries(page)).getByText('PIN set').waitFor();

      await signOut(page);
      await page.getByRole('link', { name: /Use your PIN/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in with your PIN' }).waitFor();
      assert.equal(await page.getByTestId('pin-last-user').textContent(), 'Pim Pinson');
      await assertAccessibleInBothThemes(page, '/login/pin (remembered user)', 'login-pin');

      await page.getByLabel('PIN', { exact: true }).fill('9999');
      await page.getByRole('button', { name: 'Sign in with PIN' }).click();
      await page
        .getByRole('alert')
        .getByText(/That PIN is not right/)
        .waitFor();
      assert.equal(await page.getByLabel('PIN', { exact: true }).inputValue(), '', 'a wrong PIN is cleared');
      await assertNoAxeViolations(page, '/login/pin with an error');

      await page.getByLabel('PIN', { exact: true }).fill('1357');
      await page.getByRole('button', { name: 'Sign in with PIN' }).click();
      await page.waitForURL(`${server.url}/dashboard`);
      assert.equal(await signedInName(page), 'Pim Pinson');
      assertNoConsoleErrors(errors, 'PIN sign-in', EXPECTED);
    } finally {
      await close();
    }
  });

  test('PIN sign-in with email on a device that remembers nobody (issue #13: no user id to type)', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login/pin');
      const email = page.getByLabel('Email');
      await email.waitFor();
      assert.equal(await page.getByLabel('User id').count(), 0, 'no 36-character user id to type');
      await page.getByRole('button', { name: 'Sign in with PIN' }).click();
      await page.waitForFunction(() => document.activeElement?.id === 'pin-email');
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      await assertNoAxeViolations(page, '/login/pin with empty fields');

      // A wrong email and a wrong PIN read exactly the same (no account enumeration).
      const attempt = async (address: string, pin: string) => {
        await email.fill(address);
        await page.getByLabel('PIN', { exact: true }).fill(pin);
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/pin-login'));
        await page.getByRole('button', { name: 'Sign in with PIN' }).click();
        const res = await answered;
        return { status: res.status(), body: res.request().postDataJSON() as Record<string, unknown> };
      };
      const unknown = await attempt('nobody-here@example.com', '1357');
      const unknownText = await page.getByRole('alert').textContent();
      const wrongPin = await attempt(account.email, '2468');
      const wrongText = await page.getByRole('alert').textContent();
      assert.deepEqual([unknown.status, wrongPin.status], [401, 401]);
      assert.equal(unknownText, wrongText);
      assert.match(wrongText ?? '', /email and PIN do not match/);
      assert.deepEqual(Object.keys(wrongPin.body).sort(), ['email', 'pin']);

      const ok = await attempt(account.email.toUpperCase(), '1357');
      assert.equal(ok.status, 200);
      await page.waitForURL(`${server.url}/dashboard`);
      assert.equal(await signedInName(page), 'Pim Pinson');
      assertNoConsoleErrors(errors, 'PIN sign-in with email', EXPECTED);
    } finally {
      await close();
    }
  });

  test('after 5 wrong PINs, PIN sign-in locks and says what to do', async () => {
    const other = await registerAccount(server.url, 'Lou Locked');
    await setPin(server.url, other, '8642');
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login/pin');
      await page.getByLabel('Email').fill(other.email);
      let message = '';
      for (let i = 0; i < 6 && !/locked/.test(message); i++) {
        await page.getByLabel('PIN', { exact: true }).fill('0000');
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/pin-login'));
        await page.getByRole('button', { name: 'Sign in with PIN' }).click();
        await answered;
        message = (await page.getByRole('alert').textContent()) ?? '';
      }
      assert.match(message, /PIN sign-in is locked after too many wrong PINs\. Try again in \d+ (seconds|minutes)/);
      assert.match(message, /email and password/);
      // Even the right PIN is refused while locked.
      await page.getByLabel('PIN', { exact: true }).fill('8642');
      await page.getByRole('button', { name: 'Sign in with PIN' }).click();
      await page
        .getByRole('alert')
        .getByText(/locked/)
        .waitFor();
      assert.equal(page.url(), `${server.url}/login/pin`);
      await screenshot(page, 'login-pin-locked');
      await assertNoAxeViolations(page, '/login/pin locked');
      assertNoConsoleErrors(errors, 'PIN lock', EXPECTED);
    } finally {
      await close();
    }
  });
  test('change the password on the card page: other devices are signed out; then remove the PIN', async () => {
    const owner = await registerAccount(server.url, 'Cass Change');
    await setPin(server.url, owner, '2468');
    const laptop = await openPage(session);
    const phone = await openPage(session);
    const signIn = async (page: Page, password: string) => {
      await goto(page, server.url, '/login?redirect=%2Fcard');
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${server.url}/card`);
    };
    try {
      await signIn(laptop.page, owner.password);
      await signIn(phone.page, owner.password);
      const { page } = laptop;
      await page.getByRole('heading', { name: 'Change your password' }).waitFor();

      // Wrong current password: said under that field, nothing changes.
      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password', { exact: true }).fill('amber-canyon-whistle-31');
      await page.getByLabel('New password again').fill('amber-canyon-whistle-31');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.locator('#password-current-error').getByText('That password is not right').waitFor();
      // A common password: the server's policy answer lands under the new password.
      await page.getByLabel('Current password').fill(owner.password);
      await page.getByLabel('New password', { exact: true }).fill('password1234');
      await page.getByLabel('New password again').fill('password1234');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.locator('#password-new-error').waitFor();
      await assertNoAxeViolations(page, '/card with password errors');

      await page.getByLabel('New password', { exact: true }).fill('amber-canyon-whistle-31');
      await page.getByLabel('New password again').fill('amber-canyon-whistle-31');
      await page.getByRole('button', { name: 'Change password' }).click();
      // The other devices: the phone, and the session the account was registered with (over the API).
      await page.getByText('Your password is changed, and 2 other devices were signed out.').waitFor();
      await (await ownAuditEntries(page)).getByText('Password changed').waitFor();

      // The phone's session ended; the old password no longer signs in, the new one does.
      await phone.page.reload();
      await phone.page.getByRole('heading', { name: 'Sign in to see your medical card' }).waitFor();
      await goto(phone.page, server.url, '/login');
      await phone.page.getByLabel('Email').fill(owner.email);
      await phone.page.getByLabel('Password', { exact: true }).fill(owner.password);
      await phone.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await phone.page.getByRole('alert').getByText('That email and password do not match an account').waitFor();
      await signIn(phone.page, 'amber-canyon-whistle-31');

      // The laptop stayed signed in: remove the PIN there (the password again, the new one).
      await page.getByRole('heading', { name: 'Change your PIN' }).waitFor();
      await page.getByRole('button', { name: 'Remove PIN' }).click();
      await page
        .locator('#pin-password-error')
        .getByText(/Enter your password/)
        .waitFor();
      await page.getByLabel('Your password', { exact: true }).fill('amber-canyon-whistle-31');
      await page.getByRole('button', { name: 'Remove PIN' }).click();
      await page.getByText('Your PIN is removed. QR sign-in no longer asks for one.').waitFor();
      await page.getByRole('heading', { name: 'Choose a PIN' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Remove PIN' }).count(), 0);
      await (await ownAuditEntries(page)).getByText('PIN removed').waitFor();
      await screenshot(page, 'card-password-and-pin');
      assertNoConsoleErrors(laptop.errors, 'password change', [...EXPECTED, /status of 400/]);
      assertNoConsoleErrors(phone.errors, 'signed-out device', EXPECTED);
    } finally {
      await laptop.close();
      await phone.close();
    }
  });
});
