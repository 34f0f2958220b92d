/**
 * The clinicians' models page in a real browser against the real API: an admin sees the models
 * with the default marked, makes another the default (the API's default changes, the change is on
 * the admin's audit trail), pulls an `hf:` model from an unreachable hub and sees it fail, and
 * registers a remote server. Patients and guests never see the link and get the forbidden page.
 * Run: node --conditions=development --import tsx --test e2e/admin-models.test.ts
 * (needs `npm run build -w @medichat/shared && npm run build -w @medichat/web` first).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { AuditPage, ModelList } from '@medichat/shared';
import { ensureTinyGguf } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { registerAccount, type TestAccount } from './fixtures/api.js';
import {
  assertAccessibleInBothThemes,
  assertNoConsoleErrors,
  openPage,
  ownAuditEntries,
  settle,
} from './fixtures/page.js';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery-9' };

let server: TestServer;
let session: BrowserSession;
let adminToken: string;
let patient: TestAccount;

/** A loopback port nobody listens on: the "hub" of this test is unreachable, like the internet here. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

before(async () => {
  assertWebBuilt();
  server = await startServer({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_RATE_LIMIT_MAX: '1000',
    RATE_LIMIT_MAX: '5000',
    HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
  });
  session = await launchBrowser();
  const login = await fetch(server.url + '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  adminToken = ((await login.json()) as { accessToken: string }).accessToken;
  const tiny = await ensureTinyGguf();
  for (const [name, isDefault] of [
    ['tiny-llama', true],
    ['tiny-other', false],
  ] as const) {
    const res = await api('POST', '/api/models', { name, engine: 'llama-cpp', path: tiny, isDefault });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  patient = await registerAccount(server.url, 'Pat Patient');
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function signIn(page: Page, email: string, password: string, redirect = '/chat'): Promise<void> {
  await page.goto(`${server.url}/login?redirect=${encodeURIComponent(redirect)}`, { waitUntil: 'load' });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

const row = (page: Page, name: string) => page.locator(`[data-testid="model-row"][data-model-name="${name}"]`);

describe('clinicians: models page (admin)', () => {
  test('lists the models with the default; make default switches it and is audited', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await signIn(page, ADMIN.email, ADMIN.password);
      // The admin sees the Clinicians link and it leads to the models page.
      await page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'Clinicians' }).click();
      await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
      await row(page, 'tiny-llama').getByTestId('default-badge').waitFor();
      assert.equal(await row(page, 'tiny-other').getByTestId('default-badge').count(), 0);
      assert.match((await row(page, 'tiny-llama').textContent()) ?? '', /llama-cpp.*Base.*available/);
      await settle(page);
      await assertAccessibleInBothThemes(page, '/admin/models', 'admin-models');

      await row(page, 'tiny-other')
        .getByRole('button', { name: /Make default/ })
        .click();
      await page.getByText('tiny-other is now the default model').waitFor();
      await row(page, 'tiny-other').getByTestId('default-badge').waitFor();
      assert.equal(await row(page, 'tiny-llama').getByTestId('default-badge').count(), 0);

      const list = await api<ModelList>('GET', '/api/models');
      const other = list.body.items.find((m) => m.name === 'tiny-other')!;
      assert.equal(list.body.defaultModelId, other.id);
      const trail = await api<AuditPage>('GET', '/api/users/me/audit');
      const entry = trail.body.items.find((e) => e.action === 'model.default_changed');
      assert.ok(entry, JSON.stringify(trail.body));
      assert.equal(entry.detail?.name, 'tiny-other');
      assert.equal(entry.detail?.previousName, 'tiny-llama');
      // The admin's own trail on the card page says so in words.
      await page.goto(`${server.url}/card`, { waitUntil: 'load' });
      // (The owner's own entries sit in a collapsed section below the responders' views.)
      await (await ownAuditEntries(page)).getByText('Default model changed').first().waitFor({ timeout: 15_000 });
      assertNoConsoleErrors(errors, 'models page');
    } finally {
      const back = await api<ModelList>('GET', '/api/models');
      const first = back.body.items.find((m) => m.name === 'tiny-llama')!;
      await api('POST', `/api/models/${first.id}/default`);
      await close();
    }
  });

  test('a pull from an unreachable hub shows its progress, then the failure', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await signIn(page, ADMIN.email, ADMIN.password, '/admin/models');
      await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
      const form = page.getByRole('form', { name: 'Pull a model' });
      // Bad input first: refused in the form, nothing sent.
      await form.getByLabel('Source').fill('https://example.org/model.gguf');
      await form.getByRole('button', { name: 'Pull' }).click();
      await form.getByText('Must be hf:<org>/<repo> or pypi:<package>').waitFor();
      await form.getByLabel('Source').fill('hf:nobody/missing-GGUF');
      await form.getByLabel('Name').fill('missing-model');
      await form.getByRole('button', { name: 'Pull' }).click();
      await page.getByTestId('pull-progress').waitFor();
      await page
        .getByTestId('pull-progress')
        .getByRole('status')
        .getByText('the pull failed.')
        .waitFor({ timeout: 30_000 });
      await page.getByTestId('pull-progress').getByRole('alert').waitFor();
      await row(page, 'missing-model').getByText('failed').waitFor({ timeout: 10_000 });
      // Not a candidate default.
      assert.equal(
        await row(page, 'missing-model')
          .getByRole('button', { name: /Make default/ })
          .isDisabled(),
        true,
      );
      await settle(page);
      await assertAccessibleInBothThemes(page, '/admin/models after a failed pull');
      // The status route (the fine-tune API's) gives the reason; without it the page says where to look.
      assert.match(
        (await page.getByTestId('pull-progress').getByRole('alert').textContent()) ?? '',
        /fetch|reach|connect|ECONNREFUSED|server log/i,
      );
      // The same name again while it exists (failed): asked again, it fails again — one entry.
      await form.getByRole('button', { name: 'Pull' }).click();
      await page
        .getByTestId('pull-progress')
        .getByRole('status')
        .getByText('the pull failed.')
        .waitFor({ timeout: 30_000 });
      assert.equal(await row(page, 'missing-model').count(), 1);
      assertNoConsoleErrors(errors, 'pull', [/status of 404/]);
    } finally {
      await close();
    }
  });

  test('registers a remote OpenAI-compatible server; a bad URL is refused with a message', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await signIn(page, ADMIN.email, ADMIN.password, '/admin/models');
      const form = page.getByRole('form', { name: 'Register a remote server' });
      await form.getByLabel('Name').fill('gpu-box');
      await form.getByLabel('Base URL').fill('not a url');
      await form.getByLabel('Remote model id').fill('llama3');
      await form.getByRole('button', { name: 'Register' }).click();
      await form.getByText('Must be an http(s) URL').waitFor();
      await form.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
      await form.getByRole('button', { name: 'Register' }).click();
      await form.getByText('gpu-box is registered').waitFor();
      await row(page, 'gpu-box').getByText('openai').waitFor();
      // The same name again: the API's 409 problem is shown.
      await form.getByLabel('Name').fill('gpu-box');
      await form.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
      await form.getByLabel('Remote model id').fill('llama3');
      await form.getByRole('button', { name: 'Register' }).click();
      await form.getByRole('alert').waitFor();
      assertNoConsoleErrors(errors, 'register', [/status of 409/]);
    } finally {
      await close();
    }
  });
});

describe('clinicians: patients and guests', () => {
  for (const who of ['patient', 'guest'] as const) {
    test(`a ${who} sees no Clinicians link and gets the forbidden page at /admin/models and /admin/fine-tune`, async () => {
      const { page, errors, close } = await openPage(session);
      try {
        if (who === 'patient') await signIn(page, patient.email, patient.password, '/dashboard');
        else await page.goto(`${server.url}/chat`, { waitUntil: 'load' });
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await settle(page);
        assert.equal(await page.getByRole('link', { name: 'Clinicians' }).count(), 0);
        assert.equal(await page.getByRole('link', { name: 'For clinicians' }).count(), 0);
        for (const path of ['/admin/models', '/admin/fine-tune']) {
          await page.goto(server.url + path, { waitUntil: 'load' });
          await page.getByRole('heading', { level: 1, name: 'Clinicians only' }).waitFor({ timeout: 15_000 });
          assert.equal(await page.getByRole('table').count(), 0, 'no admin UI');
          assert.equal(await page.getByRole('form').count(), 0, 'no admin forms');
          assert.equal(
            await page.getByRole('link', { name: 'Sign in' }).first().isVisible(),
            who === 'guest',
            'guests are offered to sign in',
          );
        }
        await assertAccessibleInBothThemes(page, `/admin/fine-tune (${who})`);
        assertNoConsoleErrors(errors, `${who} at /admin`);
      } finally {
        await close();
      }
    });
  }
});
