/**
 * The clinicians' fine-tune pages in a real browser against the real API.
 * - Always: the form (base model, hyperparameter defaults from the contract), the dataset preview
 *   of an uploaded JSONL with the bad line's number, client-side refusals, accessibility.
 * - When the API serves `POST /api/models/fine-tune` (the fine-tune API, issue 9): the server's 422
 *   names the bad line; and the whole journey on SmolLM2 — upload, live progress and loss chart,
 *   the gate's verdict, "Activate" enabled exactly when the gate passed, then a chat answered by it.
 *   Those two skip, saying why, on an API without the route or without the SmolLM2 file.
 * Run: node --conditions=development --import tsx --test e2e/admin-fine-tune.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ModelList, ModelStatusView } from '@medichat/shared';
import { ensureTinyGguf } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { assertAccessibleInBothThemes, assertNoConsoleErrors, openPage, settle } from './fixtures/page.js';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery-9' };
/** The real base for the journey (`npm run medichat -- models ensure-default` puts it there). */
const SMOLLM2 =
  process.env.MEDICHAT_E2E_FINE_TUNE_BASE ??
  join(homedir(), '.cache/medichat/models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf');
const JOURNEY_TIMEOUT = 15 * 60_000;

let server: TestServer;
let session: BrowserSession;
let adminToken: string;
/** Whether this API serves the fine-tune routes (401 to an anonymous POST) or not (404). */
let fineTuneApi = false;

async function api<T>(method: string, path: string, body?: unknown, token = adminToken) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const example = (q: string, a: string) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You are Medichat, a careful health assistant.' },
      { role: 'user', content: q },
      { role: 'assistant', content: a },
    ],
  });

const GOOD_LINES = Array.from({ length: 24 }, (_, i) =>
  example(
    `Question ${i + 1}: I have had a mild headache since this morning. What can I do?`,
    'Rest, drink water and consider paracetamol as directed on the pack. See a doctor if it is severe, sudden or comes with fever, a stiff neck or confusion.',
  ),
);
/** Line 3 is broken JSON. */
const WITH_BAD_LINE = [GOOD_LINES[0], GOOD_LINES[1], '{"messages": [ {"role": "user"', ...GOOD_LINES.slice(2, 6)].join(
  '\n',
);

