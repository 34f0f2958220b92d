/**
 * The dashboard's news card in Chromium on the real server (no feed configured): it shows the shipped
 * offline public-health items in the browser's language, links open in a new tab with
 * rel=noopener, and the card fits a 360 px wide phone without horizontal scrolling.
 * Run: node --conditions=development --import tsx --test e2e/dashboard-news.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collectConsoleErrors, launchBrowser, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let session: BrowserSession;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  session = await launchBrowser();
});

after(async () => {
  await session?.close();
  await server?.close();
});

describe('dashboard news card', () => {
  for (const [locale, first] of [
    ['en-GB', 'Hypertension: know your numbers'],
    ['de-DE', 'Verlässliche Gesundheitsinformationen'],
  ] as const) {
    test(`shows the offline items (${locale}) with safe links, at 360 px`, async () => {
      const context = await session.browser.newContext({ viewport: { width: 360, height: 780 }, locale });
      const page = await context.newPage();
      const errors = collectConsoleErrors(page);
      try {
        await page.goto(`${server.url}/dashboard`, { waitUntil: 'load' });
        const list = page.getByRole('list', { name: 'Health news' });
        await list.waitFor({ timeout: 15_000 });
        const links = list.getByRole('link');
        assert.ok((await links.count()) >= 1);
        assert.equal((await links.first().textContent())?.trim(), first);
        for (const link of await links.all()) {
          assert.equal(await link.getAttribute('target'), '_blank');
          assert.match((await link.getAttribute('rel')) ?? '', /noopener/);
          assert.match((await link.getAttribute('href')) ?? '', /^https:\/\//);
        }
        await page.getByText('Offline selection of trusted public-health pages.').waitFor();
        const box = await list.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the list fits 360 px: ${JSON.stringify(box)}`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
