/**
 * `WS /ws/chats/:chatId` over real WebSockets (the `ws` client) against the real app and the real
 * llama.cpp engine with the tiny GGUF (long replies, so that stop and reconnect happen mid-stream):
 * refusal codes, streaming order, stop keeping partial text, resume after a reconnect without a
 * lost token, idempotent sends, bad frames, ownership of stop/resume, hot swap under load, model
 * load progress. The backpressure policy is unit-tested at the end with a FAKE socket whose send
 * buffer the test controls (a real slow TCP reader cannot be arranged deterministically).
 */
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import type { MessageService } from './message.service.js';
import { ChatHub } from './chat-hub.js';
import { ChatSocket } from './chat.socket.js';
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
  type TestSocket,
  type WsEvent,
} from './chat.test-helpers.js';

const LONG = { MAX_REPLY_TOKENS: '1500', LLAMA_PARALLEL: '4', REPLY_SOFT_LIMIT_WORDS: '0', REPLY_MAX_REPEATS: '0' };
type Msg = { id: string; role: string; status: string; content: string; model: string | null; chatId: string };
const msgOf = (e: WsEvent) => e.message as Msg;
const isAssistantCreated = (e: WsEvent) => e.type === 'message.created' && msgOf(e).role === 'assistant';
const endOf = (id: string) => (e: WsEvent) =>
  (e.type === 'message.completed' || e.type === 'message.failed') && msgOf(e).id === id;

async function stored(t: ChatTestApp, auth: Record<string, string>, chatId: string): Promise<Msg[]> {
  const res = await t.app.inject({ method: 'GET', url: `/api/chats/${chatId}/messages?limit=100`, headers: auth });
  return res.json().items;
}

/** Wait until the socket has seen at least `n` token events for `id`. */
const tokensSeen = (s: TestSocket, id: string, n: number) =>
  s.next(() => s.events.filter((e) => e.type === 'token' && e.messageId === id).length >= n);

