/**
 * The chat's pure pieces: merging pages with live updates, reconnect backoff, screen-reader text.
 * Run: node --conditions=development --import tsx --test apps/web/src/features/chat/lib/chat-lib.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '@medichat/shared';
import { backoffDelay, defaultBackoff } from '../../../lib/ws-client';
import { mergeMessages } from './merge-messages';
import { plainText } from './plain-text';

function msg(id: string, createdAt: string, over: Partial<Message> = {}): Message {
  return {
    id,
    chatId: 'c1',
    role: 'assistant',
    content: '',
    status: 'complete',
    clientId: null,
    replyTo: null,
    model: null,
    timings: null,
    triage: null,
    error: null,
    safety: [],
    citations: [],
    truncated: false,
    createdAt,
    updatedAt: createdAt,
    ...over,
  };
}

test('mergeMessages orders by createdAt then id, and dedupes by id', () => {
  const a = msg('a', '2026-01-01T00:00:01Z');
  const b = msg('b', '2026-01-01T00:00:00Z');
  const c = msg('c', '2026-01-01T00:00:01Z');
  const merged = mergeMessages([c, a], [b, a]);
  assert.deepEqual(
    merged.map((m) => m.id),
    ['b', 'a', 'c'],
  );
});

test('a fetched page never undoes what the socket said', () => {
  const t = '2026-01-01T00:00:00Z';
  const streaming = msg('r', t, { status: 'streaming', content: 'Hello wor' });
  // The server stores the text only when the reply ends: a page mid-stream has it empty.
  assert.equal(
    mergeMessages([streaming], [msg('r', t, { status: 'streaming', content: '' })])[0]!.content,
    'Hello wor',
  );
  const done = msg('r', t, { status: 'complete', content: 'Hello world', updatedAt: '2026-01-01T00:00:05Z' });
  assert.equal(mergeMessages([done], [msg('r', t, { status: 'pending' })])[0]!.status, 'complete');
  assert.equal(mergeMessages([streaming], [done])[0]!.content, 'Hello world', 'a finished copy replaces a live one');
  // A retry resets a finished reply: the socket's event is applied with force.
  assert.equal(mergeMessages([done], [msg('r', t, { status: 'pending' })], { force: true })[0]!.status, 'pending');
});

test('backoff grows exponentially, is capped, and is jittered within bounds', () => {
  const mid = () => 0.5;
  assert.equal(backoffDelay(0, defaultBackoff, mid), 500);
  assert.equal(backoffDelay(1, defaultBackoff, mid), 1000);
  assert.equal(backoffDelay(3, defaultBackoff, mid), 4000);
  assert.equal(backoffDelay(30, defaultBackoff, mid), 30_000);
  assert.equal(
    backoffDelay(0, defaultBackoff, () => 0),
    375,
  );
  assert.equal(
    backoffDelay(0, defaultBackoff, () => 1),
    625,
  );
});

test('plainText drops markdown syntax for the live region', () => {
  assert.equal(
    plainText('**Call 112 now** or go to the [nearest ED](https://example.org).\n\n- Sit down\n- _Stay calm_'),
    'Call 112 now or go to the nearest ED. Sit down Stay calm',
  );
});
