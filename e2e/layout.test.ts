/**
 * The layout at phone, tablet and desktop widths, light and dark (issue #13): no page is wider than
 * the window, the message box is on the first screen, the phone menu is opaque, the theme toggle's
 * first press changes what you see. Real Chromium, real API serving apps/web/dist.
 *
 * Run: node --conditions=development --import tsx --test e2e/layout.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureTinyGguf } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { registerAccount, type TestAccount } from './fixtures/api.js';
import { openPage, settle } from './fixtures/page.js';
import { launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const ADMIN = { email: 'layout-admin@example.com', password: 'correct-horse-battery-9' };
const WIDTHS = [360, 390, 768, 1366] as const;
const HEIGHT: Record<number, number> = { 360: 740, 390: 844, 768: 1024, 1366: 850 };
const SCHEMES = ['light', 'dark'] as const;

let server: TestServer;
let session: BrowserSession;
let account: TestAccount;

before(async () => {
  assertWebBuilt();
  server = await startServer({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_RATE_LIMIT_MAX: '1000',
    RATE_LIMIT_MAX: '5000',
  });
  session = await launchBrowser();
  const login = await fetch(server.url + '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  // The long slug from the issue: it must not push "New chat" off a phone screen.
  const registered = await fetch(server.url + '/api/models', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      name: 'smollm2-135m-instruct-q4_1',
      engine: 'llama-cpp',
      path: await ensureTinyGguf(),
      isDefault: true,
    }),
  });
  assert.equal(registered.status, 201, await registered.text());
  account = await registerAccount(server.url, 'Lay Out');
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(server.url + '/login', { waitUntil: 'load' });
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

async function load(page: Page, path: string): Promise<void> {
  await page.goto(server.url + path, { waitUntil: 'load' });
  await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 20_000 });
  await settle(page);
}

async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > innerWidth + 1 && culprits.length < 5) {
        culprits.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, culprits };
  });
}

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message to the assistant' });

async function assertComposerOnFirstScreen(page: Page, what: string): Promise<void> {
  await composer(page).waitFor({ timeout: 20_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await composer(page).boundingBox();
  const height = await page.evaluate(() => window.innerHeight);
  assert.ok(box, `${what}: the message box is laid out`);
  assert.ok(
    box.y >= 0 && box.y + box.height <= height,
    `${what}: the message box is on the first screen (y=${Math.round(box.y)}..${Math.round(box.y + box.height)}, window ${height})`,
  );
}

describe('layout: no horizontal overflow, composer on the first screen', () => {
  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      test(`${width}px ${scheme}: guest pages`, async () => {
        const { page, close } = await openPage(session, {
          viewport: { width, height: HEIGHT[width]! },
          colorScheme: scheme,
        });
        try {
          for (const path of ['/', '/chat', '/login', '/register', '/login/pin']) {
            await load(page, path);
            const o = await overflow(page);
            assert.ok(o.scrollWidth <= o.innerWidth, `${path} at ${width}px ${scheme}: ${JSON.stringify(o)}`);
            if (path === '/' || path === '/chat')
              await assertComposerOnFirstScreen(page, `${path} ${width}px ${scheme}`);
            if (width <= 390) await screenshot(page, `layout-${width}-${scheme}-guest${path.replace(/\//g, '-')}`);
          }
        } finally {
          await close();
        }
      });

      test(`${width}px ${scheme}: signed-in pages`, async () => {
        const { page, close } = await openPage(session, {
          viewport: { width, height: HEIGHT[width]! },
          colorScheme: scheme,
        });
        try {
          await signIn(page);
          for (const path of ['/dashboard', '/chat', '/card', '/card/print']) {
            await load(page, path);
            if (path === '/dashboard' || path === '/chat') {
              await page.getByLabel('Model', { exact: true }).waitFor({ timeout: 20_000 });
            }
            const o = await overflow(page);
            assert.ok(o.scrollWidth <= o.innerWidth, `${path} at ${width}px ${scheme}: ${JSON.stringify(o)}`);
            if (width <= 390) await screenshot(page, `layout-${width}-${scheme}-signed-in${path.replace(/\//g, '-')}`);
            if (path === '/chat') await assertComposerOnFirstScreen(page, `${path} signed in ${width}px ${scheme}`);
          }
        } finally {
          await close();
        }
      });
    }
  }
});

describe('layout: phone menu and theme', () => {
  test('the open phone menu is opaque: nothing shows through it', async () => {
    const { page, close } = await openPage(session, { viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    try {
      await load(page, '/chat');
      await page.evaluate(() => window.scrollTo(0, 200));
      await page.getByRole('button', { name: 'Menu' }).click();
      const menu = page.getByRole('navigation', { name: 'Main' }).last();
      await menu.waitFor();
      // The nearest painted background behind the menu links must be fully opaque.
      const alpha = await menu.evaluate((el) => {
        for (let node: Element | null = el; node; node = node.parentElement) {
          const style = getComputedStyle(node);
          const bg = style.backgroundColor;
          const m = /rgba?\(([^)]+)\)/.exec(bg);
          const parts = m ? m[1]!.split(/[ ,/]+/).filter(Boolean) : [];
          const a = parts.length === 4 ? Number(parts[3]) : parts.length === 3 ? 1 : 0;
          if (a > 0) return a;
        }
        return 0;
      });
      assert.equal(alpha, 1, 'the phone menu has an opaque background');
      await screenshot(page, 'layout-390-light-phone-menu');
    } finally {
      await close();
    }
  });

  test('the first theme-toggle press changes the colours you see', async () => {
    for (const scheme of SCHEMES) {
      const { page, close } = await openPage(session, { viewport: { width: 1366, height: 850 }, colorScheme: scheme });
      try {
        await load(page, '/');
        const dark = () => page.evaluate(() => document.documentElement.classList.contains('dark'));
        assert.equal(await dark(), scheme === 'dark');
        await page.getByRole('button', { name: /^Theme:/ }).click();
        assert.equal(await dark(), scheme !== 'dark', `from system (${scheme}) the first press switches the theme`);
        await page.getByRole('button', { name: /^Theme:/ }).click();
        assert.equal(await dark(), scheme === 'dark', 'the second press switches it back');
      } finally {
        await close();
      }
    }
  });
});

describe('the root for any client', () => {
  test('GET / without Accept: text/html (curl) gets the app, an unknown API path stays a 404 problem', async () => {
    const root = await fetch(server.url + '/', { headers: { accept: '*/*' } });
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await root.text(), /<div id="root">|<!doctype html>/i);
    const bare = await fetch(server.url + '/', { headers: { accept: '' } });
    assert.equal(bare.status, 200, 'no Accept header at all');
    await bare.arrayBuffer();
    const api = await fetch(server.url + '/api/no-such-thing', { headers: { accept: '*/*' } });
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /application\/problem\+json/);
    await api.arrayBuffer();
  });
});

