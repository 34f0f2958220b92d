import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSSE, SSEParser, type SSEEvent } from './sse.js';

const enc = new TextEncoder();

/** Feeds `text` split at every given offset (as bytes), returns all events. */
function parseSplit(text: string, cuts: number[]): SSEEvent[] {
  const bytes = enc.encode(text);
  const p = new SSEParser();
  const out: SSEEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...p.feed(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...p.end());
  return out;
}

describe('SSEParser', () => {
  it('parses data lines, [DONE], comments and named events', () => {
    const text = ': ping\n\ndata: {"a":1}\n\nevent: error\ndata: {"error":"x"}\n\n: keep-alive\ndata: [DONE]\n\n';
    assert.deepEqual(parseSplit(text, []), [
      { event: 'message', data: '{"a":1}' },
      { event: 'error', data: '{"error":"x"}' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('gives the same events whatever the chunk boundaries (every byte split, multi-byte UTF-8)', () => {
    const text = 'data: {"content":"héllo – 世界 🩺"}\r\n\r\ndata: a\rdata: b\r\rid: 7\ndata:no-space\n\n';
    const whole = parseSplit(text, []);
    assert.deepEqual(whole, [
      { event: 'message', data: '{"content":"héllo – 世界 🩺"}' },
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: 'no-space', id: '7' },
    ]);
    const n = enc.encode(text).length;
    for (let i = 1; i < n; i++) assert.deepEqual(parseSplit(text, [i]), whole, `split at byte ${i}`);
    assert.deepEqual(
      parseSplit(
        text,
        Array.from({ length: n - 1 }, (_, i) => i + 1),
      ),
      whole,
      'one byte at a time',
    );
  });

  it('handles CRLF split between chunks as one line end', () => {
    const p = new SSEParser();
    assert.deepEqual(p.feed('data: x\r'), []);
    assert.deepEqual(p.feed('\n\r'), [{ event: 'message', data: 'x' }]);
    assert.deepEqual(p.feed('\ndata: y\n\n'), [{ event: 'message', data: 'y' }]);
  });

  it('drops a BOM, unknown fields, events without data; keeps a field with no colon as empty', () => {
    assert.deepEqual(parseSplit('\uFEFFdata: 1\n\nfoo: bar\n\nevent: x\n\ndata\n\n', []), [
      { event: 'message', data: '1' },
      { event: 'message', data: '' },
    ]);
  });

  it('at end of stream dispatches complete lines but drops a partial one', () => {
    assert.deepEqual(parseSplit('data: complete\n', []), [{ event: 'message', data: 'complete' }]);
    assert.deepEqual(parseSplit('data: complete\n\ndata: {"trunc', []), [{ event: 'message', data: 'complete' }]);
  });

  it('readSSE reads an async byte stream', async () => {
    async function* body() {
      yield enc.encode('data: 1\n');
      yield enc.encode('\ndata: 2\n\n');
    }
    const got: string[] = [];
    for await (const e of readSSE(body())) got.push(e.data);
    assert.deepEqual(got, ['1', '2']);
  });
});
