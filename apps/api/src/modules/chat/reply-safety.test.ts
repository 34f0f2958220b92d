/**
 * The deterministic safety layer on the real app (tiny GGUF answering, both storage engines):
 * medication conflicts from the shared card and from the conversation itself put a structured,
 * sourced `safety` warning on the reply — stored, returned, listed — whatever the model wrote; an
 * emergency reply carries one too; a reply cut at the cap is marked `truncated`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@medichat/shared';
import {
  createChatTestApp,
  chatTestEngines,
  newClientId,
  newGuest,
  newUser,
  openSocket,
  sendMessage,
  type ChatTestApp,
} from './chat.test-helpers.js';

for (const engine of chatTestEngines) {
  describe(`reply safety on the real app (${engine})`, () => {
    let t: ChatTestApp;
    before(async () => {
      t = await createChatTestApp(engine);
    });
    after(() => t.close());

    const send = (auth: Record<string, string>, chatId: string, content: string) =>
      sendMessage(t.app, auth, chatId, content);

    it('warfarin on the shared card + "can I take ibuprofen?": a sourced drug-drug warning on the reply', async () => {
      const u = await newUser(t.app);
      const patch = await t.app.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: u.auth,
        payload: {
          dateOfBirth: '1958-03-01',
          medications: [{ name: 'warfarin', dose: '5 mg', schedule: 'daily' }],
          shareCardWithAssistant: true,
        },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      const reply = await send(u.auth, u.chatId, 'I have a headache. Can I take ibuprofen?');
      const w = reply.safety.find((x) => x.kind === 'drug-drug' && x.drugs.includes('ibuprofen'));
      assert.ok(w, JSON.stringify(reply.safety));
      assert.ok(w.drugs.includes('warfarin'), JSON.stringify(w));
      assert.ok(['contraindicated', 'major'].includes(w.severity), w.severity);
      assert.ok(w.source.name.length > 0);
      // Stored: the chat's message list returns it too.
      const list = await t.app.inject({ method: 'GET', url: `/api/chats/${u.chatId}/messages`, headers: u.auth });
      const stored = (list.json().items as Message[]).find((m) => m.id === reply.id)!;
      assert.deepEqual(stored.safety, reply.safety);
    });

    it('the card is not read without consent, but what the person says counts (a guest on warfarin)', async () => {
      const g = await newGuest(t.app);
      const plain = await send(g.auth, g.chatId, 'Can I take ibuprofen for my back?');
      assert.deepEqual(plain.safety, [], 'nothing known yet: no warning');
      const reply = await send(g.auth, g.chatId, "I'm on warfarin by the way. Is ibuprofen ok?");
      assert.ok(
        reply.safety.some((x) => x.drugs.includes('ibuprofen') && x.drugs.includes('warfarin')),
        JSON.stringify(reply.safety),
      );
    });

    it('a penicillin allergy said in the chat + amoxicillin: a drug-allergy warning', async () => {
      const g = await newGuest(t.app);
      const reply = await send(
        g.auth,
        g.chatId,
        'I am allergic to penicillin. My throat hurts, would amoxicillin help?',
      );
      const w = reply.safety.find((x) => x.kind === 'drug-allergy');
      assert.ok(w, JSON.stringify(reply.safety));
      assert.ok(w.drugs.includes('amoxicillin'));
    });

    it('an emergency answer still carries the warning; a cut reply is marked truncated', async () => {
      const g = await newGuest(t.app);
      const urgent = await send(
        g.auth,
        g.chatId,
        'I took 30 tablets of paracetamol and I am on warfarin, can I take ibuprofen too',
      );
      assert.equal(urgent.triage, 'emergency');
      assert.ok(urgent.safety.length > 0, JSON.stringify(urgent));
      const long = await send(g.auth, g.chatId, 'Tell me about sleep.');
      // chat tests cap replies at 24 tokens: the tiny model always reaches it.
      assert.equal(long.truncated, true, long.content);
      assert.match(long.content, /cut off at the length limit/);
    });
  });
}

describe('a reply waiting for the model is told its place in the queue (one slot, real model)', () => {
  let t: ChatTestApp;
  before(async () => {
    t = await createChatTestApp('sqlite', {
      LLAMA_PARALLEL: '1',
      MAX_REPLY_TOKENS: '200',
      REPLY_MAX_REPEATS: '0',
      REPLY_SOFT_LIMIT_WORDS: '0',
    });
  });
  after(() => t.close());

  it('three guests at once: a later one gets reply.queued with its position, then its tokens', async () => {
    const guests = await Promise.all([newGuest(t.app), newGuest(t.app), newGuest(t.app)]);
    const sockets = await Promise.all(guests.map((g) => openSocket(t.wsBase, g.chatId, { token: g.token })));
    try {
      const replies = await Promise.all(
        guests.map((g) =>
          t.app.inject({
            method: 'POST',
            url: '/api/messages',
            headers: g.auth,
            payload: { chatId: g.chatId, content: 'Tell me about sleep.', clientId: newClientId() },
          }),
        ),
      );
      for (const r of replies) assert.equal(r.statusCode, 200, r.body);
      const queued = sockets.flatMap((s) => s.events.filter((e) => e.type === 'reply.queued')) as unknown as Array<{
        position: number;
        ahead: number;
      }>;
      assert.ok(
        queued.some((e) => e.position >= 1 && e.ahead >= 1),
        JSON.stringify(sockets.map((s) => s.events.map((e) => e.type))),
      );
      assert.ok(
        queued.some((e) => e.position === 0),
        'the waiting reply was told when it started',
      );
    } finally {
      for (const s of sockets) s.ws.close();
    }
  });
});