describe('the urgent banner', () => {
  for (const width of [390, 1366] as const) {
    test(`${width}px: the banner for a red flag never covers the reply it belongs to`, async () => {
      const { page, close } = await openPage(session, {
        viewport: { width, height: HEIGHT[width]! },
        colorScheme: 'light',
      });
      try {
        await load(page, '/chat');
        await composer(page).fill('I have crushing chest pain and my left arm is numb');
        await composer(page).press('Enter');
        const banner = page.getByRole('alert').filter({ hasText: 'medical emergency' });
        await banner.waitFor({ timeout: 30_000 });
        const reply = page.locator('li[data-role="assistant"]').last();
        await reply.waitFor({ timeout: 30_000 });
        await reply.scrollIntoViewIfNeeded();
        const b = (await banner.boundingBox())!;
        const r = (await reply.boundingBox())!;
        const height = await page.evaluate(() => window.innerHeight);
        assert.ok(
          b.y >= 0 && b.y + b.height <= height,
          `the banner is on screen (${Math.round(b.y)}, window ${height})`,
        );
        // The reply scrolls inside the history, which must start below the banner (never under it).
        const history = await reply.evaluate((el) => {
          let node: HTMLElement | null = el.parentElement;
          while (node && getComputedStyle(node).overflowY !== 'auto') node = node.parentElement;
          const rect = (node ?? el).getBoundingClientRect();
          return { top: rect.top, bottom: rect.bottom };
        });
        assert.ok(
          history.top >= b.y + b.height - 1,
          `the history starts below the banner (history ${Math.round(history.top)}, banner ends ${Math.round(b.y + b.height)})`,
        );
        const visibleTop = Math.max(r.y, history.top);
        const visibleBottom = Math.min(r.y + r.height, history.bottom, height);
        assert.ok(visibleBottom - visibleTop > 20, 'part of the reply is on screen, beside the banner');
        await screenshot(page, `layout-${width}-urgent-banner`);
      } finally {
        await close();
      }
    });
  }
});
