/**
 * One browser's side of a patient ↔ clinician call (docs/calls.md): the Socket.IO signalling
 * connection, the microphone (and camera when asked), and the RTCPeerConnection. Framework-free;
 * React reads it through `useCall` (an external store: `subscribe` + `getSnapshot`).
 *
 * The patient is the caller: they ask for a clinician, wait, and send the offer once the call
 * started. The clinician is the callee: they answer a waiting call and answer the offer. Media is
 * asked for before a call is requested or answered, so a refused microphone never leaves a
 * clinician waiting on a silent line.
 */
import { io, type Socket } from 'socket.io-client';
import {
  CALL_SOCKET_PATH,
  CallEvents,
  callAckSchema,
  callEndedSchema,
  callSignalSchema,
  callStartedSchema,
  waitingCallsSchema,
  type CallAck,
  type CallEndReason,
  type CallPeer,
  type CallSignalPayload,
  type WaitingCall,
} from '@medichat/shared';

export type CallPhase =
  /** Nothing going on. */
  | 'idle'
  /** Asking for the microphone and the server. */
  | 'requesting'
  /** The patient waits for a clinician. */
  | 'waiting'
  /** Answered: the two browsers are negotiating the media path. */
  | 'connecting'
  | 'in-call'
  | 'ended'
  | 'failed'
  /** Calls cannot be made here now: signalling down, or no microphone. */
  | 'unavailable';

export type Unavailable = 'signalling' | 'microphone' | 'browser';

export interface CallSnapshot {
  phase: CallPhase;
  /** Whether the signalling connection is up (clinicians keep one open for the waiting list). */
  online: boolean;
  callId: string | null;
  peer: CallPeer | null;
  muted: boolean;
  /** The other side's media, once a track arrived. */
  remoteStream: MediaStream | null;
  remoteHasVideo: boolean;
  /** RTCPeerConnection.connectionState while a call runs. */
  connectionState: RTCPeerConnectionState | null;
  endReason: CallEndReason | 'failed' | null;
  unavailable: Unavailable | null;
  /** A message to show (a refused request, a failure). */
  message: string | null;
  /** Clinicians: the calls waiting to be answered. */
  waiting: WaitingCall[];
}

export interface CallClientOptions {
  /** The current access token (read on every (re)connection). */
  getToken: () => string | null;
  /** A fresh access token after `token_expired`, or null when signed out. */
  refreshToken: () => Promise<string | null>;
  /** Defaults to the page's origin. */
  url?: string;
  /** How long to wait for the signalling connection before calling it down. */
  connectTimeoutMs?: number;
}

const initial: CallSnapshot = {
  phase: 'idle',
  online: false,
  callId: null,
  peer: null,
  muted: false,
  remoteStream: null,
  remoteHasVideo: false,
  connectionState: null,
  endReason: null,
  unavailable: null,
  message: null,
  waiting: [],
};

export class CallClient {
  private snapshot: CallSnapshot = initial;
  private readonly listeners = new Set<() => void>();
  private socket: Socket | null = null;
  private pc: RTCPeerConnection | null = null;
  private local: MediaStream | null = null;
  /** Signals handled one after another (an offer's async work before the candidates after it). */
  private signalChain: Promise<void> = Promise.resolve();
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private refreshed = false;

  constructor(private readonly options: CallClientOptions) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallSnapshot => this.snapshot;

