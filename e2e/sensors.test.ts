/**
 * Sensors in Chromium on the real server, queue and tiny model: a patient signs up, imports a
 * GENERATED Apple Health export.zip of realistic shape (7 days: heart rate every 5 minutes with
 * its MetadataEntry, blood-pressure correlations, hourly steps, sleep, weight in lb, glucose in
 * mmol/L, SpO2 as a fraction, types Medichat does not read, one impossible 900 bpm), follows the
 * import to its summary, sees the charts (canvas) and their table alternatives with the right rows
 * and values; a file that is not an export is a 415 shown in words with nothing stored, a malformed
 * one fails its job with the reason shown and nothing stored; with the card's consent the reply
 * pipeline gets the readings: the latest blood pressure (150+/96, high) makes the deterministic
 * medication check warn about a decongestant, which it does not do before consent. Axe (WCAG 2.2 AA
 * and best practices) at 1366 px in light and dark and at 390 px, with no horizontal scrolling.
 * Run: node --conditions=development --import tsx --test e2e/sensors.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureTinyGguf } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import {
  writeAppleHealthExport,
  zipAppleHealthExport,
  type GeneratedExport,
} from '../apps/api/src/modules/sensors/apple-health.test-helpers.js';
import { GOOD_PASSWORD, call, uniqueEmail } from './fixtures/api.js';
import {
  assertAccessibleInBothThemes,
  assertNoAxeViolations,
  assertNoConsoleErrors,
  goto,
  openPage,
  type OpenedPage,
} from './fixtures/page.js';
import { launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery-9' };
const DAY = 86_400_000;
const DAYS = 7;
const REPLY_TIMEOUT = 120_000;

let server: TestServer;
let session: BrowserSession;
let work: string;
let zipFile: string;
let generated: GeneratedExport;
/** Midnight UTC, DAYS days ago: the export's first day. */
const start = Math.floor((Date.now() - DAYS * DAY) / DAY) * DAY;

/** A JSON call to the test server (fixtures/api.ts). */
const api = async <T>(method: string, path: string, token?: string, body?: unknown) =>
  call<T>(server.url, method, path, { token, body });

before(async () => {
  assertWebBuilt();
  server = await startServer({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_RATE_LIMIT_MAX: '1000',
    RATE_LIMIT_MAX: '5000',
    MAX_REPLY_TOKENS: '16',
    LLAMA_THREADS: '1',
  });
  session = await launchBrowser();
  work = mkdtempSync(join(tmpdir(), 'medichat-sensors-e2e-'));
  const xml = join(work, 'export.xml');
  generated = await writeAppleHealthExport(xml, { start, days: DAYS, hrEveryMin: 5 });
  zipFile = join(work, 'export.zip');
  await zipAppleHealthExport(xml, zipFile);
  const login = await api<{ accessToken: string }>('POST', '/api/auth/login', undefined, ADMIN);
  assert.equal(login.status, 200, 'the bootstrap admin signs in');
  const model = await api('POST', '/api/models', login.body.accessToken, {
    name: 'tiny-llama',
    engine: 'llama-cpp',
    path: await ensureTinyGguf(),
    isDefault: true,
  });
  assert.equal(model.status, 201, `model registered: ${JSON.stringify(model.body)}`);
});

after(async () => {
  await session?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The generator's heart rate at a minute of the day (apple-health.test-helpers.ts). */
const heartRateAt = (minute: number) => Math.round(62 + 18 * Math.sin(minute / 229) + ((minute * 7) % 11));

const chart = (page: Page, type: string) => page.getByTestId(`sensor-chart-${type}`);
const panelOf = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });

async function readingCount(token: string): Promise<number> {
  const res = await api<{ sources: Array<{ count: number }> }>('GET', '/api/sensors/sources', token);
  assert.equal(res.status, 200);
  return res.body.sources.reduce((n, s) => n + s.count, 0);
}

