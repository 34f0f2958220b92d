/**
 * The on-disk layout of the store: `<modelsDir>/<name>/` holds a model's files and
 * `.medichat-model.json` (source, files, sizes, sha256). Reading manifests lists the models
 * present; a model is intact when its files have their recorded sizes (or hashes, with `verify`).
 * `safeJoin` refuses any path from a listing or a wheel that would escape the model directory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { sha256File } from './hashing.js';
import { PullError, type PulledEngine, type PulledFile, type PulledModel } from './port.js';

export const MANIFEST = '.medichat-model.json';

export interface Manifest {
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

export async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    return m && m.version === 1 && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

export function toPulled(dir: string, m: Manifest, alreadyPresent: boolean): PulledModel {
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

export async function findPresent(
  modelsDir: string,
  source: string,
  name: string | undefined,
  rehash: boolean,
): Promise<PulledModel | null> {
  for (const p of await listPulledModels(modelsDir)) {
    if (p.source !== source || (name && p.name !== name)) continue;
    const m = (await readManifest(p.dir))!;
    if (await isIntact(p.dir, m, rehash)) return p;
  }
  return null;
}

export function safeJoin(root: string, rel: string): string {
  const parts = rel.split(/[\\/]/);
  if (rel.startsWith('/') || parts.some((p) => p === '..' || p === '')) {
    throw new PullError('CHECKSUM_MISMATCH', `refusing unsafe path ${JSON.stringify(rel)}`);
  }
  const p = join(root, ...parts);
  if (relative(root, p).startsWith('..'))
    throw new PullError('CHECKSUM_MISMATCH', `refusing unsafe path ${JSON.stringify(rel)}`);
  return p;
}
