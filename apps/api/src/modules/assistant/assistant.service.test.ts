/**
 * The assistant service on a real llama.cpp model (the committed tiny GGUF): what streams is what
 * the guard let through, a reply cut at the token cap says so, and history never carries the note.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageDoc, ModelDoc } from '../../engines/storage/collections.js';
import { LlamaCppEngine } from '../../engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../../engines/inference/model-manager.js';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import { AssistantService, CUT_NOTE, historyTurns } from './assistant.service.js';

describe('assistant service on a real model', () => {
  let engine: LlamaCppEngine;
  let manager: ModelManager;
  let model: ModelDoc;
  before(async () => {
    engine = new LlamaCppEngine({ gpu: false, threads: 2, contextSize: 2048, parallel: 1 });
    manager = new ModelManager({ engines: { 'llama-cpp': engine }, memoryBudgetBytes: 1 << 30 });
    const path = await ensureTinyGguf();
    model = { id: 'tiny', name: 'tiny', engine: 'llama-cpp', path, status: 'available' } as unknown as ModelDoc;
  });
  after(async () => {
    await manager.close();
    await engine.close();
  });

  const ask = async (maxReplyTokens: number) => {
    const svc = new AssistantService({ manager, maxReplyTokens, contextTokens: 2048, now: () => new Date() });
    const streamed: string[] = [];
    const result = await svc.reply({
      model,
      history: [],
      message: { content: 'hello there' } as MessageDoc,
      card: null,
      readings: [],
      urgent: false,
      signal: new AbortController().signal,
      onToken: (t) => streamed.push(t),
      onProgress: () => undefined,
    });
    return { result, streamed: streamed.join('') };
  };

  it('a reply the token cap cuts is marked truncated and ends with the cut note, streamed too', async () => {
    const { result, streamed } = await ask(6);
    assert.equal(result.finishReason, 'length');
    assert.equal(result.truncated, true);
    assert.ok(streamed.endsWith(CUT_NOTE), streamed);
    assert.equal(result.text, streamed, 'the returned text is exactly what streamed');
  });

  it('the cut note never goes back to the model with the history', () => {
    const m = (role: 'user' | 'assistant', content: string): MessageDoc =>
      ({ id: content, chatId: 'c', role, content, status: 'complete', createdAt: new Date() }) as MessageDoc;
    assert.deepEqual(historyTurns([m('user', 'q'), m('assistant', `Some advice.${CUT_NOTE}`)]), [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'Some advice.' },
    ]);
  });
});
