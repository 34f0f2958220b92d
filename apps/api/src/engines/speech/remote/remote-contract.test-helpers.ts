/**
 * The behaviour every remote speech engine owes, run against its vendor's fake (fakes.test-helpers):
 * conversion to 16 kHz mono WAV, transcripts, synthesised audio with its type and length, the
 * vendor's error words without the key, retries, time limits, aborts. Each vendor's test file
 * calls `remoteEngineContract` and adds what is its own, plus a test against the real API that runs
 * only when a real key is configured.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { SpeechError, type SpeechToText, type TextToSpeech } from '../port.js';
import {
  ffmpeg,
  makeTtsFixtures,
  readWav,
  speak,
  startFake,
  type FakeServer,
  type TtsFixtures,
  type Vendor,
} from './fakes.test-helpers.js';
import { createRemoteSpeechToText, createRemoteTextToSpeech, type RemoteSpeechOptions } from './index.js';

export const KEY = 'sk-test-3f9c2a7d-do-not-leak';
export const TRANSCRIPT = 'I have a headache and a fever since yesterday.';

/** Options pointing every vendor at `url` (a fake), with the config's defaults otherwise. */
export function remoteOptions(
  url: string,
  key: string | undefined,
  over: Partial<RemoteSpeechOptions> = {},
): RemoteSpeechOptions {
  return {
    timeoutMs: 5000,
    retries: 2,
    language: 'en-US',
    openai: {
      baseUrl: url,
      apiKey: key,
      sttModel: 'whisper-1',
      sttResponseFormat: 'verbose_json',
      ttsModel: 'tts-1',
      voice: 'alloy',
      ttsFormat: 'wav',
    },
    elevenlabs: {
      baseUrl: url,
      apiKey: key,
      voiceId: '21m00Tcm4TlvDq8ikWAM',
      ttsModel: 'eleven_multilingual_v2',
      sttModel: 'scribe_v1',
      outputFormat: 'mp3_44100_128',
    },
    azure: { apiKey: key, endpoint: url, voice: 'en-US-JennyNeural' },
    google: { apiKey: key, sttEndpoint: url, ttsEndpoint: url },
    ...over,
  };
}

/** The shared state of one vendor's suite: a temp dir, audio fixtures, the fake, engines on it. */
export interface Suite {
  dir: string;
  fx: TtsFixtures;
  fake: FakeServer;
  /** espeak-ng's WAV of TRANSCRIPT (22 050 Hz) and its length. */
  question: string;
  questionSeconds: number;
  stt(over?: Partial<RemoteSpeechOptions>, key?: string): SpeechToText;
  tts(over?: Partial<RemoteSpeechOptions>, key?: string): TextToSpeech;
}

