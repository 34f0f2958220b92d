/**
 * The two child processes of a fine-tune job:
 *
 * - `runTrainer`: `python -m medichat_trainer train …` (trainer/), its stdout JSON lines handed to
 *   `onLine` as they come; an aborted signal sends SIGTERM (the trainer stops before its next step
 *   and exits 3), then SIGKILL after a grace period.
 * - `loadCheck`: loads a new GGUF with node-llama-cpp in a separate Node process and generates a
 *   few tokens. A GGUF with a broken tokenizer aborts the whole process that loads it
 *   (`std::out_of_range`), so a checkpoint is registered — and loaded by the server — only after a
 *   child survived it.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export interface TrainerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stderr (library noise and tracebacks), for the error message. */
  stderrTail: string;
}

export function runTrainer(opts: {
  python: string;
  trainerDir: string;
  args: string[];
  signal?: AbortSignal;
  onLine: (line: string) => void;
  /** SIGKILL this long after SIGTERM when the trainer has not exited. */
  killAfterMs?: number;
}): Promise<TrainerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.python, ['-m', 'medichat_trainer', ...opts.args], {
      cwd: opts.trainerDir,
      // The environment is inherited; the trainer flushes each progress line itself.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      stderr = (stderr + c).slice(-4000);
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => opts.onLine(l));
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 15_000);
      killTimer.unref();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, stderrTail: stderr.split('\n').slice(-12).join('\n') });
    });
  });
}

export interface LoadCheck {
  ms: number;
  text: string;
  tokens: number;
}

/** What the child runs: load, generate a few tokens greedily, print one JSON line. */
const LOAD_CHECK_CODE = `
const [url, modelPath, maxTokens] = process.argv.slice(2);
const t0 = performance.now();
const { getLlama, LlamaCompletion } = await import(url);
const llama = await getLlama({ gpu: false, build: 'never' });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: 256 });
const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
const text = await completion.generateCompletion('<|im_start|>user\\nHello<|im_end|>\\n<|im_start|>assistant\\n', {
  maxTokens: Number(maxTokens), temperature: 0,
});
const tokens = model.tokenize(text).length;
await context.dispose(); await model.dispose(); await llama.dispose();
process.stdout.write(JSON.stringify({ ok: true, ms: Math.round(performance.now() - t0), text, tokens }) + '\\n');
`;

export class LoadCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadCheckError';
  }
}

export async function loadCheck(
  modelPath: string,
  opts: { maxTokens?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<LoadCheck> {
  const url = pathToFileURL(createRequire(import.meta.url).resolve('node-llama-cpp')).href;
  // A script file beside the model: node-llama-cpp finds no prebuilt binary when run from `-e`.
  const script = join(dirname(modelPath), 'load-check.mjs');
  await writeFile(script, LOAD_CHECK_CODE);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, url, modelPath, String(opts.maxTokens ?? 8)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(last) as { ok?: boolean; ms: number; text: string; tokens: number };
        if (code === 0 && r.ok) return resolve({ ms: r.ms, text: r.text, tokens: r.tokens });
      } catch {
        // not the child's line: it died before printing it
      }
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      const tail = (err.match(/^\w*Error:.*$/m)?.[0] ?? err.trim().split('\n').slice(-3).join(' | ')).slice(0, 500);
      reject(new LoadCheckError(`the GGUF did not load in a child process (${why})${tail ? `: ${tail}` : ''}`));
    });
  });
}
