/**
 * Audio for the cloud speech APIs. Everything they take for short dictation is 16 kHz mono 16-bit
 * PCM WAV. A file that already is (the voice route transcodes uploads to exactly that) goes as it
 * is; anything else is decoded by ffmpeg (installed on every Medichat host; the local engines need
 * it too) to raw PCM and wrapped in a canonical 44-byte WAV header: ffmpeg writing WAV to a pipe
 * cannot go back to fill in the chunk sizes, and those 44 bytes are fixed by the RIFF format.
 * Formats and lengths are read with music-metadata (a parser, no process): starting ffmpeg costs
 * 0.1–0.4 s on a busy host, which the fast paths save.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseBuffer, type IAudioMetadata } from 'music-metadata';
import { SpeechError } from '../port.js';
import { pcm16ToWav } from '../wav.js';

export const SAMPLE_RATE = 16_000;

/**
 * Decode any audio ffmpeg reads (a file path, or the bytes themselves) to raw signed 16-bit
 * little-endian mono PCM at `rate` Hz. Rejects with a `SpeechError` (`code`) when ffmpeg cannot.
 */
export function decodeToPcm(
  input: string | Buffer,
  code: SpeechError['code'],
  options: { rate?: number; signal?: AbortSignal } = {},
): Promise<Buffer> {
  const rate = options.rate ?? SAMPLE_RATE;
  const source = typeof input === 'string' ? input : 'pipe:0';
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', source, '-vn', '-ac', '1', '-ar', String(rate)].concat([
        '-f',
        's16le',
        '-acodec',
        'pcm_s16le',
        'pipe:1',
      ]),
      { stdio: [typeof input === 'string' ? 'ignore' : 'pipe', 'pipe', 'pipe'], signal: options.signal },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-2000);
    });
    child.on('error', (e) => {
      if (options.signal?.aborted) reject(options.signal.reason as Error);
      else reject(new SpeechError('ENGINE_UNAVAILABLE', `ffmpeg could not run: ${e.message}`));
    });
    child.on('close', (status) => {
      if (options.signal?.aborted) return reject(options.signal.reason as Error);
      const pcm = Buffer.concat(out);
      if (status !== 0 || pcm.length === 0) {
        const why = err.trim().split('\n').pop() || (status === 0 ? 'no audio in it' : `ffmpeg exited ${status}`);
        return reject(new SpeechError(code, `not readable audio: ${why}`));
      }
      resolve(pcm);
    });
    if (typeof input !== 'string' && child.stdin) {
      // ffmpeg may stop reading early (bad input): its exit code tells, not the broken pipe.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** A RIFF/WAVE file around raw 16-bit mono PCM (the speech engines' one WAV writer). */
export function pcmToWav(pcm: Buffer, rate = SAMPLE_RATE): Buffer {
  return pcm16ToWav(pcm, rate);
}

/** The format of audio bytes, or undefined when music-metadata does not recognise them. */
async function formatOf(audio: Buffer): Promise<IAudioMetadata['format'] | undefined> {
  try {
    return (await parseBuffer(audio, undefined, { duration: true, skipCovers: true })).format;
  } catch {
    return undefined;
  }
}

/** An audio file as the cloud APIs want it: 16 kHz mono 16-bit PCM WAV, with its length in seconds. */
export async function toWav16k(path: string, signal?: AbortSignal): Promise<{ wav: Buffer; durationSeconds: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path, { signal });
  } catch (err) {
    if (signal?.aborted) throw signal.reason as Error;
    throw new SpeechError('TRANSCRIBE_FAILED', `cannot read the audio: ${(err as Error).message}`);
  }
  const f = await formatOf(bytes);
  if (
    f?.container === 'WAVE' &&
    f.codec === 'PCM' &&
    f.sampleRate === SAMPLE_RATE &&
    f.numberOfChannels === 1 &&
    f.bitsPerSample === 16 &&
    f.duration
  )
    return { wav: bytes, durationSeconds: f.duration };
  // By path, not piped: MP4/M4A keep their index at the end, which ffmpeg can only seek to in a file.
  const pcm = await decodeToPcm(path, 'TRANSCRIBE_FAILED', { signal });
  return { wav: pcmToWav(pcm), durationSeconds: pcm.length / 2 / SAMPLE_RATE };
}

/**
 * The length of synthesised audio (WAV, MP3, Ogg… as a vendor returned it). Bytes that are not
 * audio (say, an HTML error page with a 200) are refused. Read from the headers and frames when
 * music-metadata can; else by decoding with ffmpeg.
 */
export async function audioSeconds(audio: Buffer, signal?: AbortSignal): Promise<number> {
  const f = await formatOf(audio);
  if (f?.duration && f.duration > 0) return f.duration;
  const rate = 8000;
  const pcm = await decodeToPcm(audio, 'SYNTHESIZE_FAILED', { rate, signal });
  return pcm.length / 2 / rate;
}
