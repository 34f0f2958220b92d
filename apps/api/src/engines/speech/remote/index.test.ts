/** The factories the composition root calls: config in, the named engine out. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, REMOTE_SPEECH_ENGINE_NAMES } from '../../../config/config.js';
import {
  AzureSpeech,
  createRemoteSpeechToText,
  createRemoteTextToSpeech,
  ElevenLabsSpeech,
  GoogleSpeech,
  OpenAISpeech,
  REMOTE_SPEECH_ENGINES,
  type RemoteSpeechOptions,
} from './index.js';

describe('remote speech factories', () => {
  it('config names the same engines the factories build', () => {
    assert.deepEqual([...REMOTE_SPEECH_ENGINE_NAMES], [...REMOTE_SPEECH_ENGINES]);
  });

  it("build each engine from the API's config", () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'medichat-remote-')),
      ELEVENLABS_API_KEY: 'xi-1',
      AZURE_SPEECH_REGION: 'westeurope',
      AZURE_SPEECH_KEY: 'az-1',
      GOOGLE_SPEECH_KEY: 'g-1',
    });
    const options: RemoteSpeechOptions = config.speechRemote;
    const engines = { openai: OpenAISpeech, elevenlabs: ElevenLabsSpeech, azure: AzureSpeech, google: GoogleSpeech };
    for (const name of REMOTE_SPEECH_ENGINES) {
      assert.ok(createRemoteSpeechToText(name, options) instanceof engines[name], name);
      assert.ok(createRemoteTextToSpeech(name, options) instanceof engines[name], name);
    }
  });
});