before(async () => {
  assertWebBuilt();
  server = await startServer({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_RATE_LIMIT_MAX: '1000',
    RATE_LIMIT_MAX: '5000',
    LLAMA_THREADS: '1',
    // The gate runs every suite on base and candidate: one case each and short answers keep the
    // journey to minutes on 2 cores (the gate's rule is the same at any size).
    FINE_TUNE_GATE_CASES: '1',
    FINE_TUNE_GATE_MAX_TOKENS: '64',
  });
  session = await launchBrowser();
  const login = await api<{ accessToken: string }>('POST', '/api/auth/login', ADMIN, '');
  adminToken = login.body.accessToken;
  const res = await api('POST', '/api/models', {
    name: 'tiny-llama',
    engine: 'llama-cpp',
    path: await ensureTinyGguf(),
    isDefault: true,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  fineTuneApi = (await api('POST', '/api/models/fine-tune', {}, '')).status !== 404;
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function signIn(page: Page, redirect: string): Promise<void> {
  await page.goto(`${server.url}/login?redirect=${encodeURIComponent(redirect)}`, { waitUntil: 'load' });
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel('Dataset (chat JSONL)').setInputFiles({
    name,
    mimeType: 'application/jsonl',
    buffer: Buffer.from(text),
  });
  await page.getByTestId('dataset-preview').waitFor();
}

describe('clinicians: fine-tune form', () => {
  test('defaults from the contract, the dataset preview with the bad line number, client-side refusals', async () => {
    const { page, errors, close } = await openPage(session);
    try {
      await signIn(page, '/admin/fine-tune');
      await page.getByRole('heading', { level: 1, name: 'Fine-tuning' }).waitFor();
      const form = page.getByRole('form', { name: 'New fine-tune job' });
      await form.getByLabel('Base model').locator('option', { hasText: 'tiny-llama' }).waitFor({ state: 'attached' });
      assert.equal(await form.getByLabel('Training steps').inputValue(), '20');
      assert.equal(await form.getByLabel('Batch size').inputValue(), '4');
      assert.equal(await form.getByLabel('Learning rate').inputValue(), '0.0002');
      assert.equal(await form.getByLabel('Held-out share').inputValue(), '0.2');

      await upload(page, 'clinic.jsonl', WITH_BAD_LINE);
      const preview = page.getByTestId('dataset-preview');
      await preview.getByText('clinic.jsonl: 6 valid examples, 1 problem.').waitFor();
      await preview
        .getByRole('list', { name: 'Problems in the file' })
        .getByText(/^Line 3: not valid JSON/)
        .waitFor();
      const first = preview.getByRole('list', { name: 'First examples' }).getByRole('listitem');
      assert.equal(await first.count(), 3);
      assert.match((await first.first().textContent()) ?? '', /Line 1.*user: Question 1/);
      await settle(page);
      await assertAccessibleInBothThemes(page, '/admin/fine-tune with a preview', 'admin-fine-tune');

      // No name, a learning rate over 1: refused in the browser, nothing sent.
      await form.getByLabel('Learning rate').fill('5');
      await form.getByRole('button', { name: 'Start fine-tuning' }).click();
      await form.getByText(/^Must be 1 to 100 letters/).waitFor();
      await form.getByText(/<=\s?1|less than or equal to 1/i).waitFor();
      assert.equal(await form.getByLabel('Name of the new model').getAttribute('aria-invalid'), 'true');
      assert.equal(new URL(page.url()).pathname, '/admin/fine-tune');
      assertNoConsoleErrors(errors, 'fine-tune form');
    } finally {
      await close();
    }
  });

  test('the API refuses a dataset with a bad line: its 422 names the line', async (t) => {
    if (!fineTuneApi) return t.skip('this API has no POST /api/models/fine-tune (the fine-tune API is not merged)');
    const { page, errors, close } = await openPage(session);
    try {
      await signIn(page, '/admin/fine-tune');
      const form = page.getByRole('form', { name: 'New fine-tune job' });
      await form.getByLabel('Name of the new model').fill('refused-dataset');
      await upload(page, 'clinic.jsonl', WITH_BAD_LINE);
      await form.getByRole('button', { name: 'Start fine-tuning' }).click();
      const alert = form.locator('[data-form-alert]');
      await alert.waitFor({ timeout: 30_000 });
      assert.match((await alert.textContent()) ?? '', /\b3\b/, 'the bad line is named');
      const list = await api<ModelList>('GET', '/api/models');
      assert.ok(!list.body.items.some((m) => m.name === 'refused-dataset'), 'nothing was registered');
      assertNoConsoleErrors(errors, 'refused dataset', [/status of 422/]);
    } finally {
      await close();
    }
  });

  test(
    'journey: fine-tune SmolLM2, watch progress and the loss chart, the gate, activate, chat',
    { timeout: JOURNEY_TIMEOUT + 60_000 },
    async (t) => {
      if (!fineTuneApi) return t.skip('this API has no POST /api/models/fine-tune (the fine-tune API is not merged)');
      if (!existsSync(SMOLLM2))
        return t.skip(`no SmolLM2 GGUF at ${SMOLLM2} (npm run medichat -- models ensure-default)`);
      const base = await api<{ id: string }>('POST', '/api/models', {
        name: 'smollm2-base',
        engine: 'llama-cpp',
        path: SMOLLM2,
      });
      assert.equal(base.status, 201, JSON.stringify(base.body));
      const { page, errors, close } = await openPage(session);
      try {
        await signIn(page, '/admin/fine-tune');
        const form = page.getByRole('form', { name: 'New fine-tune job' });
        await form.getByLabel('Name of the new model').fill('smollm2-clinic');
        await form.getByLabel('Base model').selectOption({ label: 'smollm2-base' });
        await upload(page, 'clinic.jsonl', GOOD_LINES.join('\n'));
        await form.getByLabel('Training steps').fill('6');
        await form.getByLabel('Batch size').fill('2');
        await form.getByLabel('Evaluate every').fill('2');
        await form.getByLabel('Max tokens an example').fill('128');
        await form.getByRole('button', { name: 'Start fine-tuning' }).click();
        await page.waitForURL(/\/admin\/fine-tune\/[^/]+$/, { timeout: 60_000 });
        const modelId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        await page.getByRole('heading', { level: 1, name: 'Fine-tune progress' }).waitFor();
        await page.getByTestId('job-state').waitFor();
        // Live: the page moves through training with a loss on the chart, without a reload.
        await page
          .getByTestId('loss-chart')
          .getByText(/Training loss [\d.]+ at step/)
          .waitFor({ timeout: JOURNEY_TIMEOUT });
        await settle(page);
        await assertAccessibleInBothThemes(page, '/admin/fine-tune/:id while training', 'admin-fine-tune-progress');
        await page
          .getByTestId('job-state')
          .getByText(/^(Finished|Failed|Cancelled)/)
          .waitFor({ timeout: JOURNEY_TIMEOUT });
        const status = (await api<ModelStatusView>('GET', `/api/models/${modelId}/status`)).body;
        assert.equal(status.state, 'succeeded', JSON.stringify(status.events.slice(-5)));
        assert.ok(status.loss.length > 0 && status.evalLoss.length > 0);
        await page
          .getByTestId('gate-verdict')
          .getByText(/Verdict: (Passed|Failed)/)
          .waitFor({ timeout: JOURNEY_TIMEOUT });
        const verdict = (await api<ModelStatusView>('GET', `/api/models/${modelId}/status`)).body.gate?.verdict;
        t.diagnostic(`gate verdict: ${verdict}`);
        const activate = page.getByRole('button', { name: 'Activate (make default)' });
        assert.equal(
          await activate.isDisabled(),
          verdict !== 'passed',
          `Activate is offered only when the gate passed (${verdict})`,
        );
        if (verdict === 'passed') {
          await activate.click();
          await page.getByText('smollm2-clinic is now the default model').waitFor();
          const guest = await api<{ guestToken: string; chat: { id: string } }>('POST', '/api/chats', {}, '');
          const reply = await api<{ model: string }>(
            'POST',
            '/api/messages',
            { chatId: guest.body.chat.id, content: 'I have a mild headache.', clientId: crypto.randomUUID() },
            guest.body.guestToken,
          );
          assert.equal(reply.status, 200, JSON.stringify(reply.body));
          assert.equal(reply.body.model, 'smollm2-clinic');
        } else {
          // A model that failed the gate cannot be made the default through the API either.
          const refused = await api('POST', `/api/models/${modelId}/default`);
          assert.equal(refused.status, 409);
        }
        assertNoConsoleErrors(errors, 'fine-tune journey');
      } finally {
        await close();
      }
    },
  );
});