for (const engine of chatTestEngines) {
  describe(`chat WebSocket (${engine})`, () => {
    let t: ChatTestApp;
    before(async () => {
      t = await createChatTestApp(engine, LONG);
    });
    after(() => t.close());

    it('refuses a missing or bad token with 4401 and a foreign or unknown chat with 4404, sending nothing', async () => {
      const a = await newUser(t.app);
      const b = await newUser(t.app);
      const guest = await newGuest(t.app);
      const cases: Array<[string, { token?: string; header?: string }, number]> = [
        [a.chatId, {}, 4401],
        [a.chatId, { token: 'not-a-token' }, 4401],
        [a.chatId, { header: 'Bearer nope' }, 4401],
        [a.chatId, { token: b.accessToken }, 4404],
        [a.chatId, { token: guest.token }, 4404],
        [guest.chatId, { header: a.auth.authorization }, 4404],
        ['00000000-0000-7000-8000-000000000000', { token: a.accessToken }, 4404],
        ['bad id!', { token: a.accessToken }, 4404],
      ];
      for (const [chatId, auth, code] of cases) {
        const s = await openSocket(t.wsBase, encodeURIComponent(chatId), auth, { waitReady: false });
        const closed = await s.closed;
        assert.equal(closed.code, code, `${chatId} ${JSON.stringify(auth).slice(0, 30)}`);
        assert.deepEqual(s.events, [], 'nothing of the chat is sent');
      }
      // Header and query token both work for the owner; a guest streams its own chat.
      for (const s of [
        await openSocket(t.wsBase, a.chatId, { header: a.auth.authorization }),
        await openSocket(t.wsBase, a.chatId, { token: a.accessToken }),
        await openSocket(t.wsBase, guest.chatId, { token: guest.token }),
      ]) {
        assert.equal(s.events[0]!.type, 'ready');
        await s.close();
      }
    });

    it('after a sign-out everywhere, the open socket is closed with 4401 on its next frame; nothing is stored', async () => {
      const u = await newUser(t.app);
      const s = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      s.send({ type: 'ping' });
      await s.next((e) => e.type === 'pong');
      const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: u.auth });
      assert.equal(out.statusCode, 204);
      s.send({ type: 'send', content: 'Is this still going through?', clientId: newClientId() });
      const closed = await Promise.race([
        s.closed,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the socket stayed open')), 10_000)),
      ]);
      assert.equal(closed.code, 4401);
      assert.equal(closed.reason, 'session ended');
      assert.equal(await t.app.storage.messages.count({ chatId: u.chatId }), 0, 'the send was not stored');
    });

    it('streams a reply in order to every subscriber: created, tokens seq 0..n, completed = their concatenation', async () => {
      const u = await newUser(t.app);
      const s1 = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      const s2 = await openSocket(t.wsBase, u.chatId, { header: u.auth.authorization });
      const clientId = newClientId();
      s1.send({ type: 'send', content: 'Please explain what a normal resting heart rate is.', clientId });
      const created = await s1.next(isAssistantCreated);
      const id = msgOf(created).id;
      await tokensSeen(s1, id, 5);
      s1.send({ type: 'stop', messageId: id });
      const end1 = await s1.next(endOf(id));
      const end2 = await s2.next(endOf(id));
      for (const [s, end] of [
        [s1, end1],
        [s2, end2],
      ] as const) {
        const types = s.events.map((e) => e.type);
        const userCreated = types.indexOf('message.created');
        assert.equal(msgOf(s.events[userCreated]!).role, 'user');
        assert.equal((s.events[userCreated]!.message as { clientId: string }).clientId, clientId);
        const firstToken = types.indexOf('token');
        assert.ok(s.events.indexOf(created) < firstToken || s !== s1);
        assert.ok(types.lastIndexOf('token') < s.events.indexOf(end), 'all tokens before the end');
        const { seqs, text } = tokensOf(s.events, id);
        assert.deepEqual(
          seqs,
          seqs.map((_, i) => i),
          'seq 0..n, none lost or repeated',
        );
        assert.equal(text, msgOf(end).content);
      }
      assert.equal(msgOf(end1).content, msgOf(end2).content);
      await s1.close();
      await s2.close();
    });

    it('stop keeps what was generated (status stopped); retry regenerates it', async () => {
      const u = await newUser(t.app);
      const s = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      s.send({ type: 'send', content: 'Tell me everything about vitamins.', clientId: newClientId() });
      const id = msgOf(await s.next(isAssistantCreated)).id;
      await tokensSeen(s, id, 3);
      s.send({ type: 'stop', messageId: id });
      const end = await s.next(endOf(id));
      assert.equal(end.type, 'message.completed');
      assert.equal(msgOf(end).status, 'stopped');
      assert.ok(msgOf(end).content.length > 0, 'partial text kept');
      assert.equal(msgOf(end).content, tokensOf(s.events, id).text);
      const db = await stored(t, u.auth, u.chatId);
      assert.equal(db[1]!.status, 'stopped');
      assert.equal(db[1]!.content, msgOf(end).content);
      // Stop again: a no-op answering the stored message.
      const again = await t.app.inject({ method: 'POST', url: `/api/messages/${id}/stop`, headers: u.auth });
      assert.equal(again.json().status, 'stopped');
      // Retry (over HTTP), stopped in turn over HTTP once it streams.
      const before = s.events.length;
      const retry = t.app.inject({ method: 'POST', url: `/api/messages/${id}/retry`, headers: u.auth });
      await s.next((e) => s.events.indexOf(e) >= before && e.type === 'token' && e.messageId === id);
      const stop = await t.app.inject({ method: 'POST', url: `/api/messages/${id}/stop`, headers: u.auth });
      assert.equal(stop.statusCode, 200);
      const retried = (await retry).json();
      assert.equal(retried.id, id);
      assert.equal(retried.status, 'stopped');
      const reset = s.events.slice(before).find((e) => e.type === 'message.created');
      assert.equal(msgOf(reset!).id, id, 'the reset reply is announced with its id');
      assert.equal(msgOf(reset!).content, '');
      await s.next((e) => s.events.indexOf(e) >= before && endOf(id)(e));
      const retriedTokens = tokensOf(s.events.slice(before), id);
      assert.equal(retriedTokens.seqs[0], 0, 'the new generation streams from seq 0');
      assert.equal(retriedTokens.text, retried.content);
      await s.close();
    });

    it('resume after a reconnect replays the missed tokens: no token lost, none repeated', async () => {
      const u = await newUser(t.app);
      const first = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      first.send({ type: 'send', content: 'What should I pack in a first aid kit?', clientId: newClientId() });
      const id = msgOf(await first.next(isAssistantCreated)).id;
      await tokensSeen(first, id, 4);
      await first.close();
      const got = tokensOf(first.events, id);
      const lastSeq = got.seqs[got.seqs.length - 1]!;
      // Tokens keep coming while nobody listens.
      await new Promise((r) => setTimeout(r, 150));
      const second = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      const ready = second.events[0]!;
      const active = (ready.active as Array<{ messageId: string; seq: number }>).find((a) => a.messageId === id);
      assert.ok(active && active.seq > lastSeq, 'the ready event lists the running generation');
      second.send({ type: 'resume', messageId: id, afterSeq: lastSeq });
      const replay = await second.next((e) => e.type === 'token' && e.messageId === id);
      assert.ok((replay.seq as number) > lastSeq + 1, 'the missed tokens come in one frame');
      await tokensSeen(second, id, 3);
      second.send({ type: 'stop', messageId: id });
      const end = await second.next(endOf(id));
      const rest = tokensOf(second.events, id);
      assert.equal(got.text + rest.text, msgOf(end).content, 'before + after the reconnect = the stored reply');
      // Resume of a finished reply: the remainder (nothing) and the final message.
      const third = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      third.send({ type: 'resume', messageId: id, afterSeq: -1 });
      const final = await third.next(endOf(id));
      assert.equal(msgOf(final).content, msgOf(end).content);
      assert.equal(tokensOf(third.events, id).text, msgOf(end).content, 'from -1: the whole text');
      await second.close();
      await third.close();
    });

    it('an idempotent send over the socket: a repeated frame stores nothing new and follows the same reply', async () => {
      const u = await newUser(t.app);
      const s = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      const frame = { type: 'send', content: 'Is coffee dehydrating?', clientId: newClientId() };
      s.send(frame);
      s.send(frame);
      const id = msgOf(await s.next(isAssistantCreated)).id;
      await tokensSeen(s, id, 2);
      s.send(frame); // after a "reconnect": the same pair, and the socket follows it
      s.send({ type: 'stop', messageId: id });
      await s.next(endOf(id));
      const db = await stored(t, u.auth, u.chatId);
      assert.equal(db.length, 2);
      assert.equal(s.events.filter(isAssistantCreated).length, 1);
      await s.close();
    });

    it('bad frames get error events and change nothing; the socket stays up; oversize closes with 1009', async () => {
      const u = await newUser(t.app);
      const s = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      const frames: Array<[unknown, string]> = [
        ['not json', 'malformed_json'],
        ['{"type":', 'malformed_json'],
        [{ type: 'send' }, 'validation_failed'],
        [{ type: 'send', content: 'hi' }, 'validation_failed'],
        [{ type: 'send', content: { $gt: '' }, clientId: newClientId() }, 'validation_failed'],
        [{ type: 'send', content: 'hi', clientId: newClientId(), chatId: 'other' }, 'validation_failed'],
        [{ type: 'send', content: 'x'.repeat(8001), clientId: newClientId() }, 'validation_failed'],
        [{ type: 'send', content: '  ', clientId: newClientId() }, 'validation_failed'],
        [{ type: 'stop' }, 'validation_failed'],
        [{ type: 'resume', messageId: 'x', afterSeq: 'a' }, 'validation_failed'],
        [{ type: 'resume', messageId: 'x', afterSeq: -2 }, 'validation_failed'],
        [{ type: 'explode' }, 'validation_failed'],
        [[1, 2, 3], 'validation_failed'],
        [null, 'validation_failed'],
        [{ type: 'stop', messageId: '00000000-0000-7000-8000-000000000000' }, 'not_found'],
        [{ type: 'resume', messageId: '00000000-0000-7000-8000-000000000000', afterSeq: 0 }, 'not_found'],
      ];
      for (const [frame, type] of frames) {
        const before = s.events.length;
        s.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        const err = await s.next((e) => s.events.indexOf(e) >= before && e.type === 'error');
        assert.equal((err.error as { type: string }).type, type, JSON.stringify(frame)?.slice(0, 60));
      }
      s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await s.next((e) => e.type === 'error' && (e.error as { type: string }).type === 'unsupported_media_type');
      s.send({ type: 'ping' });
      await s.next((e) => e.type === 'pong');
      assert.equal((await stored(t, u.auth, u.chatId)).length, 0, 'nothing stored');
      s.send(JSON.stringify({ type: 'send', content: 'x', clientId: newClientId(), pad: 'x'.repeat(70 * 1024) }));
      assert.equal((await s.closed).code, 1009);
      assert.equal((await stored(t, u.auth, u.chatId)).length, 0);
    });

    it("stop and resume frames for another principal's message are not_found, and its generation goes on", async () => {
      const a = await newUser(t.app);
      const b = await newUser(t.app);
      const sa = await openSocket(t.wsBase, a.chatId, { token: a.accessToken });
      const sb = await openSocket(t.wsBase, b.chatId, { token: b.accessToken });
      sa.send({ type: 'send', content: 'How do I treat a blister?', clientId: newClientId() });
      const id = msgOf(await sa.next(isAssistantCreated)).id;
      await tokensSeen(sa, id, 2);
      sb.send({ type: 'stop', messageId: id });
      sb.send({ type: 'resume', messageId: id, afterSeq: -1 });
      const errs = [
        await sb.next((e) => e.type === 'error' && e.messageId === id),
        await sb.next(
          (e) => e.type === 'error' && e.messageId === id && sb.events.filter((x) => x.type === 'error').length >= 2,
        ),
      ];
      for (const e of errs) assert.equal((e.error as { type: string }).type, 'not_found');
      assert.equal(tokensOf(sb.events, id).text, '', 'no token of A reached B');
      const foreignStop = await t.app.inject({ method: 'POST', url: `/api/messages/${id}/stop`, headers: b.auth });
      assert.equal(foreignStop.statusCode, 404);
      await tokensSeen(sa, id, 6); // still generating
      sa.send({ type: 'stop', messageId: id });
      assert.equal(msgOf(await sa.next(endOf(id))).status, 'stopped');
      await sa.close();
      await sb.close();
    });

    it('deleting the chat stops its generation and closes its sockets with 4410', async () => {
      const u = await newUser(t.app);
      const s = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      s.send({ type: 'send', content: 'Explain blood pressure numbers.', clientId: newClientId() });
      const id = msgOf(await s.next(isAssistantCreated)).id;
      await tokensSeen(s, id, 2);
      const del = await t.app.inject({ method: 'DELETE', url: `/api/chats/${u.chatId}`, headers: u.auth });
      assert.equal(del.statusCode, 204);
      assert.equal((await s.closed).code, 4410);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await t.app.storage.messages.count({ chatId: u.chatId }), 0, 'no reply stored after the delete');
      assert.equal(t.app.services.messages.runningCount, 0);
    });

    it('hot swap: switching model mid-stream does not interrupt the reply in flight; both complete', async () => {
      const u = await newUser(t.app);
      const pathB = join(t.dataDir, 'tiny-b.gguf');
      await copyFile(await ensureTinyGguf(), pathB);
      const modelB = await addModel(t.app, { name: `tiny-b-${engine}`, path: pathB });
      const s = await openSocket(t.wsBase, u.chatId, { token: u.accessToken });
      s.send({ type: 'send', content: 'First question, on model A.', clientId: newClientId() });
      const idA = msgOf(await s.next(isAssistantCreated)).id;
      await tokensSeen(s, idA, 3);
      const use = await t.app.inject({
        method: 'POST',
        url: '/api/models/use',
        headers: u.auth,
        payload: { modelId: modelB.id },
      });
      assert.equal(use.statusCode, 200);
      assert.equal(use.json().model.name, modelB.name);
      const before = tokensOf(s.events, idA).seqs.length;
      s.send({ type: 'send', content: 'Second question, on model B.', clientId: newClientId() });
      const idB = msgOf(await s.next((e) => isAssistantCreated(e) && msgOf(e).id !== idA)).id;
      // B loads (progress events) and streams while A keeps streaming.
      await tokensSeen(s, idB, 3);
      assert.ok(s.events.some((e) => e.type === 'model.progress' && e.messageId === idB && e.model === modelB.name));
      assert.ok(tokensOf(s.events, idA).seqs.length > before, 'A kept streaming during the swap');
      s.send({ type: 'stop', messageId: idA });
      s.send({ type: 'stop', messageId: idB });
      const endA = msgOf(await s.next(endOf(idA)));
      const endB = msgOf(await s.next(endOf(idB)));
      assert.equal(endA.model, t.model.name);
      assert.equal(endB.model, modelB.name);
      for (const end of [endA, endB]) {
        assert.equal(end.status, 'stopped', 'neither failed');
        assert.equal(end.content, tokensOf(s.events, end.id).text);
      }
      await t.app.inject({ method: 'POST', url: '/api/models/use', headers: u.auth, payload: { modelId: null } });
      await s.close();
    });
  });
}

