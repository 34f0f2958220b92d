/**
 * Conversations over HTTP against the real app (SQLite, and MongoDB when configured): create or
 * resume (guests included), cursor pages both ways, ownership (another principal's chat is a 404
 * everywhere), delete with messages, the SSE stream, and bad input that changes nothing.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import type { MessageDoc } from '../../engines/storage/collections.js';
import {
  chatTestEngines,
  createChatTestApp,
  newClientId,
  newGuest,
  newUser,
  type ChatTestApp,
} from './chat.test-helpers.js';

async function seedMessages(t: ChatTestApp, chatId: string, n: number, sameInstant = false): Promise<MessageDoc[]> {
  const base = Date.now() - n * 1000;
  const docs: MessageDoc[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(sameInstant ? base : base + i * 1000);
    const doc: MessageDoc = {
      id: uuidv7(),
      chatId,
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `message ${i}`,
      status: 'complete',
      clientId: i % 2 === 0 ? `seed-${uuidv7()}` : null,
      replyTo: null,
      createdAt: at,
      updatedAt: at,
    };
    docs.push(await t.app.storage.messages.insert(doc));
  }
  return docs;
}

for (const engine of chatTestEngines) {
  describe(`chats API (${engine})`, () => {
    let t: ChatTestApp;
    before(async () => {
      t = await createChatTestApp(engine, {}, { model: false });
    });
    after(() => t.close());

    it('a request without a token creates a guest session and its chat (201, token in body and header)', async () => {
      const g = await newGuest(t.app);
      const res = await t.app.inject({ method: 'GET', url: `/api/chats/${g.chatId}`, headers: g.auth });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().id, g.chatId);
      assert.equal(res.json().title, '');
    });

    it('resumes an existing chat by id (200) and creates one with a client-made id (201)', async () => {
      const u = await newUser(t.app);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/chats',
        headers: u.auth,
        payload: { chatId: u.chatId },
      });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().chat.id, u.chatId);
      assert.equal(again.json().chat.title, 'Test chat');
      assert.equal(again.json().guestToken, undefined);
      const offlineId = uuidv7();
      const made = await t.app.inject({
        method: 'POST',
        url: '/api/chats',
        headers: u.auth,
        payload: { chatId: offlineId, title: 'Offline' },
      });
      assert.equal(made.statusCode, 201);
      assert.equal(made.json().chat.id, offlineId);
      // Concurrent creates of one client-made id: one chat, both answered.
      const id2 = uuidv7();
      const both = await Promise.all(
        [1, 2].map(() =>
          t.app.inject({ method: 'POST', url: '/api/chats', headers: u.auth, payload: { chatId: id2 } }),
        ),
      );
      assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 201]);
    });

    it('lists chats newest activity first, paginated by cursor without gaps or repeats', async () => {
      const u = await newUser(t.app);
      const ids = [u.chatId];
      for (let i = 0; i < 6; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/chats',
          headers: u.auth,
          payload: { title: `c${i}` },
        });
        ids.push(r.json().chat.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/chats?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.app.inject({ method: 'GET', url, headers: u.auth });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        seen.push(...body.items.map((c: { id: string }) => c.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...ids].reverse(), 'newest first, each once');
      // Another user sees none of them.
      const other = await newUser(t.app);
      const theirs = await t.app.inject({ method: 'GET', url: '/api/chats?limit=100', headers: other.auth });
      assert.deepEqual(
        theirs.json().items.map((c: { id: string }) => c.id),
        [other.chatId],
      );
    });

    it("another principal's chat is a 404 on every route, and is left unchanged", async () => {
      const a = await newUser(t.app);
      const b = await newUser(t.app);
      const guest = await newGuest(t.app);
      await seedMessages(t, a.chatId, 3);
      for (const intruder of [b.auth, guest.auth]) {
        for (const [method, url] of [
          ['GET', `/api/chats/${a.chatId}`],
          ['GET', `/api/chats/${a.chatId}/messages`],
          ['DELETE', `/api/chats/${a.chatId}`],
        ] as const) {
          const res = await t.app.inject({ method, url, headers: intruder });
          assert.equal(res.statusCode, 404, `${method} ${url}`);
          assert.equal(res.json().type, 'not_found');
          assert.equal(res.json().detail, 'No such chat.', 'same answer as a chat that does not exist');
        }
        const resume = await t.app.inject({
          method: 'POST',
          url: '/api/chats',
          headers: intruder,
          payload: { chatId: a.chatId },
        });
        assert.equal(resume.statusCode, 404);
        const send = await t.app.inject({
          method: 'POST',
          url: '/api/messages',
          headers: intruder,
          payload: { chatId: a.chatId, content: 'hi', clientId: newClientId() },
        });
        assert.equal(send.statusCode, 404);
      }
      const missing = await t.app.inject({ method: 'GET', url: `/api/chats/${uuidv7()}`, headers: b.auth });
      assert.equal(missing.json().detail, 'No such chat.');
      const mine = await t.app.inject({ method: 'GET', url: `/api/chats/${a.chatId}/messages`, headers: a.auth });
      assert.equal(mine.json().items.length, 3, 'nothing changed');
    });

    it('messages page both ways by (createdAt, id), equal timestamps included', async () => {
      const u = await newUser(t.app);
      const docs = [...(await seedMessages(t, u.chatId, 7)), ...(await seedMessages(t, u.chatId, 5, true))];
      const all = [...docs].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : 1));
      const get = async (q: string) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/chats/${u.chatId}/messages${q}`, headers: u.auth });
        assert.equal(res.statusCode, 200, res.body);
        return res.json();
      };
      // Newest page, then older pages with `before`.
      const newest = await get('?limit=5');
      assert.deepEqual(
        newest.items.map((m: { id: string }) => m.id),
        all.slice(-5).map((m) => m.id),
      );
      assert.equal(newest.hasMoreBefore, true);
      assert.equal(newest.hasMoreAfter, false);
      const older: string[] = [];
      let before = newest.before;
      let more = true;
      while (more) {
        const page = await get(`?limit=5&before=${before}`);
        older.unshift(...page.items.map((m: { id: string }) => m.id));
        before = page.before;
        more = page.hasMoreBefore;
        assert.equal(page.hasMoreAfter, true);
      }
      assert.deepEqual(
        [...older, ...newest.items.map((m: { id: string }) => m.id)],
        all.map((m) => m.id),
      );
      // Forward from the oldest with `after`.
      const first = await get(`?limit=1&before=${newest.before}`);
      const forward: string[] = [];
      let afterCursor = (await get(`?limit=100`)).before; // cursor of the oldest message
      forward.push(all[0]!.id);
      for (;;) {
        const page = await get(`?limit=4&after=${afterCursor}`);
        forward.push(...page.items.map((m: { id: string }) => m.id));
        if (!page.hasMoreAfter) break;
        afterCursor = page.after;
      }
      assert.deepEqual(
        forward,
        all.map((m) => m.id),
      );
      assert.equal(first.items.length, 1);
    });

    it('bad cursors, limits and unknown fields are 400s and change nothing', async () => {
      const u = await newUser(t.app);
      const bad = [
        `/api/chats/${u.chatId}/messages?before=not-a-cursor`,
        `/api/chats/${u.chatId}/messages?after=${Buffer.from('12.x/../y').toString('base64url')}`,
        `/api/chats/${u.chatId}/messages?limit=0`,
        `/api/chats/${u.chatId}/messages?limit=101`,
        `/api/chats/${u.chatId}/messages?limit=abc`,
        `/api/chats/${u.chatId}/messages?before=${'a'.repeat(300)}`,
        `/api/chats/${u.chatId}/messages?before=AAAA&after=AAAA`,
        `/api/chats/${u.chatId}/messages?sort=desc`,
        `/api/chats/${u.chatId}/messages?before[$gt]=`,
        `/api/chats?cursor=%7B%22%24gt%22%3A%22%22%7D`,
        `/api/chats?limit=-1`,
        `/api/chats/${encodeURIComponent('{"$gt":""}')}`,
        `/api/chats/..%2F..%2Fetc`,
      ];
      for (const url of bad) {
        const res = await t.app.inject({ method: 'GET', url, headers: u.auth });
        assert.ok(res.statusCode === 400, `${url} → ${res.statusCode} ${res.body}`);
        assert.match(String(res.headers['content-type']), /problem\+json/);
      }
      for (const payload of [
        { title: { $gt: '' } },
        { chatId: { $ne: null } },
        { title: 'x', extra: 1 },
        { title: 'x'.repeat(201) },
        { title: '' },
        { chatId: 'has spaces' },
        [],
        '"text"',
        '{"title": "x", "__proto__": {"admin": true}}',
      ]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/chats',
          headers: { ...u.auth, 'content-type': 'application/json' },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        });
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)} → ${res.body}`);
      }
      const list = await t.app.inject({ method: 'GET', url: '/api/chats?limit=100', headers: u.auth });
      assert.equal(list.json().items.length, 1, 'no chat was created by a bad request');
      const noAuth = await t.app.inject({ method: 'GET', url: '/api/chats' });
      assert.equal(noAuth.statusCode, 401);
      const badToken = await t.app.inject({
        method: 'GET',
        url: '/api/chats',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(badToken.statusCode, 401);
    });

    it('DELETE removes the chat and its messages; afterwards it is a 404', async () => {
      const u = await newUser(t.app);
      await seedMessages(t, u.chatId, 4);
      const del = await t.app.inject({ method: 'DELETE', url: `/api/chats/${u.chatId}`, headers: u.auth });
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      assert.equal(await t.app.storage.messages.count({ chatId: u.chatId }), 0);
      const after = await t.app.inject({ method: 'GET', url: `/api/chats/${u.chatId}`, headers: u.auth });
      assert.equal(after.statusCode, 404);
      const again = await t.app.inject({ method: 'DELETE', url: `/api/chats/${u.chatId}`, headers: u.auth });
      assert.equal(again.statusCode, 404);
    });

    it('GET /api/chats/:id with Accept: text/event-stream streams its changes (SSE)', async () => {
      const u = await newUser(t.app);
      const url = new URL(`${t.base}/api/chats/${u.chatId}`);
      const received: string[] = [];
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(url, { headers: { ...u.auth, accept: 'text/event-stream' } }, resolve);
        req.on('error', reject);
        req.end();
      });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/event-stream/);
      const ended = new Promise<void>((resolve) => res.on('end', resolve));
      let buffer = '';
      const gotEvent = (name: string) =>
        new Promise<void>((resolve) => {
          const check = () => (received.includes(name) ? resolve() : setTimeout(check, 10));
          check();
        });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const ev = /^event: (.+)$/m.exec(block)?.[1];
          if (ev) received.push(ev);
        }
      });
      await gotEvent('chat');
      // No model here: the send stores the message and a failed reply; the stream shows both.
      const send = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: u.auth,
        payload: { chatId: u.chatId, content: 'Is a runny nose a worry?', clientId: newClientId() },
      });
      assert.equal(send.statusCode, 503);
      await gotEvent('message.failed');
      assert.deepEqual(received.slice(0, 3), ['chat', 'message.created', 'chat.updated']);
      assert.ok(received.includes('message.created'));
      // Another user cannot open the stream.
      const other = await newUser(t.app);
      const denied = await t.app.inject({
        method: 'GET',
        url: `/api/chats/${u.chatId}`,
        headers: { ...other.auth, accept: 'text/event-stream' },
      });
      assert.equal(denied.statusCode, 404);
      // Deleting the chat ends the stream.
      await t.app.inject({ method: 'DELETE', url: `/api/chats/${u.chatId}`, headers: u.auth });
      await ended;
      assert.equal(received[received.length - 1], 'chat.deleted');
    });

    it('a guest chat expires with the guest session', async () => {
      const g = await newGuest(t.app);
      const doc = await t.app.storage.chats.get(g.chatId);
      assert.ok(doc?.expiresAt instanceof Date);
      assert.ok(doc.expiresAt.getTime() > Date.now());
      const u = await newUser(t.app);
      assert.equal((await t.app.storage.chats.get(u.chatId))?.expiresAt ?? null, null);
    });
  });
}
