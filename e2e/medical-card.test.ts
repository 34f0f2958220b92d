/**
 * Register → fill the medical card (imperial height and weight, live BMI) → save → reload → print
 * preview (print media screenshot, PDF: one wallet-sized page), in a real Chromium against the
 * real API. Zero axe violations (light and dark) and zero console errors on every page.
 *
 * Run: node --conditions=development --import tsx --test e2e/medical-card.test.ts
 * (needs `npm run build -w @medichat/shared && npm run build -w @medichat/web` first).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { GOOD_PASSWORD, uniqueEmail } from './fixtures/api.js';
import { ffmpegPath } from './fixtures/qr-video.js';
import {
  MOBILE,
  assertAccessibleInBothThemes,
  assertNoConsoleErrors,
  goto,
  openPage,
  signedInName,
  type OpenedPage,
  ownAuditEntries,
} from './fixtures/page.js';
import { SCREENSHOT_DIR, launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let session: BrowserSession;
let work: string;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000' });
  session = await launchBrowser();
  work = mkdtempSync(join(tmpdir(), 'medichat-card-'));
});

after(async () => {
  await session?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const bmiValue = (page: Page) => page.getByTestId('bmi-value').textContent();
/** The weight input of whichever unit is shown. */
const weight = (page: Page) => page.locator('#card-weightKg, #card-weightLb');

