/** ICE_SERVERS and CALL_RING_TIMEOUT_MS: parsed once at boot; a bad value stops it naming the variable. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../config/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'medichat-calls-config-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });

describe('calls config', () => {
  it('defaults to no ICE servers (host candidates) and a two-minute ring', () => {
    assert.deepEqual(load({}).calls, { iceServers: [], ringTimeoutMs: 120_000 });
  });

  it('takes STUN and TURN servers as a JSON array of RTCIceServer', () => {
    const servers = [
      { urls: 'stun:stun.example.org:3478' },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username: 'u',
        credential: 'p',
      },
    ];
    assert.deepEqual(load({ ICE_SERVERS: JSON.stringify(servers) }).calls.iceServers, servers);
  });

  for (const [what, value, message] of [
    ['not JSON', '[{urls:', /ICE_SERVERS: must be a JSON array/],
    ['not an array', '{"urls":"stun:x"}', /ICE_SERVERS/],
    ['an unknown key', '[{"urls":"stun:x","secret":1}]', /ICE_SERVERS/],
    ['an http URL', '[{"urls":"https://turn.example.org"}]', /is not a stun:, stuns:, turn: or turns: URL/],
  ] as const) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => load({ ICE_SERVERS: value }),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('refuses a ring timeout below five seconds', () => {
    assert.throws(() => load({ CALL_RING_TIMEOUT_MS: '100' }), /CALL_RING_TIMEOUT_MS/);
  });
});
