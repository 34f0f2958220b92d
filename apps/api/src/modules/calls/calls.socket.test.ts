/**
 * Call signalling over the real Socket.IO server, on the real app listening on a loopback port,
 * with socket.io-client as the browsers: the handshake refuses a missing, forged or guest token
 * with a clear `connect_error`; clinicians get the waiting list live and patients do not; an answer
 * starts the call on both sides with the configured ICE servers; offers, answers and candidates
 * reach the other member only, and a stranger, an unknown call, a malformed or oversized SDP are
 * refused with nothing relayed; hang-up and a dropped connection end the call for the other side.
 * The chat's own WebSocket (@fastify/websocket) still upgrades next to it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import {
  CallEvents,
  MAX_SDP_CHARS,
  type CallAck,
  type CallEnded,
  type CallSignal,
  type CallStarted,
  type WaitingCalls,
} from '@medichat/shared';
import type { TestApp } from '../../testing/test-app.js';
import { createIdentityTestApp, registerAccount, type Account } from '../account/auth.test-helpers.js';

const ICE = [{ urls: 'stun:stun.example.test:3478' }];

/** The ack accepted the event (with the refusal in the message: assert.ok's own message reads the source, slowly). */
function accepted(ack: CallAck): asserts ack is Extract<CallAck, { ok: true }> {
  assert.equal(ack.ok, true, `refused: ${JSON.stringify(ack)}`);
}

interface Client {
  socket: Socket;
  /** Every event received, by name. */
  got: Map<string, unknown[]>;
  /** The next event `name` (one already received and not yet taken counts). */
  next<T>(name: string, timeoutMs?: number): Promise<T>;
  emit(event: string, payload?: unknown): Promise<CallAck>;
}

