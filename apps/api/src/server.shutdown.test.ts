/**
 * SIGTERM while a reply is generating (issue #13): the real server process (`server.ts`) stops the
 * generation (the model's abort signal), stores the partial reply as `failed` (interrupted,
 * retryable) and exits 0 well within SHUTDOWN_TIMEOUT_MS, instead of waiting out the grace period
 * and being force-killed.
 *
 * The model is a local server speaking the OpenAI streaming protocol (`/v1/models`,
 * `/v1/chat/completions` with `stream: true`) that sends one token every 50 ms and never finishes
 * on its own, so only an abort ends the reply. The chat is a guest's, over the WebSocket the web app
 * uses; a second client holds an SSE stream of the chat open too.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openStorage } from './engines/storage/index.js';
import { fastAuthEnv } from './modules/account/auth.test-helpers.js';
import { openSocket } from './modules/chat/chat.test-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const serverEntry = join(here, 'server.ts');
const GRACE_MS = 8_000;
const ADMIN = { email: 'shutdown-admin@example.com', password: 'correct-horse-battery-9' };

/** An OpenAI-compatible server whose streamed completions never end: a token every 50 ms. */
function endlessModel(): Promise<{
  url: string;
  streams: () => number;
  aborted: () => number;
  close(): Promise<void>;
}> {
  const open = new Set<ServerResponse>();
  let started = 0;
  let aborted = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'endless', object: 'model' }] }));
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      req.resume();
      started++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      open.add(res);
      let n = 0;
      const timer = setInterval(() => {
        const chunk = {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 0,
          model: 'endless',
          choices: [{ index: 0, delta: { content: `word${n++} ` }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }, 50);
      res.on('close', () => {
        clearInterval(timer);
        open.delete(res);
        if (!res.writableEnded) aborted++;
      });
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        streams: () => started,
        aborted: () => aborted,
        close: () =>
          new Promise<void>((done) => {
            for (const r of open) r.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}

interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function startServerProcess(dataDir: string): Promise<Proc> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', serverEntry], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      WEB_DIST_DIR: join(dataDir, 'no-web'),
      SHUTDOWN_TIMEOUT_MS: String(GRACE_MS),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...fastAuthEnv,
      MAX_REPLY_TOKENS: '8192',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
  return { child, url, output: () => out, exited };
}

describe('server process: SIGTERM while a reply is generating', () => {
  let model: Awaited<ReturnType<typeof endlessModel>>;
  let dataDir: string;
  let proc: Proc | undefined;

  before(async () => {
    model = await endlessModel();
    dataDir = mkdtempSync(join(tmpdir(), 'medichat-shutdown-'));
  });
  after(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await model.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('aborts the generation, stores the partial reply as failed (interrupted) and exits 0 within the grace period', async (t) => {
    proc = await startServerProcess(dataDir);
    const { url } = proc;
    const json = { 'content-type': 'application/json' };
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    assert.equal(login.status, 200);
    const registered = await fetch(`${url}/api/models`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'endless', engine: 'openai', path: 'endless', baseUrl: model.url, isDefault: true }),
    });
    const registeredBody = await registered.text();
    assert.equal(registered.status, 201, registeredBody);

    const created = await fetch(`${url}/api/chats`, { method: 'POST', headers: json, body: '{}' });
    assert.equal(created.status, 201);
    const { guestToken, chat } = (await created.json()) as { guestToken: string; chat: { id: string } };
    // An SSE reader of the same chat, held open (it must not hold the shutdown up either).
    const sse = await fetch(`${url}/api/chats/${chat.id}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${guestToken}` },
    });
    assert.equal(sse.status, 200);
    const sseDone = sse.body!.pipeTo(new WritableStream()).catch(() => undefined);

    const socket = await openSocket(url.replace('http', 'ws'), chat.id, { token: guestToken });
    socket.send({ type: 'send', content: 'Tell me about sleep.', clientId: crypto.randomUUID() });
    const created2 = await socket.next(
      (e) => e.type === 'message.created' && (e.message as { role: string }).role === 'assistant',
    );
    const messageId = (created2.message as { id: string }).id;
    // Several tokens streamed: the reply is generating.
    await socket.next((e) => e.type === 'token' && e.messageId === messageId && Number(e.seq) >= 5);
    assert.equal(model.streams(), 1);

    const sentAt = performance.now();
    assert.ok(proc.child.kill('SIGTERM'));
    const { code, signal, at } = await proc.exited;
    const tookMs = at - sentAt;
    await socket.closed;
    await sseDone;

    t.diagnostic(`exit ${code} ${Math.round(tookMs)} ms after SIGTERM (grace ${GRACE_MS} ms)`);
    assert.equal(signal, null, proc.output());
    assert.equal(code, 0, `exit code 0 (not force-killed):\n${proc.output()}`);
    assert.ok(tookMs < GRACE_MS / 2, `exited in ${Math.round(tookMs)} ms, well within the ${GRACE_MS} ms grace period`);
    assert.doesNotMatch(proc.output(), /force|timeout|terminated/i, 'no forced exit');
    assert.equal(model.aborted(), 1, "the model's stream was aborted, not left running");

    // The partial reply is stored as failed (interrupted), with what was streamed so far.
    const storage = await openStorage({ dataDir });
    try {
      const stored = await storage.messages.get(messageId);
      assert.ok(stored, 'the reply is stored');
      assert.equal(stored.status, 'failed');
      assert.match(stored.content, /word0 word1 word2/);
    } finally {
      await storage.close();
    }
  });
});
