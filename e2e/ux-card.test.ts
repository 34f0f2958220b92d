/**
 * The card's rough edges of issue #13, in a real Chromium against the real API:
 * - the wallet card carries the date of birth and the notes when the owner shows them on the
 *   emergency page (and leaves them out when not: the same rule), and its dashed cut line survives
 *   print media; the printed PDF (page.pdf(), text read back with pdf.js) holds name, DOB and notes;
 * - "Who viewed my card" lists responders' views of the emergency page first, apart from the
 *   owner's own sign-ins, which are collapsed below.
 * PDFs and screenshots go to e2e/artifacts/ (gitignored).
 *
 * Run: node --conditions=development --import tsx --test e2e/ux-card.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { newQrString, patchCard, registerAccount, type TestAccount } from './fixtures/api.js';
import { assertNoAxeViolations, assertNoConsoleErrors, goto, openPage, ownAuditEntries } from './fixtures/page.js';
import { artifactScreenshot, launchBrowser, saveArtifact, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const FIELDS = [
  'name',
  'dateOfBirth',
  'bloodType',
  'allergies',
  'medications',
  'conditions',
  'emergencyContacts',
  'notes',
] as const;
const NOTES = 'Pacemaker fitted 2019, left side.';

let server: TestServer;
let session: BrowserSession;
let owner: TestAccount;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000', RATE_LIMIT_MAX: '5000' });
  session = await launchBrowser();
  owner = await registerAccount(server.url, 'Wendy Wallet');
  await patchCard(server.url, owner, {
    name: 'Wendy Q. Wallet',
    dateOfBirth: '1948-11-03',
    bloodType: 'A+',
    allergies: [{ substance: 'Penicillin', severity: 'severe' }],
    medications: [{ name: 'Warfarin', dose: '5 mg' }],
    conditions: [{ name: 'Atrial fibrillation' }],
    notes: NOTES,
    emergencyFields: [...FIELDS],
  });
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function signIn(page: Page, redirect = '/card'): Promise<void> {
  await goto(page, server.url, `/login?redirect=${encodeURIComponent(redirect)}`);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password', { exact: true }).fill(owner.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${server.url}${redirect}`);
}

/** The text of every page, read back with Mozilla's pdf.js (its Node build). */
async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: true }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    // Items are runs of glyphs (a ligature such as "fi" can be its own run): join them as they are,
    // with a space only where pdf.js saw the line end.
    for (const item of content.items) if ('str' in item) parts.push(item.str + (item.hasEOL ? ' ' : ''));
  }
  await doc.destroy();
  return parts.join('').replace(/\s+/g, ' ');
}

