/**
 * Issue #13's journeys in a real Chromium against the real API (the tiny GGUF answering):
 * - sign-up from a guest chat lands on the conversation that moved to the account, not on an empty
 *   "New chat" (from the chat page's own link, and via the default sign-up that lands on the card);
 * - models read as names ("SmolLM2 135M Instruct (Q4_1)"), the default listed once and marked
 *   "default", guests see the same name, and the reply says which model answered by that name;
 * - the phone journeys (390×844: landing, sign-in, chat, card, emergency page; light and dark)
 *   are written to e2e/artifacts/phone-390-<scheme>-<page>.png (gitignored).
 *
 * Run: node --conditions=development --import tsx --test e2e/ux-journeys.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureTinyGguf } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import {
  GOOD_PASSWORD,
  newQrString,
  patchCard,
  registerAccount,
  registerModelsAsAdmin,
  uniqueEmail,
  type TestAccount,
} from './fixtures/api.js';
import { assertNoAxeViolations, assertNoConsoleErrors, openPage, settle } from './fixtures/page.js';
import { artifactScreenshot, launchBrowser, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const ADMIN = { email: 'journeys-admin@example.com', password: 'correct-horse-battery-9' };
const DEFAULT_SLUG = 'smollm2-135m-instruct-q4_1';
const DEFAULT_NAME = 'SmolLM2 135M Instruct (Q4_1)';
const OTHER_SLUG = 'qwen2.5-0.5b-instruct';
const OTHER_NAME = 'Qwen2.5 0.5B Instruct';
const REPLY_TIMEOUT = 90_000;
/** A 401 from the refresh probe of a page without a session is expected, not an error. */
const EXPECTED = [/status of 401/];

let server: TestServer;
let session: BrowserSession;

before(async () => {
  assertWebBuilt();
  server = await startServer({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    MAX_REPLY_TOKENS: '16',
    LLAMA_THREADS: '1',
    AUTH_RATE_LIMIT_MAX: '1000',
    RATE_LIMIT_MAX: '5000',
  });
  session = await launchBrowser();
  const path = await ensureTinyGguf();
  await registerModelsAsAdmin(server.url, ADMIN, [
    { name: DEFAULT_SLUG, path, isDefault: true },
    { name: OTHER_SLUG, path },
  ]);
});

after(async () => {
  await session?.close();
  await server?.close();
});

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message to the assistant' });

async function openChat(page: Page): Promise<void> {
  await page.goto(server.url + '/chat', { waitUntil: 'load' });
  await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 60_000 });
  await composer(page).waitFor();
}

/** Sends `text` as whoever the page is, and waits for the reply to finish. */
async function chat(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await page.locator('li[data-role="user"][data-message-id]').last().waitFor({ timeout: REPLY_TIMEOUT });
  await page
    .locator('li[data-role="assistant"]:not([data-status="streaming"]):not([data-status="pending"])')
    .last()
    .waitFor({ timeout: REPLY_TIMEOUT });
}

async function fillRegister(page: Page, email: string, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** The conversation the chat page shows: the text of its user messages. */
async function shownQuestions(page: Page): Promise<string[]> {
  await page.locator('li[data-role="user"]').first().waitFor({ timeout: 30_000 });
  return (await page.locator('li[data-role="user"]').allTextContents()).map((t) => t.trim());
}

describe('sign-up from a guest chat', () => {
  test('from the chat page’s “Create an account” link: back on /chat, on the moved conversation', async () => {
    const { page, errors, close } = await openPage(session, { colorScheme: 'light' });
    try {
      await openChat(page);
      const question = 'Is it safe to take ibuprofen with a cold?';
      await chat(page, question);
      await page.getByRole('link', { name: 'Create an account to keep it' }).click();
      await fillRegister(page, uniqueEmail('guest-up'), 'Gus Guest');
      await page.waitForURL((url) => url.pathname === '/chat');
      await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor();
      const questions = await shownQuestions(page);
      assert.ok(
        questions.some((q) => q.includes(question)),
        `the moved conversation is open: ${JSON.stringify(questions)}`,
      );
      assert.ok((await page.locator('li[data-role="assistant"]').count()) >= 1, 'with its reply');
      await assertNoAxeViolations(page, '/chat after sign-up');
      assertNoConsoleErrors(errors, 'sign-up from the guest chat', EXPECTED);
    } finally {
      await close();
    }
  });

  test('via the plain sign-up (lands on the card): opening the chat shows the moved conversation', async () => {
    const { page, errors, close } = await openPage(session, { colorScheme: 'dark' });
    try {
      await openChat(page);
      const question = 'How much water should I drink in hot weather?';
      await chat(page, question);
      await page.goto(server.url + '/register', { waitUntil: 'load' });
      await fillRegister(page, uniqueEmail('guest-card'), 'Cara Card');
      await page.waitForURL((url) => url.pathname === '/card');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).first().click();
      await page.waitForURL((url) => url.pathname === '/chat');
      const questions = await shownQuestions(page);
      assert.ok(
        questions.some((q) => q.includes(question)),
        `not an empty new chat: ${JSON.stringify(questions)}`,
      );
      assertNoConsoleErrors(errors, 'sign-up then chat', EXPECTED);
    } finally {
      await close();
    }
  });
});