describe('chat WebSocket backpressure (FAKE socket: the test sets its send buffer)', () => {
  class FakeSocket {
    readonly OPEN = 1;
    readyState = 1;
    bufferedAmount = 0;
    sent: WsEvent[] = [];
    closedWith: number | null = null;
    private handlers = new Map<string, (...a: unknown[]) => void>();
    on(ev: string, fn: (...a: unknown[]) => void) {
      this.handlers.set(ev, fn);
      return this;
    }
    send(data: string) {
      this.sent.push(JSON.parse(data));
    }
    close(code: number) {
      this.closedWith = code;
      this.readyState = 3;
    }
  }
  const sender = { id: 'u1', kind: 'user' as const, sessionId: 's', userId: 'u1', role: 'patient' as const };

  it('an idle socket re-checks its session and closes with 4401 once it has ended; a failed check keeps it', async () => {
    const hub = new ChatHub({ retainMs: 1000 });
    const fake = new FakeSocket();
    let answer: boolean | Error = true;
    let checks = 0;
    const socket = new ChatSocket(fake as unknown as WebSocket, 'c1', sender, {
      hub,
      messages: {} as MessageService,
      limits: { highWaterBytes: 1000, hardLimitBytes: 5000, framesPer10s: 100, sessionCheckMs: 15 },
      sessionLive: async () => {
        checks++;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    socket.start();
    const waitChecks = async (n: number) => {
      const target = checks + n;
      while (checks < target) await new Promise((r) => setTimeout(r, 5));
    };
    await waitChecks(2);
    answer = new Error('storage hiccup');
    await waitChecks(2);
    assert.equal(fake.closedWith, null, 'still open while live, and when a check fails');
    answer = false;
    await waitChecks(1);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(fake.closedWith, 4401);
    const after = checks;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(checks, after, 'no more checks once closed');
  });

  it('skips token frames while the buffer is high, then sends everything missed in one frame; closes 1013 past the hard limit', async () => {
    const hub = new ChatHub({ retainMs: 1000 });
    const fake = new FakeSocket();
    const socket = new ChatSocket(fake as unknown as WebSocket, 'c1', sender, {
      hub,
      messages: {} as MessageService,
      limits: { highWaterBytes: 1000, hardLimitBytes: 5000, framesPer10s: 100 },
    });
    socket.start();
    const stream = hub.startStream('c1', 'm1');
    hub.publish('c1', {
      type: 'message.created',
      message: { id: 'm1', role: 'assistant', status: 'pending' } as never,
    });
    hub.append(stream, 'a');
    fake.bufferedAmount = 2000; // slow reader
    hub.append(stream, 'b');
    hub.append(stream, 'c');
    const tokens = () => fake.sent.filter((e) => e.type === 'token');
    assert.deepEqual(
      tokens().map((e) => [e.seq, e.text]),
      [[0, 'a']],
    );
    fake.bufferedAmount = 0; // drained
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(
      tokens().map((e) => [e.seq, e.text]),
      [
        [0, 'a'],
        [2, 'bc'],
      ],
    );
    hub.append(stream, 'd');
    assert.deepEqual(tokens().at(-1), { type: 'token', messageId: 'm1', seq: 3, text: 'd' });
    fake.bufferedAmount = 6000; // not reading at all
    hub.append(stream, 'e');
    assert.equal(fake.closedWith, 1013);
    hub.close();
  });

  it('the end of a stream is flushed even to a slow socket, before the final event', () => {
    const hub = new ChatHub({ retainMs: 1000 });
    const fake = new FakeSocket();
    new ChatSocket(fake as unknown as WebSocket, 'c1', sender, {
      hub,
      messages: {} as MessageService,
      limits: { highWaterBytes: 1000, hardLimitBytes: 1e9, framesPer10s: 100 },
    }).start();
    const stream = hub.startStream('c1', 'm1');
    hub.publish('c1', {
      type: 'message.created',
      message: { id: 'm1', role: 'assistant', status: 'pending' } as never,
    });
    fake.bufferedAmount = 2000;
    hub.append(stream, 'x');
    hub.append(stream, 'y');
    hub.end(stream, { type: 'message.completed', message: { id: 'm1', content: 'xy' } as never });
    assert.deepEqual(
      fake.sent.slice(-2).map((e) => e.type),
      ['token', 'message.completed'],
    );
    assert.equal(fake.sent.at(-2)!.text, 'xy');
    fake.bufferedAmount = 0;
    hub.close();
  });
});
