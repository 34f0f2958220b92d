/**
 * The public emergency view (`/emergency/:token`, what the QR on a card opens): only the fields the
 * owner chose, big and plain, the emergency number and call buttons first; a replaced QR opens
 * nothing; and the owner sees every view in "Who viewed my card". Real Chromium, real API.
 *
 * Run: node --conditions=development --import tsx --test e2e/emergency-view.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newQrString, patchCard, registerAccount, type TestAccount } from './fixtures/api.js';
import {
  MOBILE,
  assertAccessibleInBothThemes,
  assertNoAxeViolations,
  assertNoConsoleErrors,
  goto,
  openPage,
} from './fixtures/page.js';
import { launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let session: BrowserSession;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000', EMERGENCY_NUMBER: '999' });
  session = await launchBrowser();
});

after(async () => {
  await session?.close();
  await server?.close();
});

describe('emergency view', () => {
  let owner: TestAccount;
  let qr: string;

  before(async () => {
    owner = await registerAccount(server.url, 'Erin Emergency');
    await patchCard(server.url, owner, {
      name: 'Erin Q. Emergency',
      dateOfBirth: '1980-02-29',
      sex: 'female',
      bloodType: 'AB-',
      heightCm: 168,
      weightKg: 61,
      allergies: [
        { substance: 'Latex', reaction: 'Anaphylaxis', severity: 'severe' },
        { substance: 'Ibuprofen', severity: 'mild' },
      ],
      conditions: [{ name: 'Type 1 diabetes', since: '1995-06-01' }],
      medications: [{ name: 'Insulin glargine', dose: '20 units', schedule: 'Every evening' }],
      emergencyContacts: [{ name: 'Sam Emergency', relationship: 'Partner', phone: '+44 7700 900123' }],
      organDonor: true,
      notes: 'Insulin pump on the left side.',
      emergencyFields: ['bloodType', 'allergies', 'emergencyContacts'],
    });
    // The QR encodes the emergency page's URL (on the host the API was asked through), so a phone
    // camera opens it; `qr` is the path a responder's browser lands on.
    const url = await newQrString(server.url, owner);
    assert.match(
      url,
      new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/emergency/mc1\\.[A-Za-z0-9_-]+\\.1\\.[A-Za-z0-9_-]{43}$`),
    );
    qr = new URL(url).pathname.slice('/emergency/'.length);
  });

  test('shows only the chosen fields, with the emergency number and call buttons (light, dark, phone)', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, `/emergency/${qr}`);
      await page.getByTestId('emergency-details').waitFor();
      const main = (await page.getByRole('main').textContent()) ?? '';
      // Chosen: blood type, allergies (severity first-class), contacts.
      assert.match((await page.getByTestId('emergency-bloodType').textContent()) ?? '', /AB-/);
      const allergies = (await page.getByTestId('emergency-allergies').textContent()) ?? '';
      assert.match(allergies, /Latex.*Severe.*Reaction: Anaphylaxis/);
      assert.match(allergies, /Ibuprofen.*Mild/);
      assert.match((await page.getByTestId('emergency-contacts').textContent()) ?? '', /Sam Emergency \(Partner\)/);
      // Not chosen: none of it reaches the page.
      for (const secret of ['Erin Q. Emergency', 'diabetes', 'Insulin', '1980', 'pump', 'Organ donor', '168']) {
        assert.ok(!main.includes(secret), `the emergency view must not show "${secret}"`);
      }
      for (const id of [
        'emergency-name',
        'emergency-conditions',
        'emergency-medications',
        'emergency-organDonor',
        'emergency-notes',
      ]) {
        assert.equal(await page.getByTestId(id).count(), 0, `${id} is not rendered`);
      }
      // The number comes from the API's config (EMERGENCY_NUMBER=999 here), as a tel: link.
      const call = page.getByRole('link', { name: 'Call 999' });
      assert.equal(await call.getAttribute('href'), 'tel:999');
      // So does the footer's (GET /api/config), not the build-time default 112.
      const footer = page.getByRole('contentinfo');
      await footer.getByRole('link', { name: '999', exact: true }).waitFor();
      assert.equal(await footer.getByRole('link', { name: '999', exact: true }).getAttribute('href'), 'tel:999');
      assert.ok(!((await footer.textContent()) ?? '').includes('112'), 'the footer shows the server’s number');
      assert.equal(
        await page.getByRole('link', { name: 'Call Sam Emergency' }).getAttribute('href'),
        'tel:+447700900123',
      );
      const box = await call.boundingBox();
      assert.ok(box && box.height >= 48, 'the call button is a big target');
      const size = await page
        .getByTestId('emergency-bloodType')
        .locator('p')
        .nth(1)
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok(size >= 40, `blood type in big type (${size}px)`);
      assert.equal(await page.locator('meta[name="robots"]').getAttribute('content'), 'noindex, nofollow');
      await assertAccessibleInBothThemes(page, '/emergency/:token', 'emergency');

      await page.setViewportSize(MOBILE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
      await assertAccessibleInBothThemes(page, '/emergency/:token (phone)', 'emergency-mobile');
      assertNoConsoleErrors(errors, 'emergency view');
    } finally {
      await close();
    }
  });

  test('follows the owner’s choice: more fields chosen, more shown', async () => {
    await patchCard(server.url, owner, {
      emergencyFields: ['name', 'bloodType', 'allergies', 'conditions', 'medications', 'organDonor', 'notes'],
    });
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, `/emergency/${qr}`);
      await page.getByTestId('emergency-details').waitFor();
      assert.equal(await page.getByTestId('emergency-name').textContent(), 'Erin Q. Emergency');
      assert.match(
        (await page.getByTestId('emergency-medications').textContent()) ?? '',
        /Insulin glargine — 20 units, Every evening/,
      );
      assert.match(
        (await page.getByTestId('emergency-conditions').textContent()) ?? '',
        /Type 1 diabetes \(since 1995-06-01\)/,
      );
      assert.match((await page.getByTestId('emergency-organDonor').textContent()) ?? '', /Yes/);
      assert.match((await page.getByTestId('emergency-notes').textContent()) ?? '', /pump/);
      assert.equal(await page.getByTestId('emergency-contacts').count(), 0, 'contacts no longer chosen');
      await screenshot(page, 'emergency-more-fields');
      await assertNoAxeViolations(page, '/emergency/:token (more fields)');
      assertNoConsoleErrors(errors, 'emergency view, more fields');
    } finally {
      await close();
    }
  });

  test('a replaced QR and a malformed link open nothing (and the malformed one is not even sent)', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      // The printed `qr` stops working.
      const fresh = new URL(await newQrString(server.url, owner)).pathname.slice('/emergency/'.length);
      await goto(page, server.url, `/emergency/${qr}`);
      await page.getByRole('heading', { name: 'This QR code does not open a medical card' }).waitFor();
      // Still: call for help first (the build's default number: the API sends its own only with a card).
      assert.equal(await page.getByRole('link', { name: /^Call \d+$/ }).count(), 1);
      await assertNoAxeViolations(page, 'replaced QR');
      await screenshot(page, 'emergency-replaced');

      const requests: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/emergency/')) requests.push(r.url());
      });
      await goto(page, server.url, '/emergency/not-a-card');
      await page.getByRole('heading', { name: 'This QR code does not open a medical card' }).waitFor();
      assert.deepEqual(requests, [], 'no request for a token that cannot be ours');

      await goto(page, server.url, `/emergency/${fresh}`);
      await page.getByTestId('emergency-details').waitFor();
      assertNoConsoleErrors(errors, 'replaced QR', [/status of 404/]);
    } finally {
      await close();
    }
  });

  test('the owner sees each view in “Who viewed my card”', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await goto(page, server.url, '/login?redirect=%2Fcard');
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password', { exact: true }).fill(owner.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${server.url}/card`);
      const audit = page.getByTestId('audit-views');
      await audit.waitFor();
      const views = audit.getByText('Emergency view opened');
      assert.ok((await views.count()) >= 3, `three views recorded, saw ${await views.count()}`);
      const text = (await audit.textContent()) ?? '';
      assert.match(text, /Someone who scanned your QR code/);
      assert.match(text, /Saw: Name, Blood type, Allergies, Conditions, Medications, Organ donor, Notes/);
      assert.match(text, /Old QR code refused/);
      await page.getByRole('heading', { name: 'Who viewed my card' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'card-audit');
      await assertNoAxeViolations(page, '/card with audit entries');
      assertNoConsoleErrors(errors, 'audit list');
    } finally {
      await close();
    }
  });
});