describe('sensors: import, charts, consent', () => {
  let opened: OpenedPage;
  const email = uniqueEmail('sensors');
  let token = '';

  before(async () => {
    opened = await openPage(session, { viewport: { width: 1366, height: 900 }, colorScheme: 'light' });
  });
  after(async () => {
    await opened?.close();
  });

  test('a new patient imports a generated Apple Health export.zip and follows it to the summary', async () => {
    const { page, errors } = opened;
    await goto(page, server.url, '/register');
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${server.url}/card?welcome=1`);
    token = (
      await api<{ accessToken: string }>('POST', '/api/auth/login', undefined, { email, password: GOOD_PASSWORD })
    ).body.accessToken;

    await goto(page, server.url, '/sensors');
    await page.getByText('No readings in the last 7 days.').waitFor({ timeout: 20_000 });
    await page.getByText('No readings are stored for you.').waitFor();
    await assertNoAxeViolations(page, '/sensors (empty)');

    await page.getByLabel('Apple Health').check();
    await page.locator('#import-file').setInputFiles(zipFile);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const result = page.getByTestId('import-result');
    await result.waitFor({ timeout: 90_000 });
    const expected = generated.heartRates + generated.bloodPressures + generated.steps + generated.sleeps + 3 * DAYS;
    const num = async (id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/\D/g, ''));
    assert.equal(await num('import-inserted'), expected);
    assert.equal(await num('import-duplicates'), 0);
    // The 900 bpm record, the two types Medichat does not read each day, and the in-bed sleep intervals.
    assert.equal(await num('import-skipped'), generated.implausible + 2 * DAYS + DAYS);
    assert.match((await page.getByTestId('import-problems').textContent()) ?? '', /900.*plausible/);
    assert.equal(await readingCount(token), expected, 'what the summary says is what is stored');
    // The sources list refreshed with the import.
    await page.getByText('apple-health:Withings').waitFor();
    assertNoConsoleErrors(errors, 'import');
  });

  test('the charts render from the server buckets, with a table alternative of the right rows and values', async () => {
    const { page, errors } = opened;
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    for (const type of ['heart_rate', 'blood_pressure', 'spo2', 'steps', 'sleep', 'body_weight', 'glucose']) {
      await chart(page, type).locator('canvas').first().waitFor({ timeout: 20_000 });
    }
    assert.equal(
      await page.getByTestId('sensor-chart-respiratory_rate').count(),
      0,
      'no chart for a type without data',
    );
    // 30 days of heart rate in 6 h buckets: the 7 imported days are 28 buckets of 72 readings.
    assert.equal(await chart(page, 'heart_rate').getAttribute('data-buckets'), String(DAYS * 4));
    const hr = panelOf(page, 'Heart rate');
    await hr.getByRole('button', { name: 'Show as table' }).click();
    const table = hr.getByRole('table');
    await table.waitFor();
    assert.match(
      (await table.locator('caption').textContent()) ?? '',
      /Heart rate, the last 30 days, per 6 hours \(bpm\)/,
    );
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), DAYS * 4);
    // The first bucket (00:00–06:00 UTC of the first day): every 5 minutes from minute 0 to 355.
    const first = Array.from({ length: 72 }, (_, i) => heartRateAt(i * 5));
    const cells = (await rows.first().locator('td').allTextContents()).map((t) => t.trim());
    assert.equal(cells[0], String(Math.min(...first)), 'lowest');
    assert.equal(cells[2], String(Math.max(...first)), 'highest');
    assert.equal(cells[3], '72', 'readings in the bucket');
    assert.equal(
      await rows.first().locator('th time').getAttribute('datetime'),
      new Date(start).toISOString(),
      'the row names its bucket',
    );

    // Blood pressure: morning 128–132/82 within the range, evening 150–156/96 above it.
    const bp = panelOf(page, 'Blood pressure');
    await bp.getByRole('button', { name: 'Show as table' }).click();
    const bpRows = bp.getByRole('table').locator('tbody tr');
    assert.equal(await bpRows.count(), DAYS * 2);
    assert.equal(await bpRows.filter({ hasText: 'Above the safe range' }).count(), DAYS);
    const morning = (await bpRows.first().locator('td').allTextContents()).map((t) => t.trim());
    assert.deepEqual([morning[1], morning[4], morning[6]], ['128', '82', '1']);
    assert.match((await bp.textContent()) ?? '', /Source: NICE guideline NG136/);
    // Steps are totals per day: 12 hourly records of 300 + 20 h steps.
    const steps = panelOf(page, 'Steps');
    await steps.getByRole('button', { name: 'Show as table' }).click();
    const stepRows = steps.getByRole('table').locator('tbody tr');
    assert.equal(await stepRows.count(), DAYS);
    const dayTotal = Array.from({ length: 12 }, (_, i) => 300 + (8 + i) * 20).reduce((a, b) => a + b, 0);
    assert.equal((await stepRows.first().locator('td').first().textContent())?.trim(), String(dayTotal));

    await assertAccessibleInBothThemes(page, '/sensors (charts and tables, 1366 px)', 'sensors-1366');
    await hr.getByRole('button', { name: 'Show as chart' }).click();
    await chart(page, 'heart_rate').locator('canvas').first().waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'sensors-charts-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    assertNoConsoleErrors(errors, 'charts');
  });

  test('at 390 px the page fits without horizontal scrolling and is accessible', async () => {
    const phone = await openPage(session, { viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    try {
      // Same account: sign in on the phone.
      await goto(phone.page, server.url, '/login');
      await phone.page.getByLabel('Email').fill(email);
      await phone.page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      await phone.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await phone.page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await goto(phone.page, server.url, '/sensors');
      await chart(phone.page, 'heart_rate').locator('canvas').first().waitFor({ timeout: 20_000 });
      const width = await phone.page.evaluate(() => document.scrollingElement!.scrollWidth);
      assert.ok(width <= 390, `no horizontal scrolling at 390 px (scrollWidth ${width})`);
      await assertAccessibleInBothThemes(phone.page, '/sensors (390 px)', 'sensors-390');
      assertNoConsoleErrors(phone.errors, '/sensors at 390 px');
    } finally {
      await phone.close();
    }
  });

  test('a file that is not an export is a 415 shown in words; a malformed one fails its job; nothing is stored', async () => {
    const { page, errors } = opened;
    const before = await readingCount(token);
    const pdf = join(work, 'export.zip.pdf');
    writeFileSync(pdf, '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await page.locator('#import-file').setInputFiles(pdf);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const refused = page.getByTestId('import-error');
    await refused.waitFor({ timeout: 20_000 });
    assert.match((await refused.textContent()) ?? '', /not an Apple Health export/);
    assert.equal(await readingCount(token), before);

    const broken = join(work, 'broken.xml');
    writeFileSync(
      broken,
      '<?xml version="1.0"?><HealthData><Record type="HKQuantityTypeIdentifierHeartRate" unit="count/min" sourceName="x" startDate="2026-11-01 08:00:00 +0000" endDate="2026-11-01 08:00:00 +0000" value="70"></HealthData>',
    );
    await page.locator('#import-file').setInputFiles(broken);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const failed = page.getByTestId('import-failed');
    await failed.waitFor({ timeout: 30_000 });
    assert.match((await failed.textContent()) ?? '', /not well-formed XML/);
    assert.equal(await readingCount(token), before);
    await assertNoAxeViolations(page, '/sensors (a failed import)');
    assertNoConsoleErrors(errors, 'bad uploads', [/status of 415/]);
    errors.length = 0;
  });

  test('with consent on the card, the reply pipeline gets the readings (a high blood pressure warns about a decongestant)', async () => {
    const { page, errors } = opened;
    const question =
      'My watch tracks my heart rate and blood pressure. Can I take pseudoephedrine for my blocked nose?';
    const ask = async () => {
      await goto(page, server.url, '/chat');
      const composer = page.getByRole('textbox', { name: 'Message to the assistant' });
      await composer.waitFor();
      const replies = page.locator('li[data-role="assistant"]');
      const before = await replies.count();
      await composer.fill(question);
      await composer.press('Enter');
      // This question's reply, not an earlier one of the same chat, once it has ended. The tiny
      // fixture model's context is too short for a prompt with the card and the readings, so the
      // model's part may fail; the medication check runs before the model and is what is asserted.
      const reply = replies.nth(before);
      await reply
        .and(page.locator('[data-status="complete"], [data-status="failed"]'))
        .waitFor({ timeout: REPLY_TIMEOUT });
      const box = reply.getByTestId('safety-warnings');
      return (await box.count()) ? ((await box.textContent()) ?? '') : '';
    };
    const bloodPressure = /can raise blood pressure/i;
    // Without consent nothing is read: the question alone names no high blood pressure.
    assert.doesNotMatch(await ask(), bloodPressure);

    await goto(page, server.url, '/card');
    await page.locator('#card-shareCardWithAssistant').check();
    await page.getByRole('button', { name: 'Save card' }).click();
    await page
      .getByTestId('card-save-status')
      .getByText(/Saved at/)
      .waitFor({ timeout: 15_000 });

    const warned = await ask();
    assert.match(warned, bloodPressure, `the warning comes from the readings: ${warned}`);
    // The stored reply carries it too: the pipeline's own record, not the page's.
    const chats = await api<{ items: Array<{ id: string }> }>('GET', '/api/chats', token);
    assert.equal(chats.status, 200);
    let ids: string[] = [];
    for (const chat of chats.body.items) {
      const page1 = await api<{ items: Array<{ role: string; safety?: Array<{ id: string }> }> }>(
        'GET',
        `/api/chats/${chat.id}/messages`,
        token,
      );
      ids = ids.concat(
        page1.body.items.filter((m) => m.role === 'assistant').flatMap((m) => (m.safety ?? []).map((w) => w.id)),
      );
    }
    assert.equal(ids.filter((id) => id.startsWith('hypertension-decongestant:')).length, 1, JSON.stringify(ids));
    await screenshot(page, 'sensors-consent-warning');
    assertNoConsoleErrors(errors, 'chat with readings');
  });

  test("deleting one source's readings asks first, then removes them and their chart", async () => {
    const { page, errors } = opened;
    await goto(page, server.url, '/sensors');
    await chart(page, 'blood_pressure').locator('canvas').first().waitFor({ timeout: 20_000 });
    const before = await readingCount(token);
    const open = page.getByRole('button', { name: 'Delete the readings from apple-health:Withings' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Delete these readings?' });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', new RegExp(`All ${DAYS * 2} readings from apple-health:Withings`));
    // Cancel keeps everything.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await readingCount(token), before);
    await open.click();
    await assertNoAxeViolations(page, '/sensors (delete dialog)');
    await dialog.getByRole('button', { name: 'Delete readings' }).click();
    await page.getByText(`Deleted ${DAYS * 2} readings from apple-health:Withings.`).waitFor();
    assert.equal(await readingCount(token), before - DAYS * 2);
    await chart(page, 'blood_pressure').waitFor({ state: 'detached' });
    await chart(page, 'heart_rate').locator('canvas').first().waitFor();
    assertNoConsoleErrors(errors, 'delete a source');
  });
});