describe('calls: Socket.IO signalling', () => {
  let t: TestApp;
  let base = '';
  let patient: Account;
  let otherPatient: Account;
  let clinician: Account;
  let admin: Account;
  const clients: Client[] = [];

  before(async () => {
    t = await createIdentityTestApp('sqlite', { ICE_SERVERS: JSON.stringify(ICE) });
    patient = await registerAccount(t.app, { displayName: 'Pat Patient' });
    otherPatient = await registerAccount(t.app, { displayName: 'Olly Other' });
    clinician = await registerAccount(t.app, { displayName: 'Dr Cleo' });
    admin = await registerAccount(t.app, { displayName: 'Ada Admin' });
    await t.app.services.users.setRole(clinician.userId, 'clinician', new Date());
    await t.app.services.users.setRole(admin.userId, 'admin', new Date());
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    assert.ok(address && typeof address === 'object', 'listening on a port');
    base = `http://127.0.0.1:${address.port}`;
  });

  after(async () => {
    for (const c of clients) c.socket.disconnect();
    await t.close();
  });

  function open(token: string | undefined, transports: string[] = ['websocket']): Client {
    const socket = connect(base, {
      path: '/socket.io',
      transports,
      reconnection: false,
      forceNew: true,
      ...(token === undefined ? {} : { auth: { token } }),
    });
    const got = new Map<string, unknown[]>();
    const waiters = new Map<string, Array<(v: unknown) => void>>();
    socket.onAny((name: string, payload: unknown) => {
      const w = waiters.get(name)?.shift();
      if (w) w(payload);
      else got.set(name, [...(got.get(name) ?? []), payload]);
    });
    const client: Client = {
      socket,
      got,
      next<T>(name: string, timeoutMs = 3000) {
        const queued = got.get(name);
        if (queued?.length) return Promise.resolve(queued.shift() as T);
        return new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
          waiters.set(name, [
            ...(waiters.get(name) ?? []),
            (v) => {
              clearTimeout(timer);
              resolve(v as T);
            },
          ]);
        });
      },
      emit(event, payload) {
        return socket.timeout(3000).emitWithAck(event, payload) as Promise<CallAck>;
      },
    };
    clients.push(client);
    return client;
  }

  async function connected(token: string): Promise<Client> {
    const c = open(token);
    await new Promise<void>((resolve, reject) => {
      c.socket.once('connect', () => resolve());
      c.socket.once('connect_error', reject);
    });
    return c;
  }

  function refusal(token: string | undefined): Promise<{ message: string; data?: { code: string; message: string } }> {
    const c = open(token);
    return new Promise((resolve, reject) => {
      c.socket.once('connect', () => reject(new Error('connected without a valid user token')));
      c.socket.once('connect_error', (err) => resolve(err as Error & { data?: { code: string; message: string } }));
    });
  }

  /** No `name` arrives on `c` within a short while. */
  async function nothing(c: Client, name: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c.got.get(name)?.length ?? 0, 0, `${name} must not have been relayed`);
  }

  it(
    'refuses a connection without a token, with a forged one, and with a guest session',
    { timeout: 20_000 },
    async () => {
      const none = await refusal(undefined);
      assert.equal(none.message, 'unauthorized');
      assert.match(none.data!.message, /access token/);
      const forged = await refusal(`${patient.accessToken.slice(0, -4)}AAAA`);
      assert.equal(forged.message, 'unauthorized');
      const guest = await t.app.authenticator.createGuest({});
      const asGuest = await refusal(guest.token);
      assert.equal(asGuest.message, 'unauthorized');
      assert.match(asGuest.data!.message, /guest/);
    },
  );

  it('waiting list, answer, relay between the two members only, hang up', { timeout: 20_000 }, async () => {
    const doc = await connected(clinician.accessToken);
    assert.deepEqual(
      await doc.next<WaitingCalls>(CallEvents.waiting),
      { calls: [] },
      'a clinician gets the list on connect',
    );
    const pat = await connected(patient.accessToken);
    const stranger = await connected(otherPatient.accessToken);
    const boss = await connected(admin.accessToken);
    await boss.next<WaitingCalls>(CallEvents.waiting);

    // Patients do not see the list.
    const listed = await pat.emit(CallEvents.listWaiting);
    assert.equal(listed.ok, false);
    assert.equal(!listed.ok && listed.error.code, 'forbidden');

    const requested = await pat.emit(CallEvents.request, {});
    assert.equal(requested.ok, true);
    const callId = requested.ok ? requested.callId! : '';
    for (const c of [doc, boss]) {
      const live = await c.next<WaitingCalls>(CallEvents.waiting);
      assert.equal(live.calls.length, 1);
      assert.equal(live.calls[0]!.id, callId);
      assert.equal(live.calls[0]!.patientName, 'Pat Patient');
      assert.equal(live.calls[0]!.chatId, null);
    }
    const again = await pat.emit(CallEvents.request, {});
    assert.equal(!again.ok && again.error.code, 'busy', 'one call at a time');
    assert.equal(stranger.got.get(CallEvents.waiting)?.length ?? 0, 0);

    // Nobody answered: no relay yet; a patient cannot answer.
    const early = await pat.emit(CallEvents.signal, { callId, signal: { type: 'offer', sdp: 'v=0' } });
    assert.equal(!early.ok && early.error.code, 'not_waiting');
    const byPatient = await stranger.emit(CallEvents.answer, { callId });
    assert.equal(!byPatient.ok && byPatient.error.code, 'forbidden');

    const answered = await doc.emit(CallEvents.answer, { callId });
    assert.equal(answered.ok, true);
    const patStarted = await pat.next<CallStarted>(CallEvents.started);
    assert.deepEqual(patStarted, {
      callId,
      side: 'caller',
      peer: { displayName: 'Dr Cleo', role: 'clinician' },
      iceServers: ICE,
    });
    const docStarted = await doc.next<CallStarted>(CallEvents.started);
    assert.equal(docStarted.side, 'callee');
    assert.equal(docStarted.peer.displayName, 'Pat Patient');
    assert.deepEqual((await boss.next<WaitingCalls>(CallEvents.waiting)).calls, [], 'answered calls leave the list');
    const late = await boss.emit(CallEvents.answer, { callId });
    assert.equal(!late.ok && late.error.code, 'not_waiting');

    // Offer → clinician, answer → patient, candidates both ways.
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
    assert.equal((await pat.emit(CallEvents.signal, { callId, signal: offer })).ok, true);
    assert.deepEqual(await doc.next<CallSignal>(CallEvents.signal), { callId, signal: offer });
    const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;
    assert.equal((await doc.emit(CallEvents.signal, { callId, signal: answer })).ok, true);
    assert.deepEqual(await pat.next<CallSignal>(CallEvents.signal), { callId, signal: answer });
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    } as const;
    assert.equal((await doc.emit(CallEvents.signal, { callId, signal: candidate })).ok, true);
    assert.deepEqual(await pat.next<CallSignal>(CallEvents.signal), { callId, signal: candidate });

    // A stranger, an unknown call, malformed and oversized signals: refused, nothing relayed.
    const fromStranger = await stranger.emit(CallEvents.signal, { callId, signal: offer });
    assert.equal(!fromStranger.ok && fromStranger.error.code, 'not_member');
    const hangStranger = await stranger.emit(CallEvents.hangup, { callId });
    assert.equal(!hangStranger.ok && hangStranger.error.code, 'not_member');
    const unknown = await pat.emit(CallEvents.signal, { callId: 'no-such-call', signal: offer });
    assert.equal(!unknown.ok && unknown.error.code, 'unknown_call');
    for (const bad of [
      { callId, signal: { type: 'offer', sdp: 'x'.repeat(MAX_SDP_CHARS + 1) } },
      { callId, signal: { type: 'rollback' } },
      { callId, signal: { type: 'offer', sdp: 'v=0', extra: true } },
      { callId: { $gt: '' }, signal: offer },
      'not an object',
    ]) {
      const res = await pat.emit(CallEvents.signal, bad);
      assert.equal(!res.ok && res.error.code, 'invalid', JSON.stringify(bad).slice(0, 80));
    }
    await nothing(doc, CallEvents.signal);
    await nothing(pat, CallEvents.signal);

    // Hang up: the other side is told; the call is gone.
    assert.equal((await doc.emit(CallEvents.hangup, { callId })).ok, true);
    assert.deepEqual(await pat.next<CallEnded>(CallEvents.ended), { callId, reason: 'hangup' });
    const after = await pat.emit(CallEvents.signal, { callId, signal: offer });
    assert.equal(!after.ok && after.error.code, 'unknown_call');
    assert.equal(t.app.services.calls.size, 0);
    for (const c of [doc, pat, stranger, boss]) c.socket.disconnect();
  });

  it(
    'a patient can cancel while waiting; a dropped connection ends the call for the other side',
    { timeout: 20_000 },
    async () => {
      const doc = await connected(clinician.accessToken);
      await doc.next<WaitingCalls>(CallEvents.waiting);
      const pat = await connected(patient.accessToken);

      const first = await pat.emit(CallEvents.request, {});
      accepted(first);
      assert.equal((await doc.next<WaitingCalls>(CallEvents.waiting)).calls.length, 1);
      assert.equal((await pat.emit(CallEvents.hangup, { callId: first.callId })).ok, true);
      assert.deepEqual(
        (await doc.next<WaitingCalls>(CallEvents.waiting)).calls,
        [],
        'a cancelled call leaves the list',
      );

      const second = await pat.emit(CallEvents.request, {});
      accepted(second);
      await doc.next<WaitingCalls>(CallEvents.waiting);
      assert.equal((await doc.emit(CallEvents.answer, { callId: second.callId })).ok, true);
      await pat.next<CallStarted>(CallEvents.started);
      assert.deepEqual((await doc.next<WaitingCalls>(CallEvents.waiting)).calls, []);
      pat.socket.disconnect();
      assert.deepEqual(await doc.next<CallEnded>(CallEvents.ended), { callId: second.callId, reason: 'disconnect' });
      assert.equal(t.app.services.calls.size, 0);

      // A patient who drops while waiting leaves the list too.
      const pat2 = await connected(otherPatient.accessToken);
      accepted(await pat2.emit(CallEvents.request, {}));
      assert.equal((await doc.next<WaitingCalls>(CallEvents.waiting)).calls.length, 1);
      pat2.socket.disconnect();
      assert.deepEqual((await doc.next<WaitingCalls>(CallEvents.waiting)).calls, []);
      doc.socket.disconnect();
    },
  );

  it('links a call to the patient’s own chat only', { timeout: 20_000 }, async () => {
    const chat = await t.app.inject({ method: 'POST', url: '/api/chats', headers: patient.auth, payload: {} });
    assert.equal(chat.statusCode, 201, chat.body);
    const chatId = chat.json<{ chat: { id: string } }>().chat.id;
    const doc = await connected(clinician.accessToken);
    await doc.next<WaitingCalls>(CallEvents.waiting);
    const stranger = await connected(otherPatient.accessToken);
    const notTheirs = await stranger.emit(CallEvents.request, { chatId });
    assert.equal(!notTheirs.ok && notTheirs.error.code, 'invalid');
    const pat = await connected(patient.accessToken);
    accepted(await pat.emit(CallEvents.request, { chatId }));
    assert.equal((await doc.next<WaitingCalls>(CallEvents.waiting)).calls[0]!.chatId, chatId);
    for (const c of [doc, stranger, pat]) c.socket.disconnect();
  });

  it(
    'works over HTTP long-polling too, and the chat WebSocket still upgrades beside it',
    { timeout: 20_000 },
    async () => {
      const polling = open(clinician.accessToken, ['polling']);
      assert.deepEqual(await polling.next<WaitingCalls>(CallEvents.waiting), { calls: [] });
      polling.socket.disconnect();

      // /ws/chats/:chatId is @fastify/websocket's: an unknown chat is refused by that route, not hung up on.
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/chats/nope?token=${patient.accessToken}`);
      const outcome = await new Promise<string>((resolve) => {
        ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
        ws.on('close', (code) => resolve(`close ${code}`));
        ws.on('error', (err) => resolve(`error ${err.message}`));
      });
      assert.match(outcome, /^(close 4\d\d\d|http 4\d\d)$/, outcome);
    },
  );
});
