/**
 * Call signalling hot path: one ICE candidate from the patient to the clinician, acknowledged and
 * delivered, through the Medichat app (Zod validation, membership check, candidate budget, relay
 * to the other member's room) vs a bare Socket.IO server on the same library that relays the same
 * event without any check, both over loopback WebSockets, measured side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { CallEvents, MAX_CANDIDATES_PER_MEMBER } from '@medichat/shared';
import { buildApp } from '../apps/api/src/app.js';
import { loadConfig } from '../apps/api/src/config/config.js';
import { compare } from './lib.js';

const dataDir = mkdtempSync(join(tmpdir(), 'medichat-bench-calls-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  PORT: '0',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_TIME_COST: '1',
  AUTH_RATE_LIMIT_MAX: '100000',
});
const app = await buildApp(config);
await app.listen({ host: '127.0.0.1', port: 0 });
const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

async function account(name: string): Promise<{ token: string; id: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: `${name}@bench.example.org`, password: 'violet-harbour-lantern-42', displayName: name },
  });
  const body = res.json<{ accessToken: string; user: { id: string } }>();
  return { token: body.accessToken, id: body.user.id };
}
const patient = await account('patient');
const clinician = await account('clinician');
await app.services.users.setRole(clinician.id, 'clinician', new Date());

const open = (url: string, token?: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(url, { transports: ['websocket'], reconnection: false, ...(token ? { auth: { token } } : {}) });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });

// The bare baseline: relay to the one other connection, ack, nothing checked.
const bareHttp = createServer();
const bare = new Server(bareHttp, { serveClient: false });
const peers: string[] = [];
bare.on('connection', (s) => {
  peers.push(s.id);
  s.on(CallEvents.signal, (payload: unknown, ack: (a: unknown) => void) => {
    const other = peers.find((id) => id !== s.id)!;
    bare.to(other).emit(CallEvents.signal, payload);
    ack({ ok: true });
  });
});
await new Promise<void>((r) => bareHttp.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bareHttp.address() as { port: number }).port}`;
const bareA = await open(bareUrl);
const bareB = await open(bareUrl);

// Our app: a real call between the two accounts.
const pat = await open(appUrl, patient.token);
const doc = await open(appUrl, clinician.token);
const requested = (await pat.emitWithAck(CallEvents.request, {})) as { callId: string };
await doc.emitWithAck(CallEvents.answer, { callId: requested.callId });
const callId = requested.callId;

const signal = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
};

/** One candidate: sent, acknowledged, and received by the other side. */
function relay(from: Socket, to: Socket, payload: unknown) {
  return () =>
    new Promise<void>((resolve, reject) => {
      let left = 2;
      const one = () => --left === 0 && resolve();
      to.once(CallEvents.signal, one);
      from.emit(CallEvents.signal, payload, (ack: { ok: boolean }) =>
        ack.ok ? one() : reject(new Error(JSON.stringify(ack))),
      );
    });
}

// The candidate budget per member would stop the app after MAX_CANDIDATES_PER_MEMBER: both sides
// send in turn, and the call is renewed whenever a side nears its budget.
let sent = 0;
let current = { callId, pat, doc };
async function renew(): Promise<void> {
  await current.pat.emitWithAck(CallEvents.hangup, { callId: current.callId });
  const r = (await current.pat.emitWithAck(CallEvents.request, {})) as { callId: string };
  await current.doc.emitWithAck(CallEvents.answer, { callId: r.callId });
  current = { ...current, callId: r.callId };
  sent = 0;
}
const ours = async () => {
  if (++sent >= MAX_CANDIDATES_PER_MEMBER - 1) await renew();
  await relay(current.pat, current.doc, { callId: current.callId, signal })();
};

await compare(
  'call signalling: one ICE candidate relayed and acknowledged over loopback WebSockets',
  ['bare Socket.IO relay (no checks)', relay(bareA, bareB, { callId, signal })],
  [['Medichat calls (auth on connect, Zod, membership, budget)', ours]],
  { batch: 150, rounds: 12 },
);

for (const s of [bareA, bareB, pat, doc]) s.disconnect();
await new Promise<void>((r) => bare.close(() => r()));
await app.close();
rmSync(dataDir, { recursive: true, force: true });
