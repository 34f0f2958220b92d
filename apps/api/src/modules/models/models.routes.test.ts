/**
 * The models API against the real app: what each role sees, a user's choice (and that it is the
 * model that answers), admin registration and its bad input, and the boot-time registration of a
 * pulled default model.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import { createTestApp } from '../../testing/test-app.js';
import { GOOD_PASSWORD } from '../account/auth.test-helpers.js';
import {
  addModel,
  chatTestEngines,
  chatTestEnv,
  createChatTestApp,
  newClientId,
  newGuest,
  newUser,
  openSocket,
  tokensOf,
  type ChatTestApp,
} from '../chat/chat.test-helpers.js';
import { MANIFEST } from '../../engines/model-store/index.js';
import { DEFAULT_MODEL_SOURCE } from './model.service.js';

const ADMIN = { ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: GOOD_PASSWORD };

for (const engine of chatTestEngines) {
  describe(`models API (${engine})`, () => {
    let t: ChatTestApp;
    let admin: { authorization: string };
    before(async () => {
      t = await createChatTestApp(engine, ADMIN);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
      });
      assert.equal(login.statusCode, 200, login.body);
      admin = { authorization: `Bearer ${login.json().accessToken}` };
      await addModel(t.app, { name: 'disabled-one', path: '/nowhere.gguf', status: 'disabled' });
    });
    after(() => t.close());

    it('guests and patients see available models only, with minimal fields', async () => {
      const g = await newGuest(t.app);
      const u = await newUser(t.app);
      for (const auth of [g.auth, u.auth]) {
        const res = await t.app.inject({ method: 'GET', url: '/api/models', headers: auth });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.defaultModelId, t.model.id);
        assert.deepEqual(
          body.items.map((m: Record<string, unknown>) => Object.keys(m).sort()),
          [['id', 'isDefault', 'kind', 'name', 'small']],
        );
        // A 0.5 MB GGUF on this server: a small model, so the web shows its limits.
        assert.deepEqual(body.items[0], { id: t.model.id, name: 'tiny-llama', kind: 'base', isDefault: true, small: true });
        assert.equal(body.selectedModelId, null);
      }
      const none = await t.app.inject({ method: 'GET', url: '/api/models' });
      assert.equal(none.statusCode, 401);
    });

    it('admins see every model with engine, path, status and memory state', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/models', headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      const names = res.json().items.map((m: { name: string }) => m.name);
      assert.ok(names.includes('tiny-llama') && names.includes('disabled-one'));
      const tiny = res.json().items.find((m: { name: string }) => m.name === 'tiny-llama');
      assert.equal(tiny.engine, 'llama-cpp');
      assert.equal(tiny.status, 'available');
      assert.equal(typeof tiny.path, 'string');
      assert.ok('loaded' in tiny);
    });

    it('a user chooses a model; replies then come from it; null goes back to the default', async () => {
      const u = await newUser(t.app);
      const other = await addModel(t.app, { name: `tiny-copy-${engine}`, path: await ensureTinyGguf() });
      const use = await t.app.inject({ method: 'POST', url: '/api/models/use', headers: u.auth, payload: { modelId: other.id } });
      assert.equal(use.statusCode, 200, use.body);
      assert.deepEqual(use.json(), {
        selectedModelId: other.id,
        model: { id: other.id, name: other.name, kind: 'base', isDefault: false, small: true },
      });
      const list = await t.app.inject({ method: 'GET', url: '/api/models', headers: u.auth });
      assert.equal(list.json().selectedModelId, other.id);
      const sent = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: u.auth,
        payload: { chatId: u.chatId, content: 'hello', clientId: newClientId() },
      });
      assert.equal(sent.json().model, other.name);
      const reset = await t.app.inject({ method: 'POST', url: '/api/models/use', headers: u.auth, payload: { modelId: null } });
      assert.equal(reset.json().selectedModelId, null);
      assert.equal(reset.json().model.id, t.model.id);
      // Unknown, unavailable, malformed; guests cannot choose.
      const disabled = (await t.app.storage.models.findOne({ name: 'disabled-one' }))!;
      for (const [payload, status] of [
        [{ modelId: disabled.id }, 404],
        [{ modelId: '00000000-0000-7000-8000-000000000000' }, 404],
        [{ modelId: { $gt: '' } }, 400],
        [{}, 400],
        [{ modelId: other.id, extra: true }, 400],
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url: '/api/models/use', headers: u.auth, payload });
        assert.equal(res.statusCode, status, JSON.stringify(payload));
      }
      const g = await newGuest(t.app);
      const guestUse = await t.app.inject({ method: 'POST', url: '/api/models/use', headers: g.auth, payload: { modelId: other.id } });
      assert.equal(guestUse.statusCode, 401);
    });

    it('admins register models; others cannot; bad registrations are 4xx and store nothing', async () => {
      const file = join(t.dataDir, 'models', 'registered.gguf');
      await mkdir(join(t.dataDir, 'models'), { recursive: true });
      await copyFile(await ensureTinyGguf(), file);
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/models',
        headers: admin,
        payload: { name: `registered-${engine}`, engine: 'llama-cpp', path: 'registered.gguf' },
      });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().path, file, 'relative paths resolve under MODELS_DIR');
      assert.equal(ok.json().status, 'available');
      assert.equal(ok.json().isDefault, false);
      const u = await newUser(t.app);
      const patient = await t.app.inject({
        method: 'POST',
        url: '/api/models',
        headers: u.auth,
        payload: { name: 'x', engine: 'llama-cpp', path: file },
      });
      assert.equal(patient.statusCode, 403);
      const before = await t.app.storage.models.count({});
      const txt = join(t.dataDir, 'not-a-model.txt');
      await writeFile(txt, 'hello');
      for (const [payload, status] of [
        [{ name: `registered-${engine}`, engine: 'llama-cpp', path: file }, 409],
        [{ name: 'missing', engine: 'llama-cpp', path: '/no/such/file.gguf' }, 422],
        [{ name: 'txt', engine: 'llama-cpp', path: txt }, 422],
        [{ name: 'dir', engine: 'transformers', path: file }, 422],
        [{ name: 'remote', engine: 'openai', path: 'gpt-x' }, 400],
        [{ name: 'local-url', engine: 'llama-cpp', path: file, baseUrl: 'http://x' }, 400],
        [{ name: 'bad name!', engine: 'llama-cpp', path: file }, 400],
        [{ name: 'x', engine: 'pytorch', path: file }, 400],
        [{ name: { $gt: '' }, engine: 'llama-cpp', path: file }, 400],
        [{ name: 'x', engine: 'llama-cpp', path: file, apiKey: 'sk-x' }, 400],
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url: '/api/models', headers: admin, payload });
        assert.equal(res.statusCode, status, `${JSON.stringify(payload)} → ${res.body}`);
      }
      assert.equal(await t.app.storage.models.count({}), before);
      // A remote model: baseUrl is kept as its source; nothing is contacted at registration.
      const remote = await t.app.inject({
        method: 'POST',
        url: '/api/models',
        headers: admin,
        payload: { name: `remote-${engine}`, engine: 'openai', path: 'llama3', baseUrl: 'http://127.0.0.1:9/v1' },
      });
      assert.equal(remote.statusCode, 201, remote.body);
      assert.equal(remote.json().source, 'http://127.0.0.1:9/v1');
    });
  });
}

describe('default model at boot', () => {
  it('registers a pulled SmolLM2 from DATA_DIR/models as the default when the registry has none', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'medichat-default-'));
    const dir = join(dataDir, 'models', 'smollm2-135m-instruct-q4_1');
    await mkdir(dir, { recursive: true });
    const gguf = join(dir, 'SmolLM2-135M-Instruct.Q4_1.gguf');
    await copyFile(await ensureTinyGguf(), gguf);
    await writeFile(
      join(dir, MANIFEST),
      JSON.stringify({
        version: 1,
        name: 'smollm2-135m-instruct-q4_1',
        source: DEFAULT_MODEL_SOURCE,
        engine: 'llama-cpp',
        main: 'SmolLM2-135M-Instruct.Q4_1.gguf',
        sha256: 'x',
        sizeBytes: 1,
        files: [],
        pulledAt: new Date().toISOString(),
      }),
    );
    const t = await createTestApp({ ...chatTestEnv, DATA_DIR: dataDir });
    try {
      const def = await t.app.storage.models.findOne({ isDefault: true });
      assert.equal(def?.name, 'smollm2-135m-instruct-q4_1');
      assert.equal(def?.path, gguf);
      const g = await newGuest(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: g.auth,
        payload: { chatId: g.chatId, content: 'hello', clientId: newClientId() },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().model, 'smollm2-135m-instruct-q4_1');
    } finally {
      await t.close();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a remote OpenAI-compatible model registered by an admin answers chats', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ url: string; auth: string | undefined; body: Record<string, unknown> | null }> = [];
  before(async () => {
    // A minimal server speaking the OpenAI wire format: GET /v1/models, streamed chat completions.
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', auth: req.headers.authorization, body: raw ? JSON.parse(raw) : null });
        if (req.url === '/v1/models') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'list', data: [{ id: 'remote-llm', object: 'model' }] }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null = null) =>
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'remote-llm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.write(chunk({ role: 'assistant', content: '' }));
        for (const w of ['Drink ', 'water ', 'and ', 'rest.']) res.write(chunk({ content: w }));
        res.write(chunk({}, 'stop'));
        res.write(
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 50, completion_tokens: 4, total_tokens: 54 } })}\n\n`,
        );
        res.end('data: [DONE]\n\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('registers, streams over the WebSocket, stores the reply; the key comes from config', async () => {
    const t = await createChatTestApp('sqlite', { ...ADMIN, OPENAI_API_KEY: 'sk-config-key-123' }, { model: false });
    try {
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
      });
      const admin = { authorization: `Bearer ${login.json().accessToken}` };
      const reg = await t.app.inject({
        method: 'POST',
        url: '/api/models',
        headers: admin,
        payload: { name: 'remote', engine: 'openai', path: 'remote-llm', baseUrl, isDefault: true },
      });
      assert.equal(reg.statusCode, 201, reg.body);
      assert.equal(reg.json().isDefault, true);
      assert.equal(reg.json().small, false, 'a remote server is not called small: its size is unknown here');
      const g = await newGuest(t.app);
      const s = await openSocket(t.wsBase, g.chatId, { token: g.token });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: g.auth,
        payload: { chatId: g.chatId, content: 'I feel a bit run down.', clientId: newClientId() },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().content, 'Drink water and rest.');
      assert.equal(res.json().model, 'remote');
      assert.equal(res.json().timings.tokens, 4);
      await s.next((e) => e.type === 'message.completed');
      assert.equal(tokensOf(s.events, res.json().id).text, 'Drink water and rest.');
      await s.close();
      const completion = seen.find((r) => r.url === '/v1/chat/completions')!;
      assert.equal(completion.auth, 'Bearer sk-config-key-123');
      assert.equal(completion.body!.model, 'remote-llm');
      const msgs = completion.body!.messages as Array<{ role: string; content: string }>;
      assert.equal(msgs[0]!.role, 'system');
      assert.equal(msgs.at(-1)!.content, 'I feel a bit run down.');
    } finally {
      await t.close();
    }
  });
});
