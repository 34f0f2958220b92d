/** The readable model names of issue #13, derived from registry slugs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelDisplayName } from './model-name.js';

describe('modelDisplayName', () => {
  it('reads a slug as a name: family, size, words, quantisation in brackets', () => {
    const cases: Array<[string, string]> = [
      ['smollm2-135m-instruct-q4_1', 'SmolLM2 135M Instruct (Q4_1)'],
      ['smollm2-1.7b-instruct-q4_k_m', 'SmolLM2 1.7B Instruct (Q4_K_M)'],
      ['qwen2.5-0.5b-instruct', 'Qwen2.5 0.5B Instruct'],
      ['hf:HuggingFaceTB/SmolLM2-360M-Instruct', 'hf:HuggingFaceTB/SmolLM2-360M-Instruct'],
      ['hf:org/llama3.2-1b-instruct-f16', 'Llama3.2 1B Instruct (F16)'],
      ['mistral-7b-instruct-v0.3-gguf', 'Mistral 7B Instruct v0.3 (GGUF)'],
      ['tiny-llama', 'Tiny Llama'],
      ['mixtral-8x7b', 'Mixtral 8x7B'],
      ['my_clinic_model', 'My Clinic Model'],
      ['smollm2-135m-instruct-q4_1-ft-2', 'SmolLM2 135M Instruct Ft 2 (Q4_1)'],
    ];
    for (const [slug, name] of cases) assert.equal(modelDisplayName(slug), name, slug);
  });

  it('keeps a name that already reads as one, and never returns nothing', () => {
    assert.equal(modelDisplayName('Clinic GPT (staging)'), 'Clinic GPT (staging)');
    assert.equal(modelDisplayName('  BioMistral-7B '), 'BioMistral-7B');
    assert.equal(modelDisplayName('q4_1'), 'q4_1');
    assert.equal(modelDisplayName('---'), '---');
  });
});
