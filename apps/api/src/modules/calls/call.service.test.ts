/**
 * The call rules without a network: an unanswered call times out (the patient is told, the list
 * empties), the waiting list has a ceiling, one member's ICE candidates are capped, the same user
 * asking twice while the chat check is in flight gets one call, and answering needs a clinician
 * or admin other than the caller. The Socket.IO transport is tested in calls.socket.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_CANDIDATES_PER_MEMBER, type CallAck, type WaitingCall } from '@medichat/shared';
import { CallService, type CallMember, type CallSink } from './call.service.js';

/** The ack accepted the event (with the refusal in the message: assert.ok's own message reads the source, slowly). */
function accepted(ack: CallAck): asserts ack is Extract<CallAck, { ok: true }> {
  assert.equal(ack.ok, true, `refused: ${JSON.stringify(ack)}`);
}

function recorder() {
  const events: Array<{ kind: keyof CallSink; to?: string; body: unknown }> = [];
  const sink: CallSink = {
    waitingChanged: (calls: WaitingCall[]) => events.push({ kind: 'waitingChanged', body: calls }),
    started: (to, body) => events.push({ kind: 'started', to, body }),
    ended: (to, body) => events.push({ kind: 'ended', to, body }),
    signal: (to, body) => events.push({ kind: 'signal', to, body }),
  };
  return { events, sink };
}

const member = (n: string, role: CallMember['role'] = 'patient'): CallMember => ({
  socketId: `s-${n}`,
  userId: `u-${n}`,
  displayName: n,
  role,
});

describe('CallService', () => {
  it('ends a call nobody answers after the ring timeout and tells the patient', async () => {
    const calls = new CallService({ ringTimeoutMs: 40, iceServers: [] });
    const { events, sink } = recorder();
    calls.attach(sink);
    const ack = await calls.request(member('pat'), {});
    accepted(ack);
    assert.equal(calls.waiting().length, 1);
    await sleep(120);
    assert.equal(calls.size, 0);
    assert.deepEqual(
      events.filter((e) => e.kind === 'ended'),
      [{ kind: 'ended', to: 's-pat', body: { callId: ack.callId, reason: 'timeout' } }],
    );
    assert.deepEqual(events.at(-1), { kind: 'waitingChanged', body: [] });
  });

  it('an answered call no longer times out', async () => {
    const calls = new CallService({ ringTimeoutMs: 40, iceServers: [] });
    const ack = await calls.request(member('pat'), {});
    accepted(ack);
    accepted(calls.answer(member('doc', 'clinician'), ack.callId!));
    await sleep(120);
    assert.equal(calls.size, 1);
    calls.close();
  });

  it('refuses new calls once the waiting list is full', async () => {
    const calls = new CallService({ ringTimeoutMs: 60_000, iceServers: [], maxWaiting: 2 });
    accepted(await calls.request(member('a'), {}));
    accepted(await calls.request(member('b'), {}));
    const third = await calls.request(member('c'), {});
    assert.equal(!third.ok && third.error.code, 'too_many');
    calls.close();
  });

  it('gives a user asking twice during the chat check one call', async () => {
    const calls = new CallService({
      ringTimeoutMs: 60_000,
      iceServers: [],
      ownsChat: async () => {
        await sleep(20);
        return true;
      },
    });
    const [a, b] = await Promise.all([
      calls.request(member('pat'), { chatId: 'c1' }),
      calls.request({ ...member('pat'), socketId: 'other-tab' }, { chatId: 'c1' }),
    ]);
    assert.deepEqual([a.ok, b.ok].sort(), [false, true]);
    assert.equal(calls.size, 1);
    calls.close();
  });

  it('answers need a clinician or admin who is not the caller and not in another call', async () => {
    const calls = new CallService({ ringTimeoutMs: 60_000, iceServers: [] });
    const one = await calls.request(member('pat'), {});
    const two = await calls.request(member('pat2'), {});
    accepted(one);
    accepted(two);
    assert.equal(((r) => !r.ok && r.error.code)(calls.answer(member('p3'), one.callId!)), 'forbidden');
    const selfCaller = await calls.request(member('doc2', 'clinician'), {});
    accepted(selfCaller);
    assert.equal(
      ((r) => !r.ok && r.error.code)(calls.answer(member('doc2', 'clinician'), selfCaller.callId!)),
      'forbidden',
    );
    accepted(calls.answer(member('doc', 'admin'), one.callId!));
    assert.equal(((r) => !r.ok && r.error.code)(calls.answer(member('doc', 'admin'), two.callId!)), 'busy');
    calls.close();
  });

  it(`relays at most ${MAX_CANDIDATES_PER_MEMBER} ICE candidates per member`, async () => {
    const calls = new CallService({ ringTimeoutMs: 60_000, iceServers: [] });
    const { events, sink } = recorder();
    calls.attach(sink);
    const ack = await calls.request(member('pat'), {});
    accepted(ack);
    accepted(calls.answer(member('doc', 'clinician'), ack.callId!));
    const candidate = {
      type: 'candidate' as const,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    };
    for (let i = 0; i < MAX_CANDIDATES_PER_MEMBER; i++) accepted(calls.signal('s-pat', ack.callId!, candidate));
    const over = calls.signal('s-pat', ack.callId!, candidate);
    assert.equal(!over.ok && over.error.code, 'too_many');
    assert.equal(events.filter((e) => e.kind === 'signal').length, MAX_CANDIDATES_PER_MEMBER);
    assert.ok(calls.signal('s-doc', ack.callId!, candidate).ok, 'the other member has a budget of their own');
    calls.close();
  });
});