describe('models by readable names', () => {
  test('signed in: readable names, the default once and marked; the reply names its model', async () => {
    const account = await registerAccount(server.url, 'Mo Model');
    const { page, errors, close } = await openPage(session, { colorScheme: 'light' });
    try {
      await signIn(page, account);
      await openChat(page);
      const select = page.getByLabel('Model', { exact: true });
      await select.waitFor();
      const options = (await select.locator('option').allTextContents()).map((t) => t.trim());
      assert.deepEqual(options, [`${DEFAULT_NAME} (default)`, OTHER_NAME]);
      assert.equal(options.filter((o) => o.includes('SmolLM2')).length, 1, 'the default is listed once');
      assert.ok(!options.some((o) => o.includes(DEFAULT_SLUG)), 'no raw slug');
      await chat(page, 'What is a normal resting heart rate?');
      const answeredBy = page.getByTestId('answered-by').last();
      assert.equal((await answeredBy.textContent())?.trim(), `Answered by ${DEFAULT_NAME}`);
      await assertNoAxeViolations(page, '/chat with the model picker');
      assertNoConsoleErrors(errors, 'model names', EXPECTED);
    } finally {
      await close();
    }
  });

  test('guests see the same readable name', async () => {
    const { page, close } = await openPage(session, { colorScheme: 'light' });
    try {
      await openChat(page);
      await chat(page, 'Hello');
      await page.getByText(/^Model:/).waitFor();
      assert.equal(
        (await page.getByText(/^Model:/).textContent())?.replace(/\s+/g, ' ').trim(),
        `Model: ${DEFAULT_NAME}`,
      );
    } finally {
      await close();
    }
  });
});

async function signIn(page: Page, account: TestAccount, redirect = '/dashboard'): Promise<void> {
  await page.goto(`${server.url}/login?redirect=${encodeURIComponent(redirect)}`, { waitUntil: 'load' });
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${server.url}${redirect}`);
}

describe('phone journeys (390×844), screenshots to e2e/artifacts/', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${scheme}: landing, sign-in, chat, card, emergency page`, async () => {
      const owner = await registerAccount(server.url, 'Pat Phone');
      await patchCard(server.url, owner, {
        name: 'Pat Phone',
        dateOfBirth: '1960-02-29',
        bloodType: 'B+',
        allergies: [{ substance: 'Peanuts', severity: 'severe' }],
        medications: [{ name: 'Warfarin', dose: '3 mg' }],
        notes: 'Pacemaker since 2021.',
        emergencyFields: ['name', 'dateOfBirth', 'bloodType', 'allergies', 'medications', 'notes'],
      });
      const emergencyPath = new URL(await newQrString(server.url, owner)).pathname;
      const { page, close } = await openPage(session, { viewport: { width: 390, height: 844 }, colorScheme: scheme });
      const shots: string[] = [];
      const shoot = async (name: string) => {
        await settle(page);
        const o = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(o[0]! <= o[1]!, `${name}: no horizontal overflow (${o[0]} > ${o[1]})`);
        shots.push(await artifactScreenshot(page, `phone-390-${scheme}-${name}`));
      };
      try {
        await page.goto(server.url + '/', { waitUntil: 'load' });
        await page.getByRole('heading', { level: 1 }).waitFor();
        await shoot('landing');
        await page.goto(server.url + '/login', { waitUntil: 'load' });
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
        await shoot('sign-in');
        await page.goto(server.url + '/login/pin', { waitUntil: 'load' });
        await page.getByLabel('Email').waitFor();
        await shoot('sign-in-pin');
        await signIn(page, owner, '/chat');
        await composer(page).waitFor();
        await chat(page, 'I have a mild headache, what can I do?');
        await shoot('chat');
        await page.goto(server.url + '/card', { waitUntil: 'load' });
        await page.getByRole('form', { name: 'Medical card' }).waitFor();
        await shoot('card');
        await page.goto(server.url + '/card/print', { waitUntil: 'load' });
        await page.getByTestId('wallet-card').waitFor();
        await page.getByTestId('card-qr').first().waitFor();
        await shoot('card-print');
        await page.goto(server.url + emergencyPath, { waitUntil: 'load' });
        await page.getByTestId('emergency-details').waitFor();
        await shoot('emergency');
        assert.equal(shots.length, 7);
      } finally {
        await close();
      }
    });
  }
});
