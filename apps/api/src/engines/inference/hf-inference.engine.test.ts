/**
 * HfInferenceEngine: the OpenAI engine with Hugging Face defaults. The request it sends is checked
 * against a local server playing the HF router (`/v1/models`, `/v1/chat/completions`, SSE).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HF_ROUTER_URL, HfInferenceEngine } from './hf-inference.engine.js';
import { ModelUnavailableError } from './openai.engine.js';
import type { ModelDescriptor } from './port.js';

const TOKEN = 'hf_testtoken';
const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
const server = createServer(async (req, res) => {
  let raw = '';
  for await (const c of req) raw += c;
  const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Invalid credentials in Authorization header' }));
    return;
  }
  if (req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'HuggingFaceTB/SmolLM3-3B', object: 'model' }] }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.end(
    chunk({ role: 'assistant', content: '' }, null) +
      chunk({ content: 'Hi' }, null) +
      chunk({}, 'stop') +
      'data: [DONE]\n\n',
  );
});
let url = '';

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const desc = (path: string, over: Partial<ModelDescriptor> = {}): ModelDescriptor => ({
  id: 'hf-1',
  name: 'HF',
  engine: 'hf-inference',
  path,
  ...over,
});

describe('HfInferenceEngine', () => {
  it('defaults to the HF router, HF_ENDPOINT and HF_TOKEN override', () => {
    assert.equal(new HfInferenceEngine({ env: {} }).endpoint, HF_ROUTER_URL);
    assert.equal(new HfInferenceEngine({ env: { HF_ENDPOINT: url } }).endpoint, url);
    assert.equal(new HfInferenceEngine({ env: { HF_ENDPOINT: url }, endpoint: 'http://x' }).endpoint, 'http://x');
    assert.equal(new HfInferenceEngine().name, 'hf-inference');
  });

  it('sends an OpenAI chat completion with the model id, the token and stream: true', async () => {
    const engine = new HfInferenceEngine({ env: { HF_ENDPOINT: url, HF_TOKEN: TOKEN } });
    const m = await engine.load(desc('HuggingFaceTB/SmolLM3-3B'));
    assert.equal(m.memoryBytes, 0);
    const tokens: string[] = [];
    const r = await m.generate({
      messages: [{ role: 'user', content: 'hello' }],
      maxTokens: 20,
      onToken: (t) => tokens.push(t),
    });
    assert.deepEqual([r.text, r.finishReason, tokens], ['Hi', 'stop', ['Hi']]);
    const [models, chat] = seen.slice(-2);
    assert.deepEqual([models!.method, models!.url], ['GET', '/v1/models']);
    assert.deepEqual([chat!.method, chat!.url], ['POST', '/v1/chat/completions']);
    assert.equal(chat!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(chat!.body, {
      model: 'HuggingFaceTB/SmolLM3-3B',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      max_tokens: 20,
      stream_options: { include_usage: true },
    });
    await engine.close();
  });

  it('appends the configured provider, keeps an explicit one, and checks the bare id when asked', async () => {
    const engine = new HfInferenceEngine({ env: { HF_ENDPOINT: url, HF_TOKEN: TOKEN }, provider: 'fastest' });
    await (
      await engine.load(desc('HuggingFaceTB/SmolLM3-3B'))
    ).generate({ messages: [{ role: 'user', content: 'a' }] });
    assert.equal(seen.at(-1)!.body.model, 'HuggingFaceTB/SmolLM3-3B:fastest');
    await (
      await engine.load(desc('HuggingFaceTB/SmolLM3-3B:together'))
    ).generate({ messages: [{ role: 'user', content: 'b' }] });
    assert.equal(seen.at(-1)!.body.model, 'HuggingFaceTB/SmolLM3-3B:together');
    const strict = new HfInferenceEngine({ env: { HF_ENDPOINT: url, HF_TOKEN: TOKEN }, verifyModel: 'present' });
    await strict.load(desc('HuggingFaceTB/SmolLM3-3B:cheapest'));
    await assert.rejects(
      strict.load(desc('nobody/nothing')),
      (e: unknown) => (e as ModelUnavailableError).code === 'not_found',
    );
  });

  it("a descriptor's baseUrl and apiKey win; a bad token is a typed 401", async () => {
    const engine = new HfInferenceEngine({ env: {} });
    const m = await engine.load(desc('HuggingFaceTB/SmolLM3-3B', { baseUrl: url, apiKey: TOKEN }));
    assert.equal((await m.generate({ messages: [{ role: 'user', content: 'c' }] })).text, 'Hi');
    await assert.rejects(
      engine.load(desc('HuggingFaceTB/SmolLM3-3B', { baseUrl: url, apiKey: 'hf_wrong' })),
      (e: unknown) =>
        e instanceof ModelUnavailableError &&
        e.code === 'unauthorized' &&
        e.status === 401 &&
        !e.message.includes('hf_wrong'),
    );
  });

  it('without any token the router is refused before any request', async () => {
    const before = seen.length;
    await assert.rejects(
      new HfInferenceEngine({ env: {} }).load(desc('HuggingFaceTB/SmolLM3-3B')),
      (e: unknown) => e instanceof ModelUnavailableError && /HF_TOKEN/.test(e.message),
    );
    assert.equal(seen.length, before);
  });
});
