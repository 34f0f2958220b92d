/**
 * The chat in a real browser against the real API and a real (tiny) model.
 * Run: node --conditions=development --import tsx --test e2e/chat.test.ts
 * (needs `npm run build -w @medichat/shared && npm run build -w @medichat/web` first).
 *
 * The model is the project's tiny GGUF (random weights, so its words are meaningless): these tests
 * assert plumbing — tokens arrive progressively, replies are stored, offline messages sync exactly
 * once, red flags raise the banner, Stop keeps the partial text — not what the model says.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, BrowserContextOptions, Page, WebSocket as PwWebSocket } from 'playwright-core';
import { chatListSchema, messagesPageSchema, type Message } from '@medichat/shared';
import { ensureTinyGguf } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
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

const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery-9' };
const GUEST_TOKEN_KEY = 'medichat-guest-token';
/**
 * Replies long enough to watch them stream, stop one and drop the connection in the middle of one.
 * The tiny model makes a token in ~2 ms on one thread: 48 tokens (as before) were sometimes over
 * before the page showed them streaming. 1,000 take 2 s or more.
 */
const MAX_REPLY_TOKENS = 1000;
const REPLY_TIMEOUT = 90_000;

let server: TestServer;
let session: BrowserSession;

async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

before(async () => {
  assertWebBuilt();
  server = await startServer({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    MAX_REPLY_TOKENS: String(MAX_REPLY_TOKENS),
    // Stop and a dropped connection must land mid-reply: no early end at a full sentence.
    REPLY_SOFT_LIMIT_WORDS: '0',
    // The random-weight fixture cycles by construction; the guard would (rightly) stop it early.
    REPLY_MAX_REPEATS: '0',
    LLAMA_THREADS: '1',
    // Every test talks from 127.0.0.1: the per-IP limit is for the real world, not for one suite.
    RATE_LIMIT_MAX: '5000',
  });
  session = await launchBrowser();
  // The tiny model, registered as the default through the admin API.
  const login = await api<{ accessToken: string }>('POST', '/api/auth/login', ADMIN);
  assert.equal(login.status, 200, 'the bootstrap admin signs in');
  const registered = await api(
    'POST',
    '/api/models',
    { name: 'tiny-llama', engine: 'llama-cpp', path: await ensureTinyGguf(), isDefault: true },
    login.body.accessToken,
  );
  assert.equal(registered.status, 201, `model registered: ${JSON.stringify(registered.body)}`);
});

after(async () => {
  await session?.close();
  await server?.close();
});

async function openPage(
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: ConsoleProblem[]; close: () => Promise<void> }> {
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  return { context, page, errors, close: () => context.close() };
}

async function openChat(page: Page): Promise<void> {
  await page.goto(server.url + '/chat', { waitUntil: 'load' });
  await page
    .getByRole('heading', { level: 1 })
    // Patient: on a busy 2-core machine the first paint has been seen to take long.
    .waitFor({ timeout: 60_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, 'chat-debug-no-h1');
      throw err;
    });
  await composer(page).waitFor();
}

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message to the assistant' });

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

async function assertAccessible(page: Page, what: string): Promise<void> {
  for (const tags of [undefined, ['best-practice']] as const) {
    const violations = await runAxe(page, { tags });
    assert.equal(
      violations.length,
      0,
      `axe violations on ${what}${tags ? ' (best practices)' : ''}:\n${formatViolations(violations)}`,
    );
  }
}

/** A full-page screenshot from the top (the sticky header would otherwise sit mid-page). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

/**
 * Console errors the app is answerable for. A request in flight when a test takes the network away
 * (a chat-list refresh after a reply, say) is logged by Chromium itself as ERR_INTERNET_DISCONNECTED:
 * the network's doing, not the app's. Only the offline tests use this.
 */
const appErrors = (errors: ConsoleProblem[]) => errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED/.test(e.text));

const guestToken = (page: Page) => page.evaluate((key) => localStorage.getItem(key), GUEST_TOKEN_KEY);
const openChatId = (page: Page) => page.locator('[data-chat-id][data-connection]').getAttribute('data-chat-id');

async function serverMessages(chatId: string, token: string): Promise<Message[]> {
  const res = await api('GET', `/api/chats/${chatId}/messages?limit=100`, undefined, token);
  assert.equal(res.status, 200);
  return messagesPageSchema.parse(res.body).items;
}

