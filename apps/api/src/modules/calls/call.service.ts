/**
 * Patient ↔ clinician calls: who is waiting, who answered, and which two connections may exchange
 * WebRTC signals. Transport-free (the Socket.IO layer, calls.socket.ts, turns events into emits
 * through the `CallSink`), so the rules are tested without a network.
 *
 * State lives in memory, per API instance: a call, its waiting-list entry and its relay only exist
 * on the instance both browsers are connected to. That is fine for one instance; scaling out needs
 * the Socket.IO Redis adapter and shared call state (issue 12, see docs/calls.md).
 *
 * A member is one connection (a socket id), not a user: a call belongs to the tab that made or
 * answered it, and ends when that tab goes away.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_CANDIDATES_PER_MEMBER,
  type CallAck,
  type CallEndReason,
  type CallEnded,
  type CallErrorCode,
  type CallPeer,
  type CallSignal,
  type CallSignalPayload,
  type CallStarted,
  type IceServer,
  type Role,
  type WaitingCall,
} from '@medichat/shared';

/** One connection taking part in calls. */
export interface CallMember {
  socketId: string;
  userId: string;
  displayName: string;
  role: Role;
}

/** Where the service's events go (the Socket.IO server, or a test's recorder). */
export interface CallSink {
  /** The waiting list changed: tell every clinician and admin connected. */
  waitingChanged(calls: WaitingCall[]): void;
  started(socketId: string, event: CallStarted): void;
  ended(socketId: string, event: CallEnded): void;
  signal(socketId: string, event: CallSignal): void;
}

export interface CallServiceOptions {
  /** A call nobody answers within this ends with `timeout`. */
  ringTimeoutMs: number;
  iceServers: IceServer[];
  /** Calls waiting at once, across all patients (a full list refuses new requests). */
  maxWaiting?: number;
  /** Whether `userId` owns the chat a call links to. */
  ownsChat?: (userId: string, chatId: string) => Promise<boolean>;
  now?: () => Date;
  newId?: () => string;
}

interface Call {
  id: string;
  patient: CallMember;
  clinician: CallMember | null;
  chatId: string | null;
  requestedAt: Date;
  timer: ReturnType<typeof setTimeout> | null;
  /** ICE candidates relayed per member socket. */
  candidates: Map<string, number>;
}

const ANSWERING_ROLES: ReadonlySet<Role> = new Set(['clinician', 'admin']);

function refuse(code: CallErrorCode, message: string): CallAck {
  return { ok: false, error: { code, message } };
}

const noSink: CallSink = { waitingChanged() {}, started() {}, ended() {}, signal() {} };

export class CallService {
  private readonly calls = new Map<string, Call>();
  private sink: CallSink = noSink;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly maxWaiting: number;