/** Sets up a suite inside the calling `describe` (before/after hooks); read it inside tests. */
export function useSuite(vendor: Vendor): Suite {
  const suite = {} as Suite;
  before(async () => {
    suite.dir = mkdtempSync(join(tmpdir(), `medichat-${vendor}-`));
    suite.fx = makeTtsFixtures(suite.dir);
    suite.fake = await startFake(vendor, { key: KEY, transcript: TRANSCRIPT, audio: suite.fx });
    suite.question = speak(suite.dir, 'question.wav', TRANSCRIPT);
    suite.questionSeconds = readWav(readFileSync(suite.question))!.seconds;
    suite.stt = (over, key = KEY) => createRemoteSpeechToText(vendor, remoteOptions(suite.fake.url, key, over));
    suite.tts = (over, key = KEY) => createRemoteTextToSpeech(vendor, remoteOptions(suite.fake.url, key, over));
  });
  after(async () => {
    await suite.fake.close();
    rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}

/** An assert.rejects check: a `SpeechError` with `code`, never the key, matching `match`. */
export const isSpeechError = (code: SpeechError['code'], match?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof SpeechError, `expected a SpeechError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.ok(!err.message.includes(KEY), `the key leaked: ${err.message}`);
  if (match) assert.match(err.message, match);
  return true;
};

export interface ContractOptions {
  /** Audio the engine must return for the fixtures, and its type. */
  expectedAudio(fx: TtsFixtures): Buffer;
  mimeType: string;
  /** The vendor's words for a wrong key (as its fake answers). */
  wrongKey: RegExp;
  /** A wrong key is a refused request (Google answers 400 INVALID_ARGUMENT), not a 401. */
  wrongKeyIsBadRequest?: boolean;
  /** A 4xx body in the vendor's shape, and the words the engine must keep from it. */
  badRequest: { body: string; words: RegExp };
}

export function remoteEngineContract(vendor: Vendor, c: ContractOptions): Suite {
  const s = useSuite(vendor);

  describe('speech-to-text', () => {
    it('converts espeak-ng speech (22 050 Hz) to 16 kHz mono WAV and returns the transcript and its length', async () => {
      const from = s.fake.seen.length;
      const t = await s.stt().transcribe(s.question);
      assert.equal(t.text, TRANSCRIPT);
      assert.equal(t.language, 'en');
      assert.equal(s.fake.seen.length - from, 1, 'one request');
      const seen = s.fake.seen.at(-1)!;
      assert.ok(seen.audioSeconds !== undefined, 'the fake accepted the audio');
      assert.ok(Math.abs(seen.audioSeconds - s.questionSeconds) < 0.02, `${seen.audioSeconds} vs ${s.questionSeconds}`);
      assert.ok(Math.abs(t.durationSeconds - s.questionSeconds) < 0.02, `duration ${t.durationSeconds}`);
      assert.ok(t.seconds > 0 && t.seconds < 5, `seconds ${t.seconds}`);
    });

    it('takes any format ffmpeg reads (an MP3 here)', async () => {
      const mp3 = join(s.dir, 'question.mp3');
      ffmpeg('-i', s.question, '-b:a', '64k', mp3);
      const t = await s.stt().transcribe(mp3);
      assert.equal(t.text, TRANSCRIPT);
      assert.ok(Math.abs(t.durationSeconds - s.questionSeconds) < 0.15, `duration ${t.durationSeconds}`);
    });

    it('silence comes back as an empty transcript, not a failure', async () => {
      const silent = join(s.dir, 'silent.wav');
      ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '1.5', silent);
      const t = await s.stt().transcribe(silent);
      assert.equal(t.text, '');
      assert.ok(Math.abs(t.durationSeconds - 1.5) < 0.02);
    });

    it('a file that is not audio is refused before anything is sent', async () => {
      const junk = join(s.dir, 'junk.wav');
      writeFileSync(junk, 'this is not audio at all');
      const from = s.fake.seen.length;
      await assert.rejects(s.stt().transcribe(junk), isSpeechError('TRANSCRIBE_FAILED', /not readable audio/));
      assert.equal(s.fake.seen.length, from);
    });
  });

  describe('text-to-speech', () => {
    it('returns the vendor audio with its type and measured length', async () => {
      const a = await s.tts().synthesize('Please rest and drink plenty of water.');
      assert.equal(a.mimeType, c.mimeType);
      assert.ok(a.audio.equals(c.expectedAudio(s.fx)), 'the audio the vendor sent');
      assert.ok(Math.abs(a.durationSeconds - s.fx.seconds) < 0.1, `duration ${a.durationSeconds} vs ${s.fx.seconds}`);
    });

    it('an empty text is refused without a request', async () => {
      const from = s.fake.seen.length;
      await assert.rejects(s.tts().synthesize('  '), isSpeechError('SYNTHESIZE_FAILED'));
      assert.equal(s.fake.seen.length, from);
    });
  });

  describe('failures', () => {
    it("a wrong key: the vendor's words, never the key (not in messages, not in the engine's printout)", async () => {
      const wrong = `${KEY}-wrong`;
      const bad = c.wrongKeyIsBadRequest;
      const runs = [
        { run: () => s.stt({}, wrong).transcribe(s.question), code: bad ? 'TRANSCRIBE_FAILED' : 'ENGINE_UNAVAILABLE' },
        { run: () => s.tts({}, wrong).synthesize('Hello.'), code: bad ? 'SYNTHESIZE_FAILED' : 'ENGINE_UNAVAILABLE' },
      ] as const;
      for (const { run, code } of runs)
        await assert.rejects(run(), (err: unknown) => {
          isSpeechError(code, c.wrongKey)(err);
          assert.ok(!(err as Error).message.includes(wrong), 'the wrong key leaked');
          return true;
        });
      const engines = [s.stt(), s.tts()];
      for (const e of engines) {
        assert.ok(!inspect(e, { depth: 10, showHidden: true }).includes(KEY), 'util.inspect shows the key');
        assert.ok(!JSON.stringify(e).includes(KEY), 'JSON shows the key');
      }
    });

    it('retries a 503 and a 429 (Retry-After), then succeeds', async () => {
      const from = s.fake.seen.length;
      s.fake.failNext(
        { status: 503, body: '{"error":{"message":"overloaded"}}' },
        { status: 429, headers: { 'retry-after': '0' } },
      );
      const t = await s.stt().transcribe(s.question);
      assert.equal(t.text, TRANSCRIPT);
      assert.equal(s.fake.seen.length - from, 3);
    });

    it("gives up after the retries with the vendor's message, scrubbed of the key", async () => {
      const from = s.fake.seen.length;
      const body = JSON.stringify({ error: { message: `upstream busy for key ${KEY}` } });
      s.fake.failNext({ status: 503, body }, { status: 503, body }, { status: 503, body });
      await assert.rejects(
        s.tts().synthesize('Hello.'),
        isSpeechError('ENGINE_UNAVAILABLE', /HTTP 503: upstream busy for key \[redacted\]/),
      );
      assert.equal(s.fake.seen.length - from, 3, 'one try and two retries');
    });

    it('a refused request (4xx) is not retried and keeps the vendor words', async () => {
      const from = s.fake.seen.length;
      s.fake.failNext({ status: 400, body: c.badRequest.body });
      await assert.rejects(s.stt().transcribe(s.question), isSpeechError('TRANSCRIBE_FAILED', c.badRequest.words));
      assert.equal(s.fake.seen.length - from, 1);
    });

    it('a vendor that does not answer in time fails once, not three times', async () => {
      const from = s.fake.seen.length;
      s.fake.hangNext();
      await assert.rejects(
        s.tts({ timeoutMs: 300 }).synthesize('Hello.'),
        isSpeechError('ENGINE_UNAVAILABLE', /within 300 ms/),
      );
      assert.equal(s.fake.seen.length - from, 1);
    });

    it("an abort rejects with the caller's reason at once", async () => {
      s.fake.hangNext();
      const ac = new AbortController();
      const reason = new Error('the person hung up');
      const started = performance.now();
      setTimeout(() => ac.abort(reason), 150);
      await assert.rejects(s.tts().synthesize('Hello.', { signal: ac.signal }), (err) => err === reason);
      assert.ok(performance.now() - started < 2000);
    });

    it('no request so far carried the key in its URL', () => {
      assert.ok(s.fake.seen.length > 10);
      for (const seen of s.fake.seen) {
        assert.ok(!seen.path.includes(KEY), seen.path);
        assert.ok(!decodeURIComponent(seen.query.toString()).includes(KEY), seen.query.toString());
      }
    });

    it('an unreachable server: ENGINE_UNAVAILABLE naming the host, never the key', async () => {
      const over = remoteOptions('http://127.0.0.1:9', KEY, { retries: 1 });
      const dead = createRemoteSpeechToText(vendor, over);
      await assert.rejects(
        dead.transcribe(s.question),
        isSpeechError('ENGINE_UNAVAILABLE', /cannot reach 127\.0\.0\.1:9/),
      );
    });
  });

  return s;
}

/**
 * Against the real API, when `key` is configured: synthesise a sentence with the vendor's TTS and
 * transcribe it with the vendor's STT; the words must come back. Otherwise reported as skipped.
 */
export function liveRoundTrip(
  vendor: Vendor,
  env: string,
  key: string | undefined,
  options: () => RemoteSpeechOptions,
): void {
  describe(`${vendor}: the real API`, { skip: key ? false : `set ${env} to run against the real API` }, () => {
    it('speaks a sentence and hears it back', async () => {
      const dir = mkdtempSync(join(tmpdir(), `medichat-live-${vendor}-`));
      try {
        const o = options();
        const audio = await createRemoteTextToSpeech(vendor, o).synthesize('I have a headache and a fever.');
        assert.ok(audio.durationSeconds > 0.5);
        const file = join(dir, audio.mimeType === 'audio/mpeg' ? 'a.mp3' : 'a.wav');
        writeFileSync(file, audio.audio);
        const t = await createRemoteSpeechToText(vendor, o).transcribe(file);
        assert.match(t.text.toLowerCase(), /headache/);
        assert.match(t.text.toLowerCase(), /fever/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