  private set(patch: Partial<CallSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  /** Opens the signalling connection (clinicians do on mount, for the live waiting list). */
  connect(): Promise<boolean> {
    const socket = this.ensureSocket();
    if (socket.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
        resolve(ok);
      };
      const onConnect = () => done(true);
      const onError = (err: Error) => {
        // token_expired is retried once with a fresh token (see ensureSocket); anything else is final.
        if (err.message !== 'token_expired' || this.refreshed) done(false);
      };
      const timer = setTimeout(() => done(false), this.options.connectTimeoutMs ?? 8000);
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
      if (!socket.active) socket.connect();
    });
  }

  private ensureSocket(): Socket {
    if (this.socket) return this.socket;
    const socket = io(this.options.url ?? window.location.origin, {
      path: CALL_SOCKET_PATH,
      autoConnect: false,
      auth: (cb) => cb({ token: this.options.getToken() }),
    });
    socket.on('connect', () => {
      this.refreshed = false;
      this.set({ online: true });
    });
    socket.on('disconnect', () => {
      this.set({ online: false, waiting: [] });
      // The server ended our calls when the connection went; say so here too.
      if (
        this.snapshot.phase === 'waiting' ||
        this.snapshot.phase === 'connecting' ||
        this.snapshot.phase === 'in-call'
      ) {
        this.finish('failed', 'The connection to the server was lost.');
      }
    });
    socket.on('connect_error', (err: Error) => {
      if (err.message === 'token_expired' && !this.refreshed) {
        this.refreshed = true;
        void this.options.refreshToken().then((token) => {
          if (token) socket.connect();
        });
      }
    });
    socket.on(CallEvents.waiting, (payload: unknown) => {
      const parsed = waitingCallsSchema.safeParse(payload);
      if (parsed.success) this.set({ waiting: parsed.data.calls });
    });
    socket.on(CallEvents.started, (payload: unknown) => {
      const parsed = callStartedSchema.safeParse(payload);
      if (parsed.success) this.onStarted(parsed.data);
    });
    socket.on(CallEvents.signal, (payload: unknown) => {
      const parsed = callSignalSchema.safeParse(payload);
      if (parsed.success && parsed.data.callId === this.snapshot.callId) this.onSignal(parsed.data.signal);
    });
    socket.on(CallEvents.ended, (payload: unknown) => {
      const parsed = callEndedSchema.safeParse(payload);
      if (parsed.success && parsed.data.callId === this.snapshot.callId) this.finish(parsed.data.reason, null);
    });
    this.socket = socket;
    return socket;
  }

  private async emit(event: string, payload?: unknown): Promise<CallAck> {
    try {
      const ack: unknown = await this.ensureSocket().timeout(8000).emitWithAck(event, payload);
      const parsed = callAckSchema.safeParse(ack);
      return parsed.success
        ? parsed.data
        : { ok: false, error: { code: 'invalid', message: 'The server sent an unexpected answer.' } };
    } catch {
      return { ok: false, error: { code: 'invalid', message: 'The server did not answer in time.' } };
    }
  }

  /** Microphone (and camera) first; false (and `unavailable`) when refused or missing. */
  private async openMedia(video: boolean): Promise<boolean> {
    if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      this.set({ phase: 'unavailable', unavailable: 'browser', message: 'This browser cannot make calls.' });
      return false;
    }
    try {
      this.local = await navigator.mediaDevices.getUserMedia({ audio: true, video });
      return true;
    } catch (err) {
      const denied = err instanceof DOMException && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      this.set({
        phase: 'unavailable',
        unavailable: 'microphone',
        message: denied
          ? 'The microphone is blocked. Allow it in the browser’s site settings, then try again.'
          : 'No microphone was found.',
      });
      return false;
    }
  }

  private beginning(): boolean {
    const { phase } = this.snapshot;
    if (phase === 'requesting' || phase === 'waiting' || phase === 'connecting' || phase === 'in-call') return false;
    this.set({ ...initial, online: this.snapshot.online, waiting: this.snapshot.waiting, phase: 'requesting' });
    return true;
  }

  /** The patient asks for a clinician. */
  async requestCall(options: { chatId?: string; video?: boolean } = {}): Promise<void> {
    if (!this.beginning()) return;
    if (!(await this.openMedia(options.video ?? false))) return;
    if (!(await this.connect())) return this.signallingDown();
    const ack = await this.emit(CallEvents.request, options.chatId ? { chatId: options.chatId } : {});
    if (!ack.ok) return this.refused(ack.error.message);
    // A hang-up while the request was in flight.
    if (this.snapshot.phase !== 'requesting') {
      await this.emit(CallEvents.hangup, { callId: ack.callId });
      return;
    }
    this.set({ phase: 'waiting', callId: ack.callId ?? null });
  }

  /** A clinician answers a waiting call. */
  async answer(callId: string, options: { video?: boolean } = {}): Promise<void> {
    if (!this.beginning()) return;
    if (!(await this.openMedia(options.video ?? false))) return;
    if (!(await this.connect())) return this.signallingDown();
    this.set({ callId });
    const ack = await this.emit(CallEvents.answer, { callId });
    if (!ack.ok) return this.refused(ack.error.message);
  }

  hangUp(): void {
    const { callId, phase } = this.snapshot;
    if (phase === 'requesting' && !callId) {
      this.finish('hangup', null);
      return;
    }
    if (callId) void this.emit(CallEvents.hangup, { callId });
    this.finish(phase === 'waiting' ? 'cancelled' : 'hangup', null);
  }

  setMuted(muted: boolean): void {
    for (const track of this.local?.getAudioTracks() ?? []) track.enabled = !muted;
    this.set({ muted });
  }

  /** Back to idle after an ended or failed call. */
  reset(): void {
    const { phase } = this.snapshot;
    if (phase === 'ended' || phase === 'failed' || phase === 'unavailable') {
      this.set({ ...initial, online: this.snapshot.online, waiting: this.snapshot.waiting });
    }
  }

  /** Leaves for good (the panel unmounts): ends any call and closes the connection. */
  dispose(): void {
    if (this.snapshot.callId && this.snapshot.phase !== 'ended') this.hangUp();
    this.teardown();
    this.socket?.disconnect();
    this.socket?.removeAllListeners();
    this.socket = null;
    this.listeners.clear();
  }

  private signallingDown(): void {
    this.teardown();
    this.set({
      phase: 'unavailable',
      unavailable: 'signalling',
      message: 'Calls are not available right now: the call service cannot be reached.',
    });
  }

  private refused(message: string): void {
    this.teardown();
    this.set({ phase: 'failed', callId: null, endReason: 'failed', message });
  }

  private onStarted(event: {
    callId: string;
    side: 'caller' | 'callee';
    peer: CallPeer;
    iceServers: RTCIceServer[];
  }): void {
    const { phase, callId } = this.snapshot;
    // The caller waits for its own call; the callee has set callId before answering.
    if (!(phase === 'waiting' || phase === 'requesting') || (callId !== null && callId !== event.callId)) return;
    this.set({ phase: 'connecting', callId: event.callId, peer: event.peer, connectionState: 'new' });
    const pc = new RTCPeerConnection({ iceServers: event.iceServers });
    this.pc = pc;
    for (const track of this.local?.getTracks() ?? []) pc.addTrack(track, this.local!);
    pc.onicecandidate = (e) => {
      if (e.candidate) void this.send({ type: 'candidate', candidate: e.candidate.toJSON() as CandidateJson });
    };
    pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      this.set({ remoteStream: stream, remoteHasVideo: stream.getVideoTracks().length > 0 });
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      const state = pc.connectionState;
      this.set({ connectionState: state });
      if (state === 'connected') this.set({ phase: 'in-call' });
      else if (state === 'failed') {
        if (this.snapshot.callId) void this.emit(CallEvents.hangup, { callId: this.snapshot.callId });
        this.finish('failed', 'The call could not connect (no network path between you).');
      }
    };
    if (event.side === 'caller') {
      this.chain(async () => {
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        await this.send({ type: 'offer', sdp: offer.sdp ?? '' });
      });
    }
  }

  private onSignal(signal: CallSignalPayload): void {
    this.chain(async () => {
      const pc = this.pc;
      if (!pc) return;
      if (signal.type === 'candidate') {
        if (!pc.remoteDescription) this.pendingCandidates.push(signal.candidate as RTCIceCandidateInit);
        else await pc.addIceCandidate(signal.candidate as RTCIceCandidateInit);
        return;
      }
      await pc.setRemoteDescription({ type: signal.type, sdp: signal.sdp });
      for (const c of this.pendingCandidates.splice(0)) await pc.addIceCandidate(c);
      if (signal.type === 'offer') {
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        await this.send({ type: 'answer', sdp: answer.sdp ?? '' });
      }
    });
  }

  private chain(work: () => Promise<void>): void {
    this.signalChain = this.signalChain.then(work).catch(() => {
      if (this.pc) this.finish('failed', 'The call could not be set up.');
    });
  }

  private async send(signal: CallSignalPayload): Promise<void> {
    const callId = this.snapshot.callId;
    if (!callId) return;
    await this.emit(CallEvents.signal, { callId, signal });
  }

  private finish(reason: CallEndReason | 'failed', message: string | null): void {
    this.teardown();
    this.set({
      phase: reason === 'failed' ? 'failed' : 'ended',
      endReason: reason,
      message,
      connectionState: null,
      remoteStream: null,
      remoteHasVideo: false,
      muted: false,
    });
  }

  private teardown(): void {
    const pc = this.pc;
    this.pc = null;
    if (pc) {
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
    for (const track of this.local?.getTracks() ?? []) track.stop();
    this.local = null;
    this.pendingCandidates = [];
  }
}

type CandidateJson = Extract<CallSignalPayload, { type: 'candidate' }>['candidate'];

/** Words for an ended call, from the side that reads them. */
export function endedText(reason: CallSnapshot['endReason']): string {
  switch (reason) {
    case 'hangup':
      return 'The call has ended.';
    case 'cancelled':
      return 'The call was cancelled.';
    case 'timeout':
      return 'No clinician could answer in time. Please try again later, or use the chat.';
    case 'disconnect':
      return 'The other side lost their connection; the call has ended.';
    case 'failed':
      return 'The call failed.';
    default:
      return 'The call has ended.';
  }
}
