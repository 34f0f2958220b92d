/**
 * POST /api/messages/voice on the real app: espeak-ng speaks the question into a WAV, real Whisper
 * (faster-whisper) transcribes it, the tiny GGUF answers through the same send path as a typed
 * message, real Piper speaks the reply, and a second Whisper listens to what Piper said. Bad input
 * (garbage, silence, too large, a stranger's chat) is a 4xx and stores nothing. Skipped only when
 * the speech models are absent and MEDICHAT_REQUIRE_SPEECH is unset (CI sets it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { voiceReplySchema, type VoiceReply } from '@medichat/shared';
import { FasterWhisperEngine } from '../../engines/speech/index.js';
import { localSpeechPaths } from '../../engines/speech/speech.test-helpers.js';
import { readWavHeader } from '../../engines/speech/wav.js';
import { corpus } from '../triage/triage.test-helpers.js';
import { createChatTestApp, newGuest, type ChatTestApp, type Guest } from './chat.test-helpers.js';

const paths = localSpeechPaths();
const MAX_BYTES = 400_000;

/** A multipart body (built by undici's FormData, as a browser would send it) for inject. */
async function multipart(fields: Record<string, string>, audio?: { data: Buffer; type: string; name?: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (audio) form.append('audio', new Blob([audio.data], { type: audio.type }), audio.name ?? 'q.wav');
  const res = new Response(form);
  return { payload: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type')! };
}

async function postVoice(
  app: FastifyInstance,
  auth: Record<string, string>,
  fields: Record<string, string>,
  audio?: { data: Buffer; type: string },
) {
  const body = await multipart(fields, audio);
  return app.inject({
    method: 'POST',
    url: '/api/messages/voice',
    headers: { ...auth, 'content-type': body.contentType },
    payload: body.payload,
  });
}

async function stored(app: FastifyInstance, chatId: string) {
  const messages = await app.storage.messages.find({ chatId });
  const blobs: string[] = [];
  for await (const b of app.sealedBlobs.list(`voice/${chatId}/`)) blobs.push(b.key);
  return { messages: messages.length, blobs: blobs.length };
}

describe(
  'POST /api/messages/voice (real Whisper, tiny GGUF, real Piper)',
  { skip: paths.present ? false : 'run scripts/ensure-speech.sh' },
  () => {
    let t: ChatTestApp;
    let guest: Guest;
    const dir = mkdtempSync(join(tmpdir(), 'medichat-voice-test-'));
    const listener = new FasterWhisperEngine({ python: paths.python, modelDir: paths.whisperDir, threads: 1 });
    const speak = (name: string, text: string) => {
      const file = join(dir, name);
      execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', file, text]);
      return readFileSync(file);
    };
    const hear = async (reply: VoiceReply) => {
      assert.ok(reply.audio, 'the reply has audio');
      const file = join(dir, `reply-${reply.id}.wav`);
      writeFileSync(file, Buffer.from(reply.audio.base64, 'base64'));
      return (await listener.transcribe(file)).text.toLowerCase();
    };

    before(async () => {
      t = await createChatTestApp('sqlite', { VOICE_MAX_BYTES: String(MAX_BYTES), VOICE_MAX_SECONDS: '20' });
      guest = await newGuest(t.app);
    });
    after(async () => {
      await listener.close();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('says what it can do', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/speech' });
      assert.deepEqual(res.json(), { transcribe: true, speak: true, maxSeconds: 20, maxBytes: MAX_BYTES });
    });

    it('transcribes a spoken question, answers it as a message, and returns the reply as WAV', async () => {
      const question = speak('q.wav', 'I have a headache and a fever since yesterday.');
      const res = await postVoice(t.app, guest.auth, { chatId: guest.chatId }, { data: question, type: 'audio/wav' });
      assert.equal(res.statusCode, 200, res.body);
      const body = voiceReplySchema.parse(res.json());
      for (const w of ['headache', 'fever', 'yesterday'])
        assert.ok(body.transcript.toLowerCase().includes(w), body.transcript);
      assert.equal(body.userMessage.content, body.transcript);
      assert.equal(body.role, 'assistant');
      assert.equal(body.replyTo, body.userMessage.id);
      assert.ok(body.content.length > 0);
      const header = readWavHeader(Buffer.from(body.audio!.base64, 'base64'));
      assert.equal(header.sampleRate, 22050);
      assert.ok(header.dataBytes > 22050, 'at least half a second of speech');
      // Stages measured and stored with the user message; exported as metrics.
      const v = body.voiceTimings;
      assert.ok(v.sttMs > 0 && v.totalMs >= v.sttMs + v.transcodeMs && v.firstAudioMs !== null, JSON.stringify(v));
      const user = await t.app.storage.messages.get(body.userMessage.id);
      assert.equal(user?.timings?.sttMs, v.sttMs);
      // The recording is kept sealed, referenced by the message, and opens to the bytes sent.
      assert.match(user?.audioKey ?? '', new RegExp(`^voice/${guest.chatId}/[0-9a-f-]+\\.wav$`));
      const blob = await t.app.sealedBlobs.get(user!.audioKey!);
      assert.ok(blob?.data.equals(question));
      const raw = await t.app.blobs.get(user!.audioKey!);
      assert.ok(raw && !raw.data.includes(question.subarray(44, 4044)), 'the store holds ciphertext only');
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, /medichat_voice_stage_seconds_count\{stage="stt"\} 1/);
    });

    it('answers a spoken red flag with the urgent answer, and speaks it', async () => {
      // A chest-pain case of the triage corpus itself. (Its first one, "my chest feels heavy…",
      // Whisper tiny.en hears from espeak-ng as "my cast feels heavy": a speech limit, not triage's.)
      const [sentence] = corpus.en.find(
        ([text, rule, level]) => rule === 'chest_pain' && level === 'emergency' && text.includes('squeezing'),
      )!;
      const res = await postVoice(
        t.app,
        guest.auth,
        { chatId: guest.chatId },
        { data: speak('rf.wav', sentence), type: 'audio/wav' },
      );
      assert.equal(res.statusCode, 200, res.body);
      const body = voiceReplySchema.parse(res.json());
      assert.equal(body.triage, 'emergency', `${body.transcript} → ${body.triage}`);
      assert.match(body.content, /112/);
      const heard = await hear(body);
      assert.ok(/emergency|112|one one two/.test(heard), `the urgent answer is spoken: ${heard}`);
    });

    it('reads a stored reply aloud, for its owner only', async () => {
      const [reply] = (await t.app.storage.messages.find({ chatId: guest.chatId, role: 'assistant' })).slice(-1);
      const res = await t.app.inject({ method: 'POST', url: `/api/messages/${reply!.id}/speech`, headers: guest.auth });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'audio/wav');
      assert.ok(readWavHeader(res.rawPayload).dataBytes > 0);
      const stranger = await newGuest(t.app);
      const other = await t.app.inject({
        method: 'POST',
        url: `/api/messages/${reply!.id}/speech`,
        headers: stranger.auth,
      });
      assert.equal(other.statusCode, 404);
    });

    it('refuses bad recordings with problem+json and stores nothing', async () => {
      const g = await newGuest(t.app);
      const silence = join(dir, 'silence.wav');
      execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', silence, 'trim', '0', '2']);
      const cases: Array<[string, number, { data: Buffer; type: string } | undefined, Record<string, string>]> = [
        ['garbage bytes', 400, { data: Buffer.from('this is not audio at all '.repeat(40)), type: 'audio/webm' }, {}],
        ['silence', 422, { data: readFileSync(silence), type: 'audio/wav' }, {}],
        ['too large', 413, { data: Buffer.alloc(MAX_BYTES + 1000, 1), type: 'audio/wav' }, {}],
        ['no audio field', 400, undefined, {}],
        ['a bad chat id', 400, { data: speak('x.wav', 'hello'), type: 'audio/wav' }, { chatId: 'not an id!' }],
        [
          "someone else's chat",
          404,
          { data: speak('y.wav', 'hello there'), type: 'audio/wav' },
          { chatId: guest.chatId },
        ],
      ];
      const before = await stored(t.app, guest.chatId);
      for (const [what, status, audio, fields] of cases) {
        const res = await postVoice(t.app, g.auth, { chatId: g.chatId, ...fields }, audio);
        assert.equal(res.statusCode, status, `${what}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/, what);
        assert.deepEqual(await stored(t.app, g.chatId), { messages: 0, blobs: 0 }, what);
      }
      assert.deepEqual(await stored(t.app, guest.chatId), before);
      const anonymous = await postVoice(
        t.app,
        {},
        { chatId: g.chatId },
        { data: speak('z.wav', 'hello'), type: 'audio/wav' },
      );
      assert.equal(anonymous.statusCode, 401);
    });
  },
);
