/**
 * The Socket.IO server for call signalling, on the API's own HTTP server at `/socket.io`
 * (docs/calls.md). Authentication happens once, on connect, with the same access token the REST
 * API takes (`auth: { token }` in the handshake); a missing, invalid or guest token refuses the
 * connection with a `connect_error` whose message is the code (`unauthorized`, `token_expired`)
 * and whose `data` is `{ code, message }`.
 *
 * Every client event is validated with the shared Zod schemas and answered through its
 * acknowledgement; a refused event relays nothing. The rules live in the CallService.
 *
 * The chat's WebSocket (`/ws/chats/:chatId`, @fastify/websocket) shares the server's `upgrade`
 * event: both libraries listen to it, so the upgrade listeners registered before this plugin
 * (@fastify/websocket's) are wrapped to skip `/socket.io/` requests, and engine.io is told not to
 * destroy the upgrades that are not its own.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import {
  CALL_SOCKET_PATH,
  CallEvents,
  ProblemType,
  callRefSchema,
  callRequestSchema,
  callSignalSchema,
  type CallAck,
  type Role,
} from '@medichat/shared';
import { AppError } from '../../lib/errors.js';
import { CallService, type CallMember } from './call.service.js';

/** Largest Socket.IO message (an SDP is at most MAX_SDP_CHARS; this leaves room for the frame). */
const MAX_MESSAGE_BYTES = 64 * 1024;
const CLINICIANS_ROOM = 'clinicians';

export interface CallsSocketOptions {
  calls: CallService;
  /** The signed-in user's display name. */
  displayNameOf: (userId: string) => Promise<string | null>;
  /** Browser origins allowed cross-origin (CORS_ORIGINS); same-origin always works. */
  corsOrigins: string[];
}

interface SocketData {
  member: CallMember;
}

type CallSocket = Socket<
  Record<string, (...args: unknown[]) => void>,
  Record<string, (...args: unknown[]) => void>,
  Record<string, never>,
  SocketData
>;

class ConnectError extends Error {
  readonly data: { code: string; message: string };
  constructor(code: 'unauthorized' | 'token_expired', message: string) {
    super(code);
    this.data = { code, message };
  }
}

function isCallsPath(url: string | undefined): boolean {
  return (
    url !== undefined &&
    (url === CALL_SOCKET_PATH || url.startsWith(`${CALL_SOCKET_PATH}/`) || url.startsWith(`${CALL_SOCKET_PATH}?`))
  );
}

export default fp(
  async function callsSocket(app: FastifyInstance, opts: CallsSocketOptions) {
    const { calls } = opts;
    const server = app.server;

    // Upgrades for /socket.io/ go to engine.io only.
    type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
    const earlier = server.listeners('upgrade') as UpgradeListener[];
    server.removeAllListeners('upgrade');
    for (const listener of earlier) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!isCallsPath(req.url)) listener.call(server, req, socket, head);
      });
    }

    const io = new Server(server, {
      path: CALL_SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      destroyUpgrade: false,
      ...(opts.corsOrigins.length ? { cors: { origin: opts.corsOrigins } } : {}),
    });

    io.use((socket, next) => {
      const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        next(new ConnectError('unauthorized', 'Send the access token in the handshake: auth: { token }.'));
        return;
      }
      void (async () => {
        const principal = await app.authenticator.authenticate(token);
        if (principal.kind !== 'user' || !principal.userId) {
          throw new ConnectError('unauthorized', 'Sign in to make calls; a guest session is not enough.');
        }
        const role: Role | null = await app.authenticator.currentRole(principal.userId);
        if (!role) throw new ConnectError('unauthorized', 'This account no longer exists.');
        const displayName = (await opts.displayNameOf(principal.userId)) ?? 'Patient';
        (socket.data as SocketData).member = { socketId: socket.id, userId: principal.userId, displayName, role };
      })().then(
        () => next(),
        (err: unknown) => {
          if (err instanceof ConnectError) return next(err);
          if (err instanceof AppError && err.status === 401) {
            const expired = err.type === ProblemType.tokenExpired;
            return next(new ConnectError(expired ? 'token_expired' : 'unauthorized', err.message));
          }
          app.log.error({ err }, 'calls: handshake failed');
          next(new ConnectError('unauthorized', 'The server could not check the token; try again.'));
        },
      );
    });

    calls.attach({
      waitingChanged: (list) => void io.to(CLINICIANS_ROOM).emit(CallEvents.waiting, { calls: list }),
      started: (socketId, event) => void io.to(socketId).emit(CallEvents.started, event),
      ended: (socketId, event) => void io.to(socketId).emit(CallEvents.ended, event),
      signal: (socketId, event) => void io.to(socketId).emit(CallEvents.signal, event),
    });

    io.on('connection', (raw) => {
      const socket = raw as unknown as CallSocket;
      const member = socket.data.member;
      if (CallService.canAnswer(member.role)) {
        void socket.join(CLINICIANS_ROOM);
        socket.emit(CallEvents.waiting, { calls: calls.waiting() });
      }

      /** An event handler: its payload validated, its answer sent through the ack (when there is one). */
      const on = (event: string, handle: (payload: unknown) => CallAck | Promise<CallAck>) => {
        socket.on(event, (payload: unknown, ack: unknown) => {
          const reply = typeof ack === 'function' ? (ack as (a: CallAck) => void) : () => {};
          Promise.resolve()
            .then(() => handle(payload))
            .then(reply, (err: unknown) => {
              app.log.error({ err, event }, 'calls: event failed');
              reply({ ok: false, error: { code: 'invalid', message: 'The server could not handle that.' } });
            });
        });
      };
      const invalid = (message: string): CallAck => ({ ok: false, error: { code: 'invalid', message } });

      on(CallEvents.request, async (payload) => {
        const input = callRequestSchema.safeParse(payload ?? {});
        if (!input.success) return invalid('Send { chatId? }.');
        return calls.request(member, input.data);
      });
      on(CallEvents.answer, async (payload) => {
        const input = callRefSchema.safeParse(payload);
        if (!input.success) return invalid('Send { callId }.');
        // The role as stored now (a token's role may be stale by up to its lifetime).
        const role = await app.authenticator.currentRole(member.userId);
        return calls.answer({ ...member, role: role ?? member.role }, input.data.callId);
      });
      on(CallEvents.signal, (payload) => {
        const input = callSignalSchema.safeParse(payload);
        if (!input.success) {
          return invalid('Send { callId, signal } with an offer or answer SDP (at most 32 KiB) or an ICE candidate.');
        }
        return calls.signal(socket.id, input.data.callId, input.data.signal);
      });
      on(CallEvents.hangup, (payload) => {
        const input = callRefSchema.safeParse(payload);
        if (!input.success) return invalid('Send { callId }.');
        return calls.hangup(socket.id, input.data.callId);
      });
      on(CallEvents.listWaiting, () =>
        CallService.canAnswer(member.role)
          ? { ok: true, calls: calls.waiting() }
          : { ok: false, error: { code: 'forbidden', message: 'Only clinicians see the waiting calls.' } },
      );
      socket.on('disconnect', () => calls.disconnected(socket.id));
    });

    // Closing: drop every connection (the HTTP server itself is Fastify's to close).
    app.addHook('preClose', async () => {
      io.disconnectSockets(true);
      io.engine.close();
      calls.close();
    });
  },
  { name: 'calls-socket', dependencies: ['auth'] },
);
