/**
 * Helpers for the chat suites: a real app (SQLite or MongoDB) with the project's tiny GGUF
 * registered as the default model, accounts and guests, and a WebSocket client that records
 * every event.
 */
import { existsSync, statSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { Message } from '@medichat/shared';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import type { ModelDoc } from '../../engines/storage/collections.js';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import type { AppDeps } from '../../app.js';
import { createTestApp, mongoTestUri, type TestApp } from '../../testing/test-app.js';
import { fastAuthEnv, registerAccount, type Account } from '../account/auth.test-helpers.js';

export type Engine = 'sqlite' | 'mongodb';
export const chatTestEngines: Engine[] = mongoTestUri ? ['sqlite', 'mongodb'] : ['sqlite'];

export const chatTestEnv: Record<string, string> = {
  ...fastAuthEnv,
  LLAMA_THREADS: '1',
  LLAMA_CONTEXT_SIZE: '2048',
  MAX_REPLY_TOKENS: '24',
  EMERGENCY_NUMBER: '112',
};

export interface ChatTestApp extends TestApp {
  /** http://127.0.0.1:port */
  base: string;
  /** ws://127.0.0.1:port */
  wsBase: string;
  model: ModelDoc;
}

/** Insert a model straight into the registry (tests only; admins use POST /api/models). */
export async function addModel(
  app: FastifyInstance,
  fields: Partial<ModelDoc> & { name: string; path: string },
): Promise<ModelDoc> {
  const now = new Date();
  const doc: ModelDoc = {
    id: uuidv7(),
    engine: 'llama-cpp',
    kind: 'base',
    source: `file:${fields.path}`,
    status: 'available',
    baseModelId: null,
    // As a registration records it: the file's size (a remote model has none).
    sizeBytes: existsSync(fields.path) ? statSync(fields.path).size : null,
    sha256: null,
    job: null,
    metrics: null,
    isDefault: false,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  if (doc.isDefault) {
    for (const d of await app.storage.models.find({ isDefault: true })) {
      await app.storage.models.update(d.id, { set: { isDefault: false } });
    }
  }
  return app.storage.models.insert(doc);
}

/** The real app, listening on a free port, with the tiny GGUF as the default model. */
export async function createChatTestApp(
  engine: Engine = 'sqlite',
  env: Record<string, string> = {},
  options: { model?: boolean; deps?: AppDeps } = {},
): Promise<ChatTestApp> {
  const t = await createTestApp(
    { ...chatTestEnv, ...env },
    { engine, ...(options.deps ? { deps: options.deps } : {}) },
  );
  const model =
    options.model === false
      ? (undefined as unknown as ModelDoc)
      : await addModel(t.app, { name: 'tiny-llama', path: await ensureTinyGguf(), isDefault: true });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return { ...t, base: `http://127.0.0.1:${port}`, wsBase: `ws://127.0.0.1:${port}`, model };
}

export interface Guest {
  token: string;
  auth: { authorization: string };
  chatId: string;
}

/** A new guest (no token ⇒ POST /api/chats creates the session) with one chat. */
export async function newGuest(app: FastifyInstance): Promise<Guest> {
  const res = await app.inject({ method: 'POST', url: '/api/chats', payload: {} });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.ok(body.guestToken);
  assert.equal(res.headers['x-guest-token'], body.guestToken);
  return { token: body.guestToken, auth: { authorization: `Bearer ${body.guestToken}` }, chatId: body.chat.id };
}

export async function newUser(app: FastifyInstance): Promise<Account & { chatId: string }> {
  const account = await registerAccount(app);
  const res = await app.inject({
    method: 'POST',
    url: '/api/chats',
    headers: account.auth,
    payload: { title: 'Test chat' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { ...account, chatId: res.json().chat.id };
}

export const newClientId = () => randomUUID();

/** POST /api/messages and wait for the reply (200), returning the assistant message. */
export async function sendMessage(
  app: FastifyInstance,
  auth: Record<string, string>,
  chatId: string,
  content: string,
): Promise<Message> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: auth,
    payload: { chatId, content, clientId: newClientId() },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Message;
}

// ---------------------------------------------------------------------------------------------
// WebSocket client

export interface WsEvent {
  type: string;
  [k: string]: unknown;
}

export interface TestSocket {
  ws: WebSocket;
  events: WsEvent[];
  /** Resolves with the first event (already received or future) matching `pred`. */
  next(pred: (e: WsEvent) => boolean, timeoutMs?: number): Promise<WsEvent>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function openSocket(
  wsBase: string,
  chatId: string,
  auth: { token?: string; header?: string } = {},
  options: { waitReady?: boolean } = {},
): Promise<TestSocket> {
  const q = auth.token ? `?token=${encodeURIComponent(auth.token)}` : '';
  const ws = new WebSocket(`${wsBase}/ws/chats/${chatId}${q}`, {
    headers: auth.header ? { authorization: auth.header } : {},
  });
  const events: WsEvent[] = [];
  const waiters: Array<{ pred: (e: WsEvent) => boolean; resolve: (e: WsEvent) => void }> = [];
  ws.on('message', (data) => {
    const e = JSON.parse(String(data)) as WsEvent;
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  ws.on('error', () => undefined);
  const socket: TestSocket = {
    ws,
    events,
    next(pred, timeoutMs = 20_000) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (e: WsEvent) => (clearTimeout(timer), resolve(e)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((x) => x.type).join(', ')}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    send(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    closed,
    async close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
      await closed;
    },
  };
  if (options.waitReady === false) return Promise.resolve(socket);
  return socket.next((e) => e.type === 'ready').then(() => socket);
}

/** Token events of a message in order, and their concatenation. */
export function tokensOf(events: WsEvent[], messageId: string): { seqs: number[]; text: string } {
  const toks = events.filter((e) => e.type === 'token' && e.messageId === messageId);
  return { seqs: toks.map((e) => e.seq as number), text: toks.map((e) => e.text as string).join('') };
}
