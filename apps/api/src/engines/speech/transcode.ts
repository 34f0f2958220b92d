/**
 * Uploaded audio (webm/opus, ogg, wav, mp3, m4a: whatever ffmpeg decodes) → 16 kHz mono PCM16 WAV,
 * the input Whisper wants, plus the level figures that tell silence from speech. ffmpeg is a
 * child process (off the event loop); it stops reading after `maxSeconds + 1` seconds of audio,
 * so an over-long upload costs at most that much decoding.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { readWavHeader } from './wav.js';

export interface TranscodedAudio {
  durationSeconds: number;
  /** Largest absolute sample, 0..1. */
  peak: number;
  /** Root mean square level, 0..1. */
  rms: number;
}

export class AudioDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioDecodeError';
  }
}

export async function transcodeToWav16k(
  input: string,
  output: string,
  options: { maxSeconds: number; ffmpeg?: string },
): Promise<TranscodedAudio> {
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', input, '-vn', '-ac', '1', '-ar', '16000'];
  args.push('-t', String(options.maxSeconds + 1), '-c:a', 'pcm_s16le', '-f', 'wav', '-y', output);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(options.ffmpeg ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
    child.on('error', (e) => reject(new Error(`ffmpeg could not start: ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new AudioDecodeError(err.trim().split('\n').pop() ?? `ffmpeg exited ${code}`)),
    );
  });
  const wav = await readFile(output);
  let header;
  try {
    header = readWavHeader(wav);
  } catch (e) {
    throw new AudioDecodeError((e as Error).message);
  }
  const start = wav.length - header.dataBytes;
  const n = Math.floor(header.dataBytes / 2);
  let peak = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = wav.readInt16LE(start + i * 2) / 32768;
    const a = Math.abs(v);
    if (a > peak) peak = a;
    sum += v * v;
  }
  return { durationSeconds: n / header.sampleRate, peak, rms: n ? Math.sqrt(sum / n) : 0 };
}
