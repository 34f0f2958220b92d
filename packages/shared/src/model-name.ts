/**
 * A readable name for a model registered under a slug (issue #13: "smollm2-135m-instruct-q4_1"
 * reads as "SmolLM2 135M Instruct (Q4_1)"). The registry has no display name, so the rule is:
 *
 * - a name that already reads as one (has a space or a capital letter) is kept as it is;
 * - else the part after the last `/` or `:` (`hf:org/repo`), split on `-`, `_` between words, and
 *   spaces; known model families get their own spelling (SmolLM2, Llama, Qwen2.5, TinyLlama, …);
 *   sizes (`135m`, `1.7b`, `8x7b`) are upper-cased; quantisation and weight formats (`q4_1`,
 *   `q4_k_m`, `f16`, `int8`, `gguf`) move to the end in brackets, upper-cased; versions (`v0.3`)
 *   stay lower-case; every other word is capitalised.
 *
 * Pure and shared: the model picker and the "Answered by …" line use the same rule.
 */
const FAMILIES: Record<string, string> = {
  smollm: 'SmolLM',
  smollm2: 'SmolLM2',
  smollm3: 'SmolLM3',
  tinyllama: 'TinyLlama',
  llama: 'Llama',
  gemma: 'Gemma',
  qwen: 'Qwen',
  mistral: 'Mistral',
  mixtral: 'Mixtral',
  phi: 'Phi',
  gpt2: 'GPT-2',
  biomistral: 'BioMistral',
  meditron: 'Meditron',
  minilm: 'MiniLM',
  bert: 'BERT',
  gguf: 'GGUF',
  onnx: 'ONNX',
  it: 'IT',
  hf: 'HF',
};
const SIZE = /^\d+(\.\d+)?[kmbt]$|^\d+x\d+(\.\d+)?[mb]$/i;
const QUANT = /^(q\d+(_[a-z0-9]+)*|iq\d+(_[a-z0-9]+)*|f16|f32|bf16|fp16|fp32|int4|int8|awq|gptq)$/i;
const VERSION = /^v\d+(\.\d+)*$/i;

function family(word: string): string | null {
  const lower = word.toLowerCase();
  if (FAMILIES[lower]) return FAMILIES[lower];
  // A family with its version glued on: qwen2.5, llama3.2, phi3, gemma2.
  const m = /^([a-z]+)(\d+(\.\d+)*)$/.exec(lower);
  if (m && FAMILIES[m[1]!]) return `${FAMILIES[m[1]!]}${m[2]}`;
  return null;
}

export function modelDisplayName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || /\s/.test(trimmed) || /[A-Z]/.test(trimmed)) return trimmed;
  const base = trimmed.split(/[/:]/).filter(Boolean).pop() ?? trimmed;
  const words: string[] = [];
  const quant: string[] = [];
  // `q4_k_m` is one token; elsewhere `_` separates words like `-`.
  for (const token of base.split('-').filter(Boolean)) {
    const parts = QUANT.test(token) ? [token] : token.split('_').filter(Boolean);
    for (const part of parts) {
      if (QUANT.test(part)) quant.push(part.toUpperCase());
      else if (part.toLowerCase() === 'gguf' || part.toLowerCase() === 'onnx') quant.push(part.toUpperCase());
      else if (SIZE.test(part)) words.push(part.toUpperCase().replace('X', 'x'));
      else if (VERSION.test(part)) words.push(part.toLowerCase());
      else words.push(family(part) ?? part.charAt(0).toUpperCase() + part.slice(1));
    }
  }
  if (!words.length) return trimmed;
  return quant.length ? `${words.join(' ')} (${quant.join(', ')})` : words.join(' ');
}