/** The pages of a PDF and the size of the first (points), read from its page objects. */
function pdfPages(pdf: Buffer): { count: number; width: number; height: number } {
  const text = pdf.toString('latin1');
  const count = (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
  const box = /\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
  assert.ok(box, 'the PDF has a MediaBox');
  return { count, width: Number(box[3]) - Number(box[1]), height: Number(box[4]) - Number(box[2]) };
}

const MM_TO_PT = 72 / 25.4;

describe('register → medical card → print', () => {
  let opened: OpenedPage;
  const email = uniqueEmail('ada');

  before(async () => {
    opened = await openPage(session, { colorScheme: 'light' });
  });
  after(async () => {
    await opened?.close();
  });

  test('sign-up shows the password policy, maps problems to fields and focuses the first', async () => {
    const { page, errors } = opened;
    await goto(page, server.url, '/register');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Create an account');
    await assertAccessibleInBothThemes(page, '/register', 'register');

    // Client-side: the shared schema's rules, under their fields, focus on the first.
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'register-email');
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    const describedBy = (await page.getByLabel('Email').getAttribute('aria-describedby')) ?? '';
    assert.match(describedBy, /register-email-error/);
    assert.match((await page.locator('#register-email-error').textContent()) ?? '', /email/i);
    assert.match((await page.locator('#register-password-error').textContent()) ?? '', /at least 10 characters/);
    await assertAccessibleInBothThemes(page, '/register with errors', 'register-errors');

    // Server-side: a common password is refused by the API and shown under the password field.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('password123');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page
      .locator('#register-password-error')
      .getByText(/common/)
      .waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'register-password');
    assertNoConsoleErrors(errors, '/register', [/status of 400/]);
    errors.length = 0;

    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    assert.match(
      (await page.locator('#register-password-rules').textContent()) ?? '',
      /At least 10 characters \(done\)/,
    );
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${server.url}/card?welcome=1`);
    assert.equal(await signedInName(page), 'Ada Lovelace');
    await page.getByRole('form', { name: 'Medical card' }).waitFor();
    assertNoConsoleErrors(errors, 'sign-up');
  });

  test('the card page is accessible, empty card included', async () => {
    const { page, errors } = opened;
    await page.getByText('Welcome, Ada Lovelace').waitFor();
    await assertAccessibleInBothThemes(page, '/card (empty)', 'card-empty');
    assertNoConsoleErrors(errors, '/card');
  });

  test('fill every section, with imperial measurements and a live BMI', async () => {
    const { page, errors } = opened;
    await page.locator('#card-name').fill('Augusta Ada King');
    await page.locator('#card-dateOfBirth').fill('1990-05-17');
    await page.locator('#card-sex').selectOption('female');
    await page.locator('#card-language').fill('en-GB');
    await page.locator('#card-bloodType').selectOption('O-');

    // Imperial: 5 ft 7 in, 150 lb → 170.2 cm, 68.0 kg → BMI 23.5, healthy weight.
    await page.getByText('Imperial (ft, in, lb)').click();
    await page.locator('#card-heightFt').fill('5');
    await page.locator('#card-heightIn').fill('7');
    await weight(page).fill('150');
    await page.getByTestId('bmi-value').getByText('23.5').waitFor();
    assert.match((await page.getByTestId('bmi-readout').textContent()) ?? '', /Healthy weight/);
    // Live: every keystroke recomputes it.
    await weight(page).fill('200');
    await page.getByTestId('bmi-value').getByText('31.3').waitFor();
    assert.match((await page.getByTestId('bmi-readout').textContent()) ?? '', /Obesity/);
    await weight(page).fill('150');
    assert.equal(await bmiValue(page), '23.5');
    await screenshot(page, 'card-bmi-live');

    // Switching units converts what is typed.
    await page.getByText('Metric (cm, kg)').click();
    assert.equal(await page.locator('#card-heightCm').inputValue(), '170.2');
    assert.equal(await weight(page).inputValue(), '68');
    assert.equal(await bmiValue(page), '23.5');
    await page.getByText('Imperial (ft, in, lb)').click();
    assert.equal(await weight(page).inputValue(), '150', 'switching back shows what was typed');
    assert.equal(await page.locator('#card-heightIn').inputValue(), '7');

    await page.getByRole('button', { name: 'Add an allergy' }).click();
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'card-allergies-0-substance',
      'focus goes to the new row',
    );
    await page.locator('#card-allergies-0-substance').fill('Penicillin');
    await page.locator('#card-allergies-0-severity').selectOption('severe');
    await page.locator('#card-allergies-0-reaction').fill('Hives, trouble breathing');
    await page.getByRole('button', { name: 'Add an allergy' }).click();
    await page.locator('#card-allergies-1-substance').fill('Peanuts');
    await page.locator('#card-allergies-1-severity').selectOption('moderate');

    await page.getByRole('button', { name: 'Add a condition' }).click();
    await page.locator('#card-conditions-0-name').fill('Asthma');
    await page.locator('#card-conditions-0-since').fill('2001-03-01');

    await page.getByRole('button', { name: 'Add a medication' }).click();
    await page.locator('#card-medications-0-name').fill('Salbutamol inhaler');
    await page.locator('#card-medications-0-dose').fill('100 mcg');
    await page.locator('#card-medications-0-schedule').fill('As needed');

    await page.getByRole('button', { name: 'Add an immunization' }).click();
    await page.locator('#card-immunizations-0-vaccine').fill('Tetanus');
    await page.locator('#card-immunizations-0-date').fill('2020-01-15');

    await page.getByRole('button', { name: 'Add a contact' }).click();
    await page.locator('#card-emergencyContacts-0-name').fill('Charles Babbage');
    await page.locator('#card-emergencyContacts-0-relationship').fill('Friend');
    await page.locator('#card-emergencyContacts-0-phone').fill('not a phone');

    await page.getByLabel('Yes, I am a donor').check();
    await page.locator('#card-primaryPhysician-name').fill('Dr Grace Hopper');
    await page.locator('#card-primaryPhysician-phone').fill('+44 20 7946 0001');
    await page.locator('#card-notes').fill('Carries an inhaler in the left pocket.');
    await page.locator('#card-emergency-name').check(); // emergency view: show the name
    await page.locator('#card-emergency-organDonor').check();
    await page.locator('#card-shareCardWithAssistant').check();
    await assertAccessibleInBothThemes(page, '/card (filled)', 'card-filled');

    // A bad phone number: the shared schema stops the save, the field says why and gets focus.
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'card-emergencyContacts-0-phone');
    assert.match((await page.locator('#card-emergencyContacts-0-phone-error').textContent()) ?? '', /phone number/);
    assert.equal(await page.locator('#card-emergencyContacts-0-phone').getAttribute('aria-invalid'), 'true');
    await assertAccessibleInBothThemes(page, '/card (with an error)');
    await page.locator('#card-emergencyContacts-0-phone').fill('+44 20 7946 0000');
    assertNoConsoleErrors(errors, 'filling the card');
  });

  test('save, then reload: the card comes back from the server, BMI included', async () => {
    const { page, errors } = opened;
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/users/me') && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Save card' }).click();
    const response = await saved;
    assert.equal(response.status(), 200);
    const body = (await response.json()) as { card: { heightCm: number; weightKg: number; bmi: { value: number } } };
    assert.deepEqual([body.card.heightCm, body.card.weightKg, body.card.bmi.value], [170.2, 68, 23.5], 'server agrees');
    await page
      .getByTestId('card-save-status')
      .getByText(/Saved at/)
      .waitFor();

    await page.reload({ waitUntil: 'load' });
    await page.getByRole('form', { name: 'Medical card' }).waitFor({ timeout: 10_000 });
    assert.equal(await signedInName(page), 'Ada Lovelace', 'the session survives a reload (refresh cookie)');
    assert.equal(await page.locator('#card-name').inputValue(), 'Augusta Ada King');
    assert.equal(await page.locator('#card-dateOfBirth').inputValue(), '1990-05-17');
    assert.equal(await page.locator('#card-bloodType').inputValue(), 'O-');
    assert.equal(await page.locator('#card-heightCm').inputValue(), '170.2');
    assert.equal(await weight(page).inputValue(), '68');
    assert.equal(await bmiValue(page), '23.5');
    assert.equal(await page.locator('#card-allergies-0-substance').inputValue(), 'Penicillin');
    assert.equal(await page.locator('#card-allergies-0-severity').inputValue(), 'severe');
    assert.equal(await page.locator('#card-allergies-1-substance').inputValue(), 'Peanuts');
    assert.equal(await page.locator('#card-conditions-0-since').inputValue(), '2001-03-01');
    assert.equal(await page.locator('#card-medications-0-dose').inputValue(), '100 mcg');
    assert.equal(await page.locator('#card-emergencyContacts-0-phone').inputValue(), '+44 20 7946 0000');
    assert.equal(await page.getByLabel('Yes, I am a donor').isChecked(), true);
    assert.equal(await page.locator('#card-shareCardWithAssistant').isChecked(), true);
    assert.equal(await page.locator('#card-emergency-organDonor').isChecked(), true);
    // Back to imperial: 170.2 cm shows as 5 ft 7 in.
    await page.getByText('Imperial (ft, in, lb)').click();
    assert.equal(await page.locator('#card-heightFt').inputValue(), '5');
    assert.equal(await page.locator('#card-heightIn').inputValue(), '7');
    assert.equal(await weight(page).inputValue(), '149.9');
    assert.equal(await bmiValue(page), '23.5', 'switching units changes nothing');
    assert.match(
      (await page.getByTestId('card-save-status').textContent()) ?? '',
      /All changes saved/,
      'viewing in other units is not a change',
    );

    const audit = await ownAuditEntries(page);
    await audit.getByText('Card changed').first().waitFor();
    await audit.getByText('Account created').waitFor();
    await screenshot(page, 'card-saved');
    assertNoConsoleErrors(errors, 'reload');
  });

  test('print: make the QR, preview for print, one wallet-sized PDF page', async () => {
    const { page, errors } = opened;
    await page.getByRole('link', { name: 'Print QR card' }).click();
    await page.getByRole('heading', { level: 1, name: 'Print your QR card' }).waitFor();
    await page.getByRole('button', { name: 'Make my QR code' }).click();
    const qr = page.getByTestId('card-qr').first();
    await qr.waitFor();
    const firstSrc = await qr.getAttribute('src');
    assert.match(firstSrc ?? '', /^data:image\/svg\+xml/);
    const card = page.getByTestId('wallet-card');
    const text = (await card.textContent()) ?? '';
    for (const expected of [
      'Augusta Ada King',
      'O-',
      'Penicillin (SEVERE)',
      'Asthma',
      'Salbutamol',
      'Charles Babbage',
      'Organ donor',
    ]) {
      assert.ok(text.includes(expected), `the wallet card shows ${expected}: ${text}`);
    }
    await assertAccessibleInBothThemes(page, '/card/print', 'card-print');

    await page.emulateMedia({ media: 'print' });
    const size = await card.boundingBox();
    assert.ok(size, 'the card is laid out for print');
    // CSS px at 96 dpi: 85.6 mm = 323.5 px, 54 mm = 204.1 px.
    assert.ok(
      Math.abs(size.width - 323.5) < 1.5 && Math.abs(size.height - 204.1) < 1.5,
      `card size ${size.width}×${size.height}`,
    );
    assert.equal(await page.locator('header').first().isVisible(), false, 'no site header on paper');
    await screenshot(page, 'card-print-media-wallet');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(SCREENSHOT_DIR, 'card-wallet.pdf'), pdf);
    const pages = pdfPages(pdf);
    assert.equal(pages.count, 1, 'the wallet card is one page');
    assert.ok(
      Math.abs(pages.width - 95.6 * MM_TO_PT) < 1 && Math.abs(pages.height - 64 * MM_TO_PT) < 1,
      `page ${pages.width}×${pages.height} pt`,
    );
    await page.emulateMedia({ media: 'screen' });

    await page.getByLabel('A4 sheet with the card and full details').check();
    await page.getByTestId('a4-sheet').waitFor();
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'card-print-media-a4');
    const a4 = pdfPages(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    assert.equal(a4.count, 1, 'the A4 sheet is one page');
    assert.ok(Math.abs(a4.width - 595.3) < 2 && Math.abs(a4.height - 841.9) < 2, `A4 page ${a4.width}×${a4.height} pt`);
    await page.emulateMedia({ media: 'screen' });

    // A new QR asks first: the printed card would stop working.
    await page.getByRole('button', { name: 'Make a new QR code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make a new QR code?' });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /stops working at once/);
    await assertAccessibleInBothThemes(page, 'regenerate dialog', 'card-print-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await qr.getAttribute('src'), firstSrc, 'cancel changes nothing');
    await page.getByRole('button', { name: 'Make a new QR code' }).click();
    await dialog.getByRole('button', { name: 'Make a new QR code' }).click();
    await page.getByText('New QR code ready').waitFor();
    await page.waitForFunction(
      (old) => document.querySelector('[data-testid="card-qr"]')?.getAttribute('src') !== old,
      firstSrc,
    );
    assertNoConsoleErrors(errors, '/card/print');
  });

  test('profile picture: refuse a non-image, preview, upload, shown in the header', async () => {
    const { page, errors } = opened;
    await goto(page, server.url, '/card');
    const input = page.locator('#avatar-file');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    await page.locator('#avatar-error').getByText('Choose a PNG, JPEG or WebP picture.').waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');

    const picture = join(work, 'avatar.png');
    execFileSync(ffmpegPath(), [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=0x2a9d8f:s=256x256',
      '-frames:v',
      '1',
      picture,
    ]);
    await input.setInputFiles(picture);
    const preview = page.getByRole('img', { name: 'Preview of your new profile picture' });
    await preview.waitFor();
    assert.match((await preview.getAttribute('src')) ?? '', /^blob:/, 'previewed from the file, before any upload');
    await assertAccessibleInBothThemes(page, '/card (avatar preview)');
    const uploaded = page.waitForResponse(
      (r) => r.url().endsWith('/api/users/me/avatar') && r.request().method() === 'PUT',
    );
    await page.getByRole('button', { name: 'Use this picture' }).click();
    assert.equal((await uploaded).status(), 200);
    await page.getByText('Profile picture updated.').waitFor();
    const headerAvatar = page.getByTestId('signed-in-user').first().locator('img');
    await headerAvatar.waitFor();
    assert.match((await headerAvatar.getAttribute('src')) ?? '', /^\/api\/users\/[^/]+\/avatar\//);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="signed-in-user"] img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await (await ownAuditEntries(page)).getByText('Profile picture changed').waitFor();
    await screenshot(page, 'card-avatar');
    assertNoConsoleErrors(errors, 'avatar upload');
  });

  test('mobile: the card and the print page fit a phone', async () => {
    const { page, errors } = opened;
    await page.setViewportSize(MOBILE);
    for (const path of ['/card', '/card/print']) {
      await goto(page, server.url, path);
      await page.getByTestId(path === '/card' ? 'bmi-readout' : 'wallet-card').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling on ${path} (overflow ${overflow}px)`);
      await assertAccessibleInBothThemes(page, `${path} (mobile)`, `mobile${path.replaceAll('/', '-')}`);
    }
    assertNoConsoleErrors(errors, 'mobile');
  });
});

