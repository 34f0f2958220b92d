/**
 * Storage cut in the middle of a send, on a real store: the messages collection is wrapped so its
 * inserts fail with the engines' own StorageUnavailableError while `down` is set (the chat lookup
 * before it still works). The socket must answer `service_unavailable` (a problem type the web
 * queues for retry; see apps/web send-errors.ts), store nothing, and accept the same send once
 * storage is back; HTTP must answer 503 problem+json with Retry-After, never a 500.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_CONTENT_TYPE, ProblemType } from '@medichat/shared';
import { StorageUnavailableError } from '../../engines/storage/errors.js';
import { openStorage, type Storage } from '../../engines/storage/index.js';
import { createChatTestApp, newClientId, newUser, openSocket, type ChatTestApp } from './chat.test-helpers.js';

describe('a storage outage during a send', () => {
  let storage: Storage;
  let dataDir: string;
  let t: ChatTestApp;
  let down = false;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medichat-outage-'));
    storage = await openStorage({ dataDir });
    const real = storage.messages;
    const wrapped: typeof real = Object.create(real) as typeof real;
    wrapped.insert = async (doc) => {
      if (down) throw new StorageUnavailableError('messages: the store did not answer', { cause: new Error('EIO') });
      return real.insert(doc);
    };
    t = await createChatTestApp('sqlite', {}, { deps: { storage: { ...storage, messages: wrapped } } });
  });
  after(async () => {
    await t.close();
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('over the WebSocket: service_unavailable for that clientId, nothing stored, the same send works later', async () => {
    const a = await newUser(t.app);
    const s = await openSocket(t.wsBase, a.chatId, { token: a.accessToken });
    const clientId = newClientId();
    const frame = { type: 'send', content: 'I have had a mild headache since lunch.', clientId };

    down = true;
    s.send(frame);
    const refused = await s.next((e) => e.type === 'error' && e.clientId === clientId);
    down = false;
    assert.deepEqual((refused.error as { type: string }).type, ProblemType.serviceUnavailable);
    const none = await t.app.inject({ method: 'GET', url: `/api/chats/${a.chatId}/messages`, headers: a.auth });
    assert.deepEqual(none.json().items, [], 'nothing was stored');

    // What the web client does with a transient refusal: the same frame again, same clientId.
    s.send(frame);
    const created = await s.next(
      (e) => e.type === 'message.created' && (e.message as { role: string }).role === 'assistant',
    );
    const replyId = (created.message as { id: string }).id;
    await s.next(
      (e) =>
        (e.type === 'message.completed' || e.type === 'message.failed') && (e.message as { id: string }).id === replyId,
    );
    const page = await t.app.inject({ method: 'GET', url: `/api/chats/${a.chatId}/messages`, headers: a.auth });
    const items = page.json().items as Array<{ role: string; clientId?: string | null; status: string }>;
    assert.equal(items.filter((m) => m.role === 'user').length, 1, 'stored once');
    assert.equal(items.filter((m) => m.role === 'assistant').length, 1);
    await s.close();
  });

  it('over HTTP: 503 service_unavailable problem+json with Retry-After', async () => {
    const a = await newUser(t.app);
    down = true;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: a.auth,
      payload: { chatId: a.chatId, content: 'Is ibuprofen fine with a cold?', clientId: newClientId() },
    });
    down = false;
    assert.equal(res.statusCode, 503, res.body);
    assert.ok(String(res.headers['content-type']).startsWith(PROBLEM_CONTENT_TYPE));
    assert.equal(res.headers['retry-after'], '1');
    const body = res.json();
    assert.equal(body.type, ProblemType.serviceUnavailable);
    assert.equal(body.status, 503);
    assert.doesNotMatch(body.detail, /EIO|messages:/, 'no internals leak');
  });
});
