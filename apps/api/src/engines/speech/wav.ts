/**
 * RIFF/WAVE PCM16 mono: the 44-byte canonical header is all a player needs, so this is written
 * here rather than pulling in a WAV library for it.
 */

/** The canonical 44-byte header of a PCM16 mono WAV holding `dataBytes` of samples. */
function wavHeader(dataBytes: number, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Raw signed 16-bit little-endian mono PCM → a WAV file. */
export function pcm16ToWav(pcm: Buffer, sampleRate: number): Buffer {
  return Buffer.concat([wavHeader(pcm.length, sampleRate), pcm]);
}

/** Float samples in [-1, 1] → a PCM16 mono WAV file. */
export function encodeWav(samples: Float32Array, sampleRate: number): Buffer {
  const buf = Buffer.alloc(44 + samples.length * 2);
  wavHeader(samples.length * 2, sampleRate).copy(buf, 0);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    buf.writeInt16LE(Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), 44 + i * 2);
  }
  return buf;
}

/** The header of a PCM WAV (throws on anything else). */
export function readWavHeader(buf: Buffer): { sampleRate: number; channels: number; bits: number; dataBytes: number } {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV file');
  let at = 12;
  let fmt: { sampleRate: number; channels: number; bits: number } | undefined;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = {
        channels: buf.readUInt16LE(at + 10),
        sampleRate: buf.readUInt32LE(at + 12),
        bits: buf.readUInt16LE(at + 22),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data before fmt');
      return { ...fmt, dataBytes: Math.min(size, buf.length - at - 8) };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV without data');
}

/** WAV clips (PCM16 mono, one sample rate) joined into one, `pauseSeconds` of silence between. */
export function concatWav(
  clips: Array<{ audio: Buffer; seconds: number }>,
  pauseSeconds = 0.25,
): { audio: Buffer; mimeType: 'audio/wav'; durationSeconds: number; seconds: number } {
  if (clips.length === 0) throw new Error('no clips');
  const headers = clips.map((c) => readWavHeader(c.audio));
  const rate = headers[0]!.sampleRate;
  if (headers.some((h) => h.sampleRate !== rate || h.channels !== 1 || h.bits !== 16))
    throw new Error('clips differ in format');
  const pause = Math.round(rate * pauseSeconds) * 2;
  const dataBytes = headers.reduce((n, h) => n + h.dataBytes, 0) + pause * (clips.length - 1);
  const out = encodeWav(new Float32Array(dataBytes / 2), rate);
  let at = 44;
  for (const [i, c] of clips.entries()) {
    if (i > 0) at += pause;
    const h = headers[i]!;
    const start = c.audio.length - h.dataBytes;
    c.audio.copy(out, at, start, start + h.dataBytes);
    at += h.dataBytes;
  }
  return {
    audio: out,
    mimeType: 'audio/wav',
    durationSeconds: dataBytes / 2 / rate,
    seconds: clips.reduce((n, c) => n + c.seconds, 0),
  };
}
