/**
 * The web shell in a real browser, served by the real API from apps/web/dist.
 * Run: node --conditions=development --import tsx --test e2e/landing.test.ts
 * (needs `npm run build -w @medichat/web` first; this test builds nothing).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import {
  collectConsoleErrors,
  formatViolations,
  launchBrowser,
  runAxe,
  screenshot,
  type BrowserSession,
  type ConsoleProblem,
} from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 390, height: 844 };

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

/** A fresh context (no stored theme) and page, with console errors collected. */
async function openPage(
  options: BrowserContextOptions = {},
): Promise<{ page: Page; errors: ConsoleProblem[]; close: () => Promise<void> }> {
  const context = await session.browser.newContext({ viewport: DESKTOP, ...options });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  return { page, errors, close: () => context.close() };
}

async function goto(page: Page, path: string): Promise<void> {
  const response = await page.goto(server.url + path, { waitUntil: 'load' });
  assert.equal(response?.status(), 200, `GET ${path} should serve the app`);
  await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 10_000 });
}

async function h1(page: Page): Promise<string> {
  const headings = page.getByRole('heading', { level: 1 });
  assert.equal(await headings.count(), 1, 'exactly one <h1> per page');
  return (await headings.textContent())?.trim() ?? '';
}

async function assertNoAxeViolations(page: Page, what: string, tags?: readonly string[]): Promise<void> {
  const violations = await runAxe(page, { tags });
  assert.equal(violations.length, 0, `axe violations on ${what}:\n${formatViolations(violations)}`);
}

function assertNoConsoleErrors(errors: ConsoleProblem[], what: string): void {
  assert.deepEqual(errors, [], `console errors on ${what}`);
}

const isDark = (page: Page) => page.evaluate(() => document.documentElement.classList.contains('dark'));

describe('landing page', () => {
  test('renders the heading and the guest chat CTA, accessibly, in light mode', async () => {
    const { page, errors, close } = await openPage({ colorScheme: 'light' });
    try {
      await goto(page, '/');
      assert.equal(await h1(page), 'Health questions, answered with care.');
      assert.match(await page.title(), /Medichat/);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');

      const cta = page.getByRole('link', { name: 'Start a guest chat' }).first();
      assert.ok(await cta.isVisible(), 'the CTA is visible without scrolling');
      assert.equal(await cta.getAttribute('href'), '/chat');
      const box = await cta.boundingBox();
      assert.ok(box && box.y + box.height <= DESKTOP.height, 'the CTA is above the fold');

      const notice = page.getByRole('note', { name: 'Medical emergency notice' }).first();
      assert.match((await notice.textContent()) ?? '', /not a substitute for a doctor.*emergency call 112/i);
      assert.equal(await page.locator('main#main').count(), 1, 'one <main> landmark');
      assert.ok(
        await page
          .getByRole('contentinfo')
          .getByText(/not a substitute for a doctor/)
          .isVisible(),
      );

      assert.equal(await isDark(page), false);
      await assertNoAxeViolations(page, '/ (light)');
      await screenshot(page, 'landing-desktop-light');
      assertNoConsoleErrors(errors, '/ (light)');
    } finally {
      await close();
    }
  });

  test('follows prefers-color-scheme: dark before first paint, accessibly', async () => {
    const { page, errors, close } = await openPage({ colorScheme: 'dark' });
    try {
      // Check the class as soon as the HTML is parsed, before the app's scripts run: no flash.
      await page.goto(server.url + '/', { waitUntil: 'commit' });
      await page.waitForFunction(() => document.body !== null);
      assert.equal(await isDark(page), true, 'the inline theme script ran (and the CSP allowed it)');
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await isDark(page), true);
      await assertNoAxeViolations(page, '/ (dark)');
      await screenshot(page, 'landing-desktop-dark');
      assertNoConsoleErrors(errors, '/ (dark)');
    } finally {
      await close();
    }
  });

  test('the theme toggle overrides the system and is remembered across reloads', async () => {
    const { page, errors, close } = await openPage({ colorScheme: 'light' });
    try {
      await goto(page, '/');
      const toggle = page.getByRole('button', { name: /^Theme:/ });
      // The first press changes what you see (issue #13): system (light) → dark.
      assert.match((await toggle.getAttribute('aria-label')) ?? '', /system \(light\)\. Switch to dark/);
      await toggle.click(); // system (light) → dark
      assert.equal(await isDark(page), true);
      assert.equal(await page.evaluate(() => localStorage.getItem('medichat-theme')), 'dark');
      await page.reload({ waitUntil: 'commit' });
      await page.waitForFunction(() => document.body !== null);
      assert.equal(await isDark(page), true, 'the stored choice applies before first paint');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('button', { name: /^Theme:/ }).click(); // dark → light
      assert.equal(await isDark(page), false);
      assert.equal(await page.evaluate(() => localStorage.getItem('medichat-theme')), 'light');
      await page.getByRole('button', { name: /^Theme:/ }).click(); // light → system (light)
      assert.equal(await isDark(page), false);
      assert.equal(await page.evaluate(() => localStorage.getItem('medichat-theme')), null);
      assertNoConsoleErrors(errors, 'theme toggling');
    } finally {
      await close();
    }
  });

  test('keyboard: Tab reaches the skip link first, and it moves focus to the content', async () => {
    const { page, errors, close } = await openPage();
    try {
      await goto(page, '/');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const rect = el?.getBoundingClientRect();
        return {
          text: el?.textContent?.trim(),
          href: el?.getAttribute('href'),
          visible: !!rect && rect.width > 1 && rect.height > 1 && rect.top >= 0,
        };
      });
      assert.deepEqual(focused, { text: 'Skip to content', href: '#main', visible: true });
      await screenshot(page, 'landing-skip-link-focused');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => document.activeElement?.closest('main') !== null);
      assert.ok(next, 'the next Tab stays in the main content');
      assertNoConsoleErrors(errors, 'keyboard');
    } finally {
      await close();
    }
  });

  test('the CTA opens the guest chat page', async () => {
    const { page, errors, close } = await openPage();
    try {
      await goto(page, '/');
      await page.getByRole('link', { name: 'Start a guest chat' }).first().click();
      await page.waitForURL(`${server.url}/chat`);
      await page.getByRole('heading', { level: 1, name: 'Guest chat' }).waitFor();
      assert.ok(await page.getByRole('heading', { level: 2, name: 'Conversation' }).isVisible());
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus moves to the new page');
      await assertNoAxeViolations(page, '/chat');
      assertNoConsoleErrors(errors, '/chat');
    } finally {
      await close();
    }
  });
});