describe('guest chats move to the new account', () => {
  test('a guest who registers keeps the chat they started', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/register');
      // A guest session and a chat in it, as the guest chat does it (the token is kept in localStorage).
      const chatId = await page.evaluate(async () => {
        const guest = (await (await fetch('/api/auth/guest', { method: 'POST' })).json()) as { guestToken: string };
        localStorage.setItem('medichat-guest-token', guest.guestToken);
        const created = await fetch('/api/chats', {
          method: 'POST',
          headers: { authorization: `Bearer ${guest.guestToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Headache since Tuesday' }),
        });
        return ((await created.json()) as { chat: { id: string } }).chat.id;
      });
      const email = uniqueEmail('guest');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      const register = page.waitForRequest((r) => r.url().endsWith('/api/auth/register'));
      await page.getByRole('button', { name: 'Create account' }).click();
      assert.match(
        (await register).headers().authorization ?? '',
        /^Bearer .+/,
        'the guest token goes with the sign-up',
      );
      await page.waitForURL(`${server.url}/card?welcome=1`);
      assert.equal(
        await page.evaluate(() => localStorage.getItem('medichat-guest-token')),
        null,
        'the guest token is dropped',
      );

      // The account now owns the chat.
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: GOOD_PASSWORD }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const chats = await fetch(`${server.url}/api/chats`, { headers: { authorization: `Bearer ${accessToken}` } });
      const body = JSON.stringify(await chats.json());
      assert.ok(body.includes(chatId), `the guest's chat is in the account's list: ${body}`);
      assertNoConsoleErrors(errors, 'guest sign-up');
    } finally {
      await close();
    }
  });
});