  constructor(private readonly options: CallServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => randomUUID());
    this.maxWaiting = options.maxWaiting ?? 100;
  }

  /** The transport that delivers events (set once the Socket.IO server exists). */
  attach(sink: CallSink): void {
    this.sink = sink;
  }

  /** Whether this role may see the waiting list and answer. */
  static canAnswer(role: Role): boolean {
    return ANSWERING_ROLES.has(role);
  }

  /** The calls waiting for a clinician, oldest first. */
  waiting(): WaitingCall[] {
    return [...this.calls.values()]
      .filter((c) => c.clinician === null)
      .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime())
      .map((c) => ({
        id: c.id,
        patientName: c.patient.displayName,
        chatId: c.chatId,
        requestedAt: c.requestedAt.toISOString(),
      }));
  }

  /** Calls in progress or waiting (metrics, tests). */
  get size(): number {
    return this.calls.size;
  }

  /** A patient asks for a clinician: the call waits until one answers or it times out. */
  async request(member: CallMember, input: { chatId?: string }): Promise<CallAck> {
    if (this.callOfUser(member.userId)) return refuse('busy', 'You are already in a call or waiting for one.');
    if (this.waiting().length >= this.maxWaiting) {
      return refuse('too_many', 'Too many calls are waiting; try again in a few minutes.');
    }
    const chatId = input.chatId ?? null;
    if (chatId !== null && this.options.ownsChat && !(await this.options.ownsChat(member.userId, chatId))) {
      return refuse('invalid', 'That chat is not yours.');
    }
    // The ownership check awaited: the same user may have asked twice meanwhile.
    if (this.callOfUser(member.userId)) return refuse('busy', 'You are already in a call or waiting for one.');
    const call: Call = {
      id: this.newId(),
      patient: member,
      clinician: null,
      chatId,
      requestedAt: this.now(),
      timer: null,
      candidates: new Map(),
    };
    call.timer = setTimeout(() => this.end(call, 'timeout'), this.options.ringTimeoutMs);
    call.timer.unref?.();
    this.calls.set(call.id, call);
    this.sink.waitingChanged(this.waiting());
    return { ok: true, callId: call.id };
  }

  /** A clinician (or admin) answers a waiting call: both members learn it started. */
  answer(member: CallMember, callId: string): CallAck {
    if (!CallService.canAnswer(member.role)) return refuse('forbidden', 'Only clinicians answer calls.');
    const call = this.calls.get(callId);
    if (!call) return refuse('unknown_call', 'That call has ended or never existed.');
    if (call.clinician !== null) return refuse('not_waiting', 'Someone else answered that call.');
    if (call.patient.userId === member.userId) return refuse('forbidden', 'You cannot answer your own call.');
    if (this.callOfUser(member.userId)) return refuse('busy', 'Hang up your current call first.');
    if (call.timer) clearTimeout(call.timer);
    call.timer = null;
    call.clinician = member;
    const iceServers = this.options.iceServers;
    this.sink.started(call.patient.socketId, { callId, side: 'caller', peer: peerOf(member), iceServers });
    this.sink.started(member.socketId, { callId, side: 'callee', peer: peerOf(call.patient), iceServers });
    this.sink.waitingChanged(this.waiting());
    return { ok: true, callId };
  }

  /** An offer, answer or ICE candidate from one member, relayed to the other one only. */
  signal(socketId: string, callId: string, signal: CallSignalPayload): CallAck {
    const call = this.calls.get(callId);
    if (!call) return refuse('unknown_call', 'That call has ended or never existed.');
    const other = this.otherMember(call, socketId);
    if (other === undefined) return refuse('not_member', 'You are not in that call.');
    if (other === null) return refuse('not_waiting', 'Nobody has answered that call yet.');
    if (signal.type === 'candidate') {
      const sent = call.candidates.get(socketId) ?? 0;
      if (sent >= MAX_CANDIDATES_PER_MEMBER) return refuse('too_many', 'Too many ICE candidates for one call.');
      call.candidates.set(socketId, sent + 1);
    }
    this.sink.signal(other.socketId, { callId, signal });
    return { ok: true, callId };
  }

  /** A member hangs up (the patient cancelling while it still waits, or either side in a call). */
  hangup(socketId: string, callId: string): CallAck {
    const call = this.calls.get(callId);
    if (!call) return refuse('unknown_call', 'That call has ended or never existed.');
    if (this.otherMember(call, socketId) === undefined) return refuse('not_member', 'You are not in that call.');
    this.end(call, call.clinician === null ? 'cancelled' : 'hangup', socketId);
    return { ok: true, callId };
  }

  /** A connection went away: every call it was in ends, and the other member is told. */
  disconnected(socketId: string): void {
    for (const call of [...this.calls.values()]) {
      if (call.patient.socketId === socketId || call.clinician?.socketId === socketId) {
        this.end(call, 'disconnect', socketId);
      }
    }
  }

  /** Server closing: stop every ring timer (the connections are closed by the transport). */
  close(): void {
    for (const call of this.calls.values()) if (call.timer) clearTimeout(call.timer);
    this.calls.clear();
  }

  /** The other member of `socketId`'s call: undefined when not a member, null when nobody answered yet. */
  private otherMember(call: Call, socketId: string): CallMember | null | undefined {
    if (call.patient.socketId === socketId) return call.clinician;
    if (call.clinician?.socketId === socketId) return call.patient;
    return undefined;
  }

  private callOfUser(userId: string): Call | undefined {
    for (const call of this.calls.values()) {
      if (call.patient.userId === userId || call.clinician?.userId === userId) return call;
    }
    return undefined;
  }

  /** Ends a call and tells its members, except `by` (who learns it from their acknowledgement). */
  private end(call: Call, reason: CallEndReason, by?: string): void {
    if (!this.calls.delete(call.id)) return;
    if (call.timer) clearTimeout(call.timer);
    for (const m of [call.patient, call.clinician]) {
      if (m && m.socketId !== by) this.sink.ended(m.socketId, { callId: call.id, reason });
    }
    if (call.clinician === null) this.sink.waitingChanged(this.waiting());
  }
}

function peerOf(m: CallMember): CallPeer {
  return { displayName: m.displayName, role: m.role };
}