describe('navigation', () => {
  test('the dashboard shows its final grid: chat pane, call panel, news card', async () => {
    const { page, errors, close } = await openPage();
    try {
      await goto(page, '/');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      assert.match(await page.title(), /^Dashboard · Medichat$/);
      const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' });
      assert.equal(await link.getAttribute('aria-current'), 'page');
      const boxes = await Promise.all(
        ['Voice consultation', 'Conversation', 'Health news'].map((name) =>
          page.getByRole('heading', { level: 2, name }).boundingBox(),
        ),
      );
      const [call, chat, news] = boxes;
      assert.ok(call && chat && news, 'all three panels render');
      assert.ok(call.x < chat.x && chat.x < news.x, 'call | chat | news, left to right on desktop');
      await assertNoAxeViolations(page, '/dashboard');
      await screenshot(page, 'dashboard-desktop-light');
      assertNoConsoleErrors(errors, '/dashboard');
    } finally {
      await close();
    }
  });

  test('an unknown route shows the 404 page (deep link through the SPA fallback)', async () => {
    const { page, errors, close } = await openPage();
    try {
      await goto(page, '/no/such/page');
      assert.equal(await h1(page), 'Page not found');
      assert.ok(await page.getByText('/no/such/page').isVisible());
      await assertNoAxeViolations(page, '404');
      await screenshot(page, 'not-found-desktop');
      await page.getByRole('link', { name: 'Go to the home page' }).click();
      await page.getByRole('heading', { level: 1, name: 'Health questions, answered with care.' }).waitFor();
      assertNoConsoleErrors(errors, '404');
    } finally {
      await close();
    }
  });

  const PAGES: Array<[path: string, heading: string]> = [
    ['/chat', 'Guest chat'],
    ['/dashboard', 'Dashboard'],
    ['/login', 'Sign in'],
    ['/register', 'Create an account'],
    ['/login/qr', 'Sign in with your QR code'],
    ['/login/pin', 'Sign in with your PIN'],
    ['/card', 'Medical card'],
    ['/card/print', 'Print your QR card'],
    ['/emergency/abc123', 'Emergency information'],
    // Admins only: a guest gets the forbidden page (e2e/admin-models.test.ts drives them as an admin).
    ['/admin/models', 'Clinicians only'],
    ['/admin/fine-tune', 'Clinicians only'],
    ['/sensors', 'Sensors'],
  ];

  for (const scheme of ['light', 'dark'] as const) {
    test(`every page loads directly with one <h1>, no console errors, no axe violations (${scheme})`, async () => {
      const { page, errors, close } = await openPage({ colorScheme: scheme });
      try {
        for (const [path, heading] of PAGES) {
          await goto(page, path);
          assert.equal(await h1(page), heading, `h1 of ${path}`);
          assert.equal(await isDark(page), scheme === 'dark');
          await assertNoAxeViolations(page, `${path} (${scheme})`);
          // Beyond WCAG: axe's best practices (unique landmarks, heading order, all content in regions).
          await assertNoAxeViolations(page, `${path} (${scheme}, best practices)`, ['best-practice']);
          await screenshot(page, `page${path.replaceAll('/', '-')}-${scheme}`);
        }
        assertNoConsoleErrors(errors, `all pages (${scheme})`);
      } finally {
        await close();
      }
    });
  }
});

describe('mobile (390×844)', () => {
  test('the landing page and the dashboard fit, and the menu opens and closes', async () => {
    const { page, errors, close } = await openPage({ viewport: MOBILE, isMobile: true, hasTouch: true });
    try {
      await goto(page, '/');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
      assert.ok(await page.getByRole('link', { name: 'Start a guest chat' }).first().isVisible());
      await assertNoAxeViolations(page, '/ (mobile)');
      await screenshot(page, 'landing-mobile-light');

      const menu = page.getByRole('button', { name: 'Menu' });
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await assertNoAxeViolations(page, 'mobile menu open');
      await screenshot(page, 'landing-mobile-menu-open');
      await page.keyboard.press('Escape');
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      await menu.click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'the menu closes after navigating');
      const dashOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(dashOverflow <= 0, `no horizontal scrolling on the dashboard (overflow ${dashOverflow}px)`);
      await assertNoAxeViolations(page, '/dashboard (mobile)');
      await screenshot(page, 'dashboard-mobile-light');
      assertNoConsoleErrors(errors, 'mobile');
    } finally {
      await close();
    }
  });

  test('dark mode on mobile', async () => {
    const { page, errors, close } = await openPage({
      viewport: MOBILE,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    try {
      await goto(page, '/');
      assert.equal(await isDark(page), true);
      await assertNoAxeViolations(page, '/ (mobile dark)');
      await screenshot(page, 'landing-mobile-dark');
      assertNoConsoleErrors(errors, 'mobile dark');
    } finally {
      await close();
    }
  });
});