describe('wallet card: date of birth and notes, on screen and on paper', () => {
  test('shown fields print on the wallet card; the cut line stays dashed in print; the PDF has them', async () => {
    const { page, errors, close } = await openPage(session, { colorScheme: 'light' });
    try {
      await signIn(page, '/card/print');
      await page.getByRole('button', { name: 'Make my QR code' }).click();
      await page.getByTestId('card-qr').first().waitFor();
      const card = page.getByTestId('wallet-card');
      const text = (await card.textContent()) ?? '';
      for (const expected of ['Wendy Q. Wallet', 'Born 1948-11-03', 'A+', 'Penicillin (SEVERE)', 'Warfarin', NOTES]) {
        assert.ok(text.includes(expected), `the wallet card shows ${expected}: ${text}`);
      }
      await assertNoAxeViolations(page, '/card/print with DOB and notes');

      await page.emulateMedia({ media: 'print' });
      const border = await card.evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.borderTopStyle, s.borderRightStyle, s.borderBottomStyle, s.borderLeftStyle, s.borderTopWidth];
      });
      assert.deepEqual(border.slice(0, 4), ['dashed', 'dashed', 'dashed', 'dashed'], `print border: ${border}`);
      assert.ok(parseFloat(border[4]!) > 0, `the cut line has a width in print: ${border[4]}`);
      // Every line of the card fits inside it (nothing cut off by the fixed card height).
      const clipped = await card.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return Array.from(el.querySelectorAll('p'))
          .filter((p) => p.getBoundingClientRect().bottom > box.bottom + 0.5)
          .map((p) => p.textContent);
      });
      assert.deepEqual(clipped, [], 'no line of the wallet card falls off its bottom');
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      saveArtifact('card-wallet-print.pdf', pdf);
      const printed = await pdfText(pdf);
      for (const expected of ['Wendy Q. Wallet', '1948-11-03', 'Pacemaker fitted 2019', 'Warfarin']) {
        assert.ok(printed.includes(expected), `the printed wallet card has ${expected}: ${printed}`);
      }
      await page.emulateMedia({ media: 'screen' });

      await page.getByLabel('A4 sheet with the card and full details').check();
      await page.getByTestId('a4-sheet').waitFor();
      await page.emulateMedia({ media: 'print' });
      const a4Border = await page.getByTestId('wallet-card').evaluate((el) => getComputedStyle(el).borderTopStyle);
      assert.equal(a4Border, 'dashed', 'the cut line on the A4 sheet too');
      const a4 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      saveArtifact('card-a4-print.pdf', a4);
      const a4Text = await pdfText(a4);
      for (const expected of ['Wendy Q. Wallet', '1948-11-03', 'Pacemaker fitted 2019', 'Cut along the dashed line']) {
        assert.ok(a4Text.includes(expected), `the printed A4 sheet has ${expected}`);
      }
      await page.emulateMedia({ media: 'screen' });
      assertNoConsoleErrors(errors, '/card/print');
    } finally {
      await close();
    }
  });

  test('hidden from the emergency page ⇒ not on the wallet card either', async () => {
    await patchCard(server.url, owner, { emergencyFields: FIELDS.filter((f) => f !== 'dateOfBirth' && f !== 'notes') });
    const { page, close } = await openPage(session, { colorScheme: 'light' });
    try {
      await signIn(page, '/card/print');
      const card = page.getByTestId('wallet-card');
      await card.getByText('Wendy Q. Wallet').waitFor();
      const text = (await card.textContent()) ?? '';
      assert.ok(!text.includes('1948-11-03') && !text.includes('Pacemaker'), `no DOB or notes: ${text}`);
      await page.emulateMedia({ media: 'print' });
      const printed = await pdfText(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      assert.ok(!printed.includes('1948-11-03') && !printed.includes('Pacemaker'), `not printed: ${printed}`);
    } finally {
      await patchCard(server.url, owner, { emergencyFields: [...FIELDS] });
      await close();
    }
  });
});

describe('who viewed my card', () => {
  test('responder views first and apart; the owner’s own sign-ins collapsed below', async () => {
    const qr = await newQrString(server.url, owner);
    const emergencyPath = new URL(qr).pathname;
    // Two responders open the emergency page (real browser, no account)…
    for (let i = 0; i < 2; i++) {
      const responder = await openPage(session, { viewport: { width: 390, height: 844 } });
      try {
        await goto(responder.page, server.url, emergencyPath);
        await responder.page.getByTestId('emergency-details').waitFor();
      } finally {
        await responder.close();
      }
    }
    // …then the owner signs in several times (newer than the views: the old list put these on top).
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: owner.email, password: owner.password }),
      });
      assert.equal(res.status, 200);
    }
    for (const scheme of ['light', 'dark'] as const) {
      const { page, errors, close } = await openPage(session, {
        viewport: { width: 390, height: 844 },
        colorScheme: scheme,
      });
      try {
        await signIn(page, '/card');
        const views = page.getByTestId('audit-views');
        await views.waitFor();
        const items = views.locator('li');
        assert.equal(await items.count(), 2, 'both responder views listed');
        for (let i = 0; i < 2; i++) {
          const t = (await items.nth(i).textContent()) ?? '';
          assert.match(t, /Emergency view opened/);
          assert.match(t, /Someone who scanned your QR code/);
        }
        assert.doesNotMatch((await views.textContent()) ?? '', /Signed in/, 'no sign-in among the views');
        // The views come first in the section; the owner's own entries are collapsed.
        const own = page.getByTestId('audit-own');
        assert.equal(await own.evaluate((d) => (d as HTMLDetailsElement).open), false, 'own entries collapsed');
        assert.equal(await own.getByTestId('audit-list').count(), 0);
        const [viewsBox, ownBox] = [await views.boundingBox(), await own.boundingBox()];
        assert.ok(viewsBox && ownBox && viewsBox.y < ownBox.y, 'views above own entries');
        await views.scrollIntoViewIfNeeded();
        await artifactScreenshot(page, `phone-390-${scheme}-card-who-viewed`);
        const list = await ownAuditEntries(page);
        await list.getByText('Signed in').first().waitFor();
        assert.ok((await list.getByText('Signed in').count()) >= 4, 'the own sign-ins are there when opened');
        assert.doesNotMatch((await list.textContent()) ?? '', /Emergency view opened/);
        await assertNoAxeViolations(page, `/card who viewed (${scheme})`);
        assertNoConsoleErrors(errors, '/card who viewed');
      } finally {
        await close();
      }
    }
  });
});