/** A guest chat made through the API, with `exchanges` red-flag exchanges (answered at once, no model). */
async function seedGuestChat(exchanges: number): Promise<{ chatId: string; token: string }> {
  const created = await api<{ chat: { id: string }; guestToken: string }>('POST', '/api/chats', {});
  assert.equal(created.status, 201);
  const { chat, guestToken: token } = created.body;
  for (let i = 1; i <= exchanges; i++) {
    const sent = await api<{ status: string }>(
      'POST',
      '/api/messages',
      {
        chatId: chat.id,
        content: `Message ${i}: I have crushing chest pain`,
        clientId: `seed-${String(i).padStart(4, '0')}`,
      },
      token,
    );
    assert.equal(sent.status, 200);
  }
  return { chatId: chat.id, token };
}

/** Open `chatId` in the browser as the guest who owns `token`. */
async function openAsGuest(page: Page, token: string, chatId: string): Promise<void> {
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [GUEST_TOKEN_KEY, token]);
  await page.goto(`${server.url}/chat?chat=${chatId}`, { waitUntil: 'load' });
  await composer(page).waitFor();
}

/** Records every distinct text the streaming reply shows, from now on (a string: tsx would rename functions). */
async function watchStreaming(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = [];
    window.__streamed = seen;
    new MutationObserver(() => {
      if (document.querySelector('li[data-role="assistant"] progress')) window.__sawProgress = true;
      const li = document.querySelector('li[data-role="assistant"][data-status="streaming"]');
      const text = li && li.querySelector('.break-words') ? li.querySelector('.break-words').textContent : '';
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
}

const streamed = (page: Page) => page.evaluate(() => (window as unknown as { __streamed: string[] }).__streamed);

describe('chat', () => {
  test('guest chat end to end: the reply streams in token by token and is stored', async () => {
    const { page, errors, close } = await openPage({ colorScheme: 'light' });
    try {
      await openChat(page);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Guest chat');
      assert.equal(await guestToken(page), null, 'no guest session before the first message');
      await assertAccessible(page, '/chat (empty, light)');

      // Shift+Enter is a new line, not a send.
      await composer(page).fill('line one');
      await composer(page).press('Shift+Enter');
      await composer(page).pressSequentially('line two');
      assert.equal(await composer(page).inputValue(), 'line one\nline two');
      assert.equal(await page.locator('li[data-role="user"]').count(), 0, 'nothing sent');

      await watchStreaming(page);
      await send(page, 'Hello! What can I take for a mild headache?');
      const reply = page.locator('li[data-role="assistant"]').last();
      await page.locator('li[data-role="user"][data-message-id]').first().waitFor({ timeout: REPLY_TIMEOUT });
      await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor({ timeout: REPLY_TIMEOUT });
      const finalText = ((await reply.locator('.break-words').textContent()) ?? '').trim();
      assert.ok(finalText.length > 0, 'the reply has text');

      const states = await streamed(page);
      assert.ok(states.length >= 2, `at least two intermediate states while streaming (saw ${states.length})`);
      for (let i = 1; i < states.length; i++) {
        assert.ok(states[i]!.length >= states[i - 1]!.length, 'the text only grows while streaming');
      }
      assert.ok(states[0]!.length < finalText.length, 'the first state was partial');
      assert.match((await page.getByTestId('chat-announcer').textContent()) ?? '', /^Medichat replied: /);
      assert.equal(
        await composer(page).evaluate((el) => el === document.activeElement),
        true,
        'focus stays in the composer',
      );

      // Stored on the server, once.
      const token = await guestToken(page);
      assert.ok(token, 'the first send made a guest session');
      const chatId = (await openChatId(page))!;
      const stored = await serverMessages(chatId, token);
      assert.deepEqual(
        stored.map((m) => [m.role, m.status]),
        [
          ['user', 'complete'],
          ['assistant', 'complete'],
        ],
      );
      assert.equal(stored[1]!.model, 'tiny-llama');

      // Honest limits: the model answering is a small one on the server, and the page says so.
      const notice = page.getByTestId('small-model-notice');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /Tiny Llama, a small model running offline.*administrator/s);

      // The chat list shows it, titled by its first message.
      const list = page.getByRole('navigation', { name: 'Your chats' });
      await list.getByRole('button', { name: /^Hello! What can I take/ }).waitFor();

      await assertAccessible(page, '/chat (after a reply, light)');
      await shot(page, 'chat-guest-reply-light');

      // A reload shows the stored conversation.
      await page.reload({ waitUntil: 'load' });
      await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor();
      assert.equal(
        ((await page.locator('li[data-role="assistant"] .break-words').last().textContent()) ?? '').trim(),
        finalText,
      );
      assert.equal(await page.locator('li[data-role="user"]').count(), 1);
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('offline: messages queue in IndexedDB, survive a reload, and sync exactly once', async () => {
    const { context, page, errors, close } = await openPage({ colorScheme: 'light' });
    try {
      await openChat(page);
      // The offline shell is in place (service worker with the app's assets) before going offline.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        for (let i = 0; i < 100; i++) {
          const keys = await caches.open('medichat-shell-v1').then((c) => c.keys());
          if (keys.some((k) => new URL(k.url).pathname.startsWith('/assets/')) && keys.length > 3) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the service worker did not cache the app shell');
      });

      await context.setOffline(true);
      await send(page, 'First message, typed offline');
      await send(page, 'Second message, typed offline');
      const queued = page.locator('li[data-role="user"][data-status="queued"]');
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-role="user"][data-status="queued"]').length === 2,
      );
      assert.match((await queued.first().textContent()) ?? '', /Queued: sends when you are back online/);
      assert.match(
        (await page.getByRole('status').filter({ hasText: 'offline' }).textContent()) ?? '',
        /2 messages are queued/,
      );

      const outbox = () =>
        page.evaluate(
          () =>
            new Promise<string[]>((resolve, reject) => {
              const open = indexedDB.open('medichat-chat');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const all = open.result.transaction('outbox').objectStore('outbox').getAll();
                all.onsuccess = () => {
                  resolve(
                    (all.result as Array<{ content: string; createdAt: string }>)
                      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
                      .map((e) => e.content),
                  );
                  open.result.close();
                };
              };
            }),
        );
      assert.deepEqual(await outbox(), ['First message, typed offline', 'Second message, typed offline']);
      await assertAccessible(page, '/chat (offline, queued)');
      await shot(page, 'chat-offline-queued-light');

      // Reload while offline: the page comes from the service worker, the queue from IndexedDB.
      await page.reload({ waitUntil: 'load' });
      await page.getByRole('heading', { level: 1, name: 'Guest chat' }).waitFor();
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-role="user"][data-status="queued"]').length === 2,
      );
      assert.deepEqual(await queued.locator('p.whitespace-pre-wrap').allTextContents(), [
        'First message, typed offline',
        'Second message, typed offline',
      ]);
      const chatId = (await openChatId(page))!;
      assert.equal(await guestToken(page), null, 'nothing reached the server yet');

      // Back online: the chat is created, both messages are sent, in order, once each.
      await context.setOffline(false);
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-role="user"][data-message-id]').length === 2,
        undefined,
        {
          timeout: REPLY_TIMEOUT,
        },
      );
      assert.equal(await page.locator('li[data-role="user"][data-client-id]').count(), 0, 'nothing left queued');
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-role="assistant"][data-status="complete"]').length === 2,
        undefined,
        { timeout: REPLY_TIMEOUT },
      );
      assert.deepEqual(await outbox(), [], 'the outbox is empty');

      const token = (await guestToken(page))!;
      const stored = await serverMessages(chatId, token);
      const userContents = stored.filter((m) => m.role === 'user').map((m) => m.content);
      assert.deepEqual(
        userContents,
        ['First message, typed offline', 'Second message, typed offline'],
        'exactly one copy each, in order',
      );
      assert.equal(stored.filter((m) => m.role === 'assistant').length, 2, 'one reply each');
      const chats = chatListSchema.parse((await api('GET', '/api/chats', undefined, token)).body);
      assert.deepEqual(
        chats.items.map((c) => c.id),
        [chatId],
        'one chat, under the id made offline',
      );

      // The history is cached for offline reading.
      await context.setOffline(true);
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-role="assistant"][data-status="complete"]').length === 2,
      );
      await context.setOffline(false);
      assert.deepEqual(appErrors(errors), [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('a red-flag message shows the urgent banner with the emergency number (dark)', async () => {
    const { page, errors, close } = await openPage({ colorScheme: 'dark' });
    try {
      await openChat(page);
      await send(page, 'I have crushing chest pain');
      const banner = page.getByRole('alert').filter({ hasText: 'emergency' });
      await banner.waitFor({ timeout: REPLY_TIMEOUT });
      assert.match((await banner.textContent()) ?? '', /This could be a medical emergency\. Call 112 now\./);
      assert.equal(await banner.getByRole('link', { name: 'Call 112' }).getAttribute('href'), 'tel:112');
      const reply = page.locator('li[data-role="assistant"][data-status="complete"]');
      await reply.waitFor({ timeout: REPLY_TIMEOUT });
      assert.match((await reply.textContent()) ?? '', /Emergency advice/);
      assert.match(
        (await reply.locator('strong').first().textContent()) ?? '',
        /Call 112 now/,
        'markdown rendered (bold), not shown raw',
      );
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('dark')), true);
      await assertAccessible(page, '/chat (urgent banner, dark)');
      await shot(page, 'chat-urgent-banner-dark');
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('a medication conflict the guest names shows the safety warning above the reply, with its source', async () => {
    const { page, errors, close } = await openPage();
    try {
      await openChat(page);
      await send(page, "I'm on warfarin. Can I take ibuprofen for my back pain?");
      const reply = page.locator('li[data-role="assistant"][data-status="complete"]').last();
      await reply.waitFor({ timeout: REPLY_TIMEOUT });
      const box = reply.getByTestId('safety-warnings');
      await box.waitFor();
      const text = (await box.textContent()) ?? '';
      assert.match(text, /Medication safety check/);
      assert.match(text, /ibuprofen/i);
      assert.match(text, /warfarin/i);
      assert.match(text, /Source: \S+/, 'the warning names its source');
      assert.ok((await box.locator('li[data-severity]').count()) >= 1, 'each warning carries its severity');
      const body = reply.locator('div.leading-relaxed').first();
      const [boxAt, bodyAt] = [await box.boundingBox(), await body.boundingBox()];
      assert.ok(boxAt && bodyAt && boxAt.y < bodyAt.y, 'the warning sits above the reply text');
      await assertAccessible(page, '/chat (medication safety warning)');
      await shot(page, 'chat-medication-warning');
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('Stop during generation keeps the partial text, marked stopped (also after a reload)', async () => {
    const { page, errors, close } = await openPage({ colorScheme: 'dark' });
    try {
      await openChat(page);
      await send(page, 'Tell me about sleep hygiene, please.');
      const streaming = page.locator('li[data-role="assistant"][data-status="streaming"]');
      await streaming.waitFor({ timeout: REPLY_TIMEOUT });
      await page.waitForFunction(
        () =>
          (document.querySelector('li[data-role="assistant"][data-status="streaming"] .break-words')?.textContent ?? '')
            .length > 0,
        undefined,
        { timeout: REPLY_TIMEOUT },
      );
      await page.getByRole('button', { name: 'Stop' }).click();
      const stopped = page.locator('li[data-role="assistant"][data-status="stopped"]');
      await stopped.waitFor({ timeout: 30_000 });
      const partial = ((await stopped.locator('.break-words').textContent()) ?? '').trim();
      assert.ok(partial.length > 0, 'the partial text stays');
      assert.match((await stopped.textContent()) ?? '', /Stopped/);
      assert.equal(await page.getByRole('button', { name: 'Stop' }).count(), 0, 'no Stop button once it stopped');
      assert.equal(
        await composer(page).evaluate((el) => el === document.activeElement),
        true,
        'focus back in the composer',
      );
      assert.match((await page.getByTestId('chat-announcer').textContent()) ?? '', /^Reply stopped\./);

      const stored = await serverMessages((await openChatId(page))!, (await guestToken(page))!);
      const reply = stored.find((m) => m.role === 'assistant')!;
      assert.equal(reply.status, 'stopped');
      assert.ok(reply.timings === null || reply.timings.tokens < MAX_REPLY_TOKENS, 'it stopped before the token limit');
      await assertAccessible(page, '/chat (stopped reply, dark)');
      await shot(page, 'chat-stopped-dark');

      await page.reload({ waitUntil: 'load' });
      await stopped.waitFor();
      assert.equal(((await stopped.locator('.break-words').textContent()) ?? '').trim(), partial);
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('markdown is rendered safely: no raw HTML, no script URLs', async () => {
    const { page, errors, close } = await openPage();
    try {
      await openChat(page);
      await send(
        page,
        '**bold** <img src="/x.png" onerror="window.__xss=1"> <script>window.__xss=2</script> [click](javascript:window.__xss=3) [ok](https://example.org)',
      );
      const mine = page.locator('li[data-role="user"][data-message-id]');
      await mine.waitFor({ timeout: REPLY_TIMEOUT });
      assert.equal(await mine.locator('strong').textContent(), 'bold', 'markdown is rendered');
      assert.equal(await mine.locator('img, script').count(), 0, 'raw HTML is not');
      const hrefs = await mine.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(!hrefs.some((h) => h && /^javascript:/i.test(h)), `no javascript: link (${JSON.stringify(hrefs)})`);
      assert.ok(hrefs.includes('https://example.org'));
      await mine.getByRole('link', { name: 'click' }).click();
      assert.equal(await page.evaluate('window.__xss'), undefined, 'nothing ran');
      await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor({ timeout: REPLY_TIMEOUT });
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });
});

describe('chat: history and recovery', () => {
  test('infinite scroll: older messages load at the top without moving the view', async () => {
    const { chatId, token } = await seedGuestChat(20); // 40 messages; a page is 30
    const { page, errors, close } = await openPage();
    try {
      await openAsGuest(page, token, chatId);
      const stored = page.locator('li[data-message-id]');
      await page.waitForFunction(() => document.querySelectorAll('li[data-message-id]').length === 30);
      const region = page.getByRole('region', { name: 'Messages' });
      const atEnd = await region.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
      assert.ok(atEnd <= 48, `opens at the newest message (${atEnd}px from the end)`);
      assert.ok(await page.getByRole('button', { name: 'Load earlier messages' }).isVisible());
      const firstBefore = await stored.first().getAttribute('data-message-id');

      await region.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForFunction(() => document.querySelectorAll('li[data-message-id]').length === 40);
      assert.match((await stored.first().textContent()) ?? '', /Message 1: I have crushing chest pain/);
      assert.equal(await page.getByRole('button', { name: 'Load earlier messages' }).count(), 0, 'no more to load');
      const { scrollTop, anchorTop } = await region.evaluate((el, id) => {
        const anchor = el.querySelector(`li[data-message-id="${id}"]`) as HTMLElement;
        return {
          scrollTop: el.scrollTop,
          anchorTop: anchor.getBoundingClientRect().top - el.getBoundingClientRect().top,
        };
      }, firstBefore);
      assert.ok(scrollTop > 0, 'the view did not jump to the very top');
      assert.ok(anchorTop >= -5, `the message that was first stays in view (top at ${anchorTop}px)`);
      await assertAccessible(page, '/chat (long history)');
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('a dropped connection resumes from the last token: none lost, none doubled', async () => {
    const { context, page, errors, close } = await openPage();
    try {
      const tokens: Array<{ socket: number; messageId: string; seq: number; text: string }> = [];
      const resumes: Array<{ socket: number; messageId: string; afterSeq: number }> = [];
      let sockets = 0;
      page.on('websocket', (ws: PwWebSocket) => {
        const n = ++sockets;
        ws.on('framereceived', ({ payload }) => {
          const event = JSON.parse(String(payload)) as { type: string; messageId: string; seq: number; text: string };
          if (event.type === 'token')
            tokens.push({ socket: n, messageId: event.messageId, seq: event.seq, text: event.text });
        });
        ws.on('framesent', ({ payload }) => {
          const frame = JSON.parse(String(payload)) as { type: string; messageId: string; afterSeq: number };
          if (frame.type === 'resume')
            resumes.push({ socket: n, messageId: frame.messageId, afterSeq: frame.afterSeq });
        });
      });
      await openChat(page);
      await send(page, 'Please explain how to take my blood pressure at home.');
      await page.waitForFunction(
        () =>
          (document.querySelector('li[data-role="assistant"][data-status="streaming"] .break-words')?.textContent ?? '')
            .length > 3,
        undefined,
        {
          timeout: REPLY_TIMEOUT,
        },
      );
      // The network drops mid-reply (the page closes its socket at once), then comes back.
      await context.setOffline(true);
      await page.waitForTimeout(1000);
      await context.setOffline(false);
      await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor({ timeout: REPLY_TIMEOUT });

      assert.ok(sockets >= 2, 'a second socket was opened');
      const reply = (await serverMessages((await openChatId(page))!, (await guestToken(page))!)).find(
        (m) => m.role === 'assistant',
      )!;
      const mine = tokens.filter((t) => t.messageId === reply.id);
      assert.ok(mine.some((t) => t.socket === 1) && mine.some((t) => t.socket > 1), 'tokens came on both sockets');
      const resume = resumes.find((r) => r.messageId === reply.id);
      assert.ok(resume && resume.afterSeq >= 0, `resumed after the last seq it had (${JSON.stringify(resumes)})`);
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.seq > mine[i - 1]!.seq, 'seqs only increase');
      // A frame can reach the browser after the page closed its socket: the page never reads it, and
      // resumes after the last seq it did read. So what the page used from socket n is what came up to
      // the afterSeq it sent on socket n + 1 (everything, on the last socket).
      const used = mine.filter((t) => {
        const next = resumes.find((r) => r.socket === t.socket + 1 && r.messageId === reply.id);
        return !next || t.seq <= next.afterSeq;
      });
      assert.equal(
        used.map((t) => t.text).join(''),
        reply.content,
        `the tokens read add up to the stored reply exactly (frames ${JSON.stringify(mine)}, resumes ${JSON.stringify(resumes)})`,
      );
      assert.deepEqual(appErrors(errors), [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('a failed reply shows Retry, and Retry regenerates it', async () => {
    // A "model" that cannot load becomes the default: the next reply fails.
    const admin = (await api<{ accessToken: string }>('POST', '/api/auth/login', ADMIN)).body.accessToken;
    const broken = join(server.dataDir, 'broken.gguf');
    writeFileSync(broken, 'this is not a GGUF file');
    const reg = await api(
      'POST',
      '/api/models',
      { name: 'broken', engine: 'llama-cpp', path: broken, isDefault: true },
      admin,
    );
    assert.equal(reg.status, 201);
    const { page, errors, close } = await openPage({ colorScheme: 'dark' });
    try {
      await openChat(page);
      await send(page, 'Is it fine to drink coffee every day?');
      const failed = page.locator('li[data-role="assistant"][data-status="failed"]');
      await failed.waitFor({ timeout: REPLY_TIMEOUT });
      assert.match((await failed.textContent()) ?? '', /Failed/);
      assert.match((await page.getByTestId('chat-announcer').textContent()) ?? '', /^The reply failed/);
      await assertAccessible(page, '/chat (failed reply, dark)');
      await shot(page, 'chat-failed-dark');

      // The working model is the default again; Retry regenerates the same reply in place.
      const good = await api(
        'POST',
        '/api/models',
        { name: 'tiny-llama-again', engine: 'llama-cpp', path: await ensureTinyGguf(), isDefault: true },
        admin,
      );
      assert.equal(good.status, 201);
      const id = await failed.getAttribute('data-message-id');
      await failed.getByRole('button', { name: 'Retry' }).click();
      await page.locator(`li[data-message-id="${id}"][data-status="complete"]`).waitFor({ timeout: REPLY_TIMEOUT });
      const stored = await serverMessages((await openChatId(page))!, (await guestToken(page))!);
      assert.deepEqual(
        stored.map((m) => [m.role, m.status]),
        [
          ['user', 'complete'],
          ['assistant', 'complete'],
        ],
        'the user message was kept and the reply regenerated in place',
      );
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });
});

describe('chat: signed in', () => {
  test('dashboard pane: choose a model, chat with it, start a new chat, delete one (confirmed)', async () => {
    const user = { email: 'pat@example.com', password: 'a-long-and-unusual-passphrase-7', displayName: 'Pat' };
    assert.equal((await api('POST', '/api/auth/register', user)).status, 201);
    const admin = (await api<{ accessToken: string }>('POST', '/api/auth/login', ADMIN)).body.accessToken;
    const second = await api<{ id: string }>(
      'POST',
      '/api/models',
      { name: 'tiny-llama-second', engine: 'llama-cpp', path: await ensureTinyGguf() },
      admin,
    );
    assert.equal(second.status, 201);

    const { page, errors, close } = await openPage({ colorScheme: 'light' });
    try {
      await page.goto(server.url + '/login', { waitUntil: 'load' });
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

      const picker = page.getByLabel('Model', { exact: true });
      await picker.waitFor();
      assert.ok((await picker.locator('option').allTextContents()).includes('Tiny Llama Second'));
      await picker.selectOption({ label: 'Tiny Llama Second' });
      const signIn = await api<{ accessToken: string }>('POST', '/api/auth/login', {
        email: user.email,
        password: user.password,
      });
      assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
      const token = signIn.body.accessToken;
      for (let i = 0; i < 50; i++) {
        const models = await api<{ selectedModelId: string | null }>('GET', '/api/models', undefined, token);
        if (models.body.selectedModelId === second.body.id) break;
        await page.waitForTimeout(100);
      }
      assert.equal(
        (await api<{ selectedModelId: string }>('GET', '/api/models', undefined, token)).body.selectedModelId,
        second.body.id,
      );

      await send(page, 'Which model answers me now?');
      await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor({ timeout: REPLY_TIMEOUT });
      const firstChat = (await openChatId(page))!;
      const stored = await serverMessages(firstChat, token);
      assert.equal(stored.find((m) => m.role === 'assistant')!.model, 'tiny-llama-second', 'the chosen model answered');
      await assertAccessible(page, '/dashboard (signed in, light)');
      await shot(page, 'chat-dashboard-signed-in-light');

      // A new chat, then delete the first one.
      await page.getByRole('button', { name: 'New chat' }).click();
      await page.waitForFunction(
        (id) => document.querySelector('[data-chat-id][data-connection]')?.getAttribute('data-chat-id') !== id,
        firstChat,
      );
      assert.equal(await page.locator('li[data-message-id]').count(), 0, 'the new chat is empty');
      await send(page, 'I have crushing chest pain');
      await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor({ timeout: REPLY_TIMEOUT });
      const toggle = page.getByRole('button', { name: /Your chats \(2\)/ });
      await toggle.waitFor();
      await toggle.click();
      const list = page.getByRole('navigation', { name: 'Your chats' });
      await list.getByRole('button', { name: 'Delete chat: Which model answers me now?' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this chat?' });
      await dialog.waitFor();
      await assertAccessible(page, 'delete confirmation');
      await dialog.getByRole('button', { name: 'Delete chat' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const chats = chatListSchema.parse((await api('GET', '/api/chats', undefined, token)).body);
      assert.equal(chats.items.length, 1, 'one chat left on the server');
      assert.notEqual(chats.items[0]!.id, firstChat);

      // Signing out leaves nothing of the account's chats on this device.
      const cachedOwners = () =>
        page.evaluate(
          () =>
            new Promise<string[]>((resolve) => {
              const open = indexedDB.open('medichat-chat');
              open.onsuccess = () => {
                const all = open.result.transaction('chats').objectStore('chats').getAll();
                all.onsuccess = () => {
                  resolve((all.result as Array<{ owner: string }>).map((c) => c.owner));
                  open.result.close();
                };
              };
            }),
        );
      assert.ok(
        (await cachedOwners()).some((o) => o.startsWith('user:')),
        'the account chat was cached while signed in',
      );
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await page.getByRole('heading', { level: 1, name: 'Guest chat' }).waitFor();
      await page.waitForFunction(
        () =>
          new Promise<boolean>((resolve) => {
            const open = indexedDB.open('medichat-chat');
            open.onsuccess = () => {
              const all = open.result.transaction('chats').objectStore('chats').getAll();
              all.onsuccess = () => {
                resolve((all.result as Array<{ owner: string }>).every((c) => c.owner === 'guest'));
                open.result.close();
              };
            };
          }),
      );
      assert.equal(await page.locator('li[data-message-id]').count(), 0, 'the guest sees none of it');
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await close();
    }
  });

  test('mobile: the chat fits a phone screen, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors, close } = await openPage({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        colorScheme,
      });
      try {
        await openChat(page);
        await send(page, 'I have crushing chest pain');
        await page.locator('li[data-role="assistant"][data-status="complete"]').waitFor({ timeout: REPLY_TIMEOUT });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
        await assertAccessible(page, `/chat (mobile, ${colorScheme})`);
        await shot(page, `chat-mobile-${colorScheme}`);
        assert.deepEqual(errors, [], 'no console errors');
      } finally {
        await close();
      }
    }
  });
});
