/**
 * The fine-tune routes against the real app (SQLite, in-process queue), no trainer needed: admins
 * only; bad uploads are 4xx (line numbers, 413, unknown base, duplicate name) and store nothing;
 * a job whose trainer cannot start fails retryable and retries; a job a stopped process left
 * `running` is failed, retryable, by `recover`; status of a registered model; and the gate: a
 * fine-tuned model that failed it cannot be chosen, made default or seen by patients.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { FINE_TUNE_MAX_DATASET_BYTES } from '@medichat/shared';
import { ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import { GOOD_PASSWORD } from '../account/auth.test-helpers.js';
import { addModel, createChatTestApp, newUser, type ChatTestApp } from '../chat/chat.test-helpers.js';
import { decideGate } from './index.js';
import { adminAuth, chatDataset, multipart, pollStatus } from './fine-tune.test-helpers.js';

const ADMIN = { ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: GOOD_PASSWORD };

describe('fine-tune routes', () => {
  let t: ChatTestApp;
  let admin: { authorization: string };
  before(async () => {
    // A trainer that cannot start: jobs fail at once (the real trainer runs in fine-tune.e2e.test.ts).
    t = await createChatTestApp('sqlite', { ...ADMIN, TRAINER_PYTHON: '/nonexistent/python3' });
    admin = await adminAuth(t.app, ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD);
  });
  after(() => t.close());

  const form = (over: Record<string, string | number> = {}) => ({
    name: `ft-${uuidv7().slice(-8)}`,
    baseModelId: t.model.id,
    steps: 3,
    ...over,
  });
  const post = (headers: Record<string, string>, body: ReturnType<typeof multipart>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/models/fine-tune',
      headers: { ...headers, ...body.headers },
      payload: body.payload,
    });
  const workDirs = () => (existsSync(join(t.dataDir, 'fine-tune')) ? readdirSync(join(t.dataDir, 'fine-tune')) : []);

  it('answers 401 without a session and 403 to a patient, on every route', async () => {
    const u = await newUser(t.app);
    const body = multipart(form(), { data: chatDataset(8) });
    assert.equal((await post({}, body)).statusCode, 401);
    assert.equal((await post(u.auth, body)).statusCode, 403);
    for (const [method, url] of [
      ['GET', `/api/models/${t.model.id}/status`],
      ['POST', `/api/models/${t.model.id}/cancel`],
      ['POST', `/api/models/${t.model.id}/retry`],
    ] as const) {
      assert.equal((await t.app.inject({ method, url })).statusCode, 401, url);
      assert.equal((await t.app.inject({ method, url, headers: u.auth })).statusCode, 403, url);
    }
    assert.equal(await t.app.storage.models.count({ kind: 'fine-tuned' }), 0);
  });

  it('bad uploads are 4xx problems naming what is wrong, and store nothing', async () => {
    const disabled = await addModel(t.app, { name: 'ft-disabled-base', path: '/nowhere.gguf', status: 'disabled' });
    const before = await t.app.storage.models.count({});
    const good = chatDataset(8);
    const badLines = [
      good.split('\n')[0],
      '{not json',
      JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }),
      good.split('\n')[1],
    ].join('\n');
    const bad = await post(admin, multipart(form(), { data: badLines }));
    assert.equal(bad.statusCode, 422, bad.body);
    assert.match(bad.headers['content-type'] as string, /application\/problem\+json/);
    assert.deepEqual(
      bad.json().errors.map((e: { line: number }) => e.line),
      [2, 3],
    );
    assert.match(bad.json().errors[0].message, /JSON/);

    const huge = Buffer.alloc(FINE_TUNE_MAX_DATASET_BYTES + 10, 'a');
    const big = await post(admin, multipart(form(), { data: huge }));
    assert.equal(big.statusCode, 413, big.body.slice(0, 300));

    const cases: Array<[ReturnType<typeof multipart>, number, RegExp?]> = [
      [multipart(form({ baseModelId: uuidv7() }), { data: good }), 404],
      [multipart(form({ baseModelId: disabled.id }), { data: good }), 422, /base/],
      [multipart(form({ name: 'tiny-llama' }), { data: good }), 409],
      [multipart(form({ steps: 0 }), { data: good }), 400, /steps/],
      [multipart(form({ name: 'bad name!' }), { data: good }), 400, /name/],
      [multipart(form({ extra: 'x' }), { data: good }), 400],
      [multipart(form()), 400, /dataset/],
      [multipart(form(), { name: 'file', data: good }), 400],
      [multipart(form(), { data: chatDataset(2) }), 422, /at least/],
      [multipart(form(), { data: '\n\n' }), 422],
    ];
    for (const [body, status, re] of cases) {
      const res = await post(admin, body);
      assert.equal(res.statusCode, status, res.body);
      if (re) assert.match(res.body, re);
    }
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/models/fine-tune',
      headers: admin,
      payload: { name: 'x' },
    });
    assert.equal(json.statusCode, 415, json.body);
    assert.equal(await t.app.storage.models.count({}), before, 'nothing was stored');
    assert.deepEqual(workDirs(), [], 'no dataset was written');
  });

  it('accepts a good upload (202); a trainer that cannot start fails the job, retryable; retry runs it again', async () => {
    const f = form();
    const res = await post(admin, multipart(f, { data: chatDataset(8) }));
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json();
    assert.equal(body.jobId, `fine-tune:${body.modelId}`);
    assert.equal(body.status.kind, 'fine-tune');
    assert.equal(body.status.state, 'queued');
    assert.equal(body.status.params.steps, 3);
    const doc = (await t.app.storage.models.get(body.modelId))!;
    assert.equal(doc.kind, 'fine-tuned');
    assert.equal(doc.baseModelId, t.model.id);
    const dataset = (doc.job as { dataset: string }).dataset;
    const { statSync } = await import('node:fs');
    assert.equal(statSync(dataset).mode & 0o777, 0o600);
    // Idempotent job key = model id: the job exists on the queue.
    assert.ok(await t.app.queue.getJob(body.jobId));

    const failed = await pollStatus(t.app, admin, body.modelId, (s) => s.state === 'failed', 30_000);
    assert.equal(failed.retryable, true);
    assert.match(String(failed.error), /nonexistent|ENOENT/);
    // The patient list never shows a training or failed fine-tune.
    const u = await newUser(t.app);
    const list = await t.app.inject({ method: 'GET', url: '/api/models', headers: u.auth });
    assert.ok(!list.json().items.some((m: { id: string }) => m.id === body.modelId));
    // Cancel of an ended job is a 409; retry gives a new queue job.
    const cancel = await t.app.inject({ method: 'POST', url: `/api/models/${body.modelId}/cancel`, headers: admin });
    assert.equal(cancel.statusCode, 409, cancel.body);
    const retry = await t.app.inject({ method: 'POST', url: `/api/models/${body.modelId}/retry`, headers: admin });
    assert.equal(retry.statusCode, 202, retry.body);
    assert.equal(retry.json().jobId, `fine-tune:${body.modelId}.r2`);
    const again = await pollStatus(t.app, admin, body.modelId, (s) => s.state === 'failed', 30_000);
    assert.ok((again.events as Array<{ event: string }>).some((e) => e.event === 'retried'));
    // Unknown ids.
    for (const url of [`/api/models/${uuidv7()}/status`, `/api/models/${uuidv7()}/retry`]) {
      const r = await t.app.inject({ method: url.endsWith('status') ? 'GET' : 'POST', url, headers: admin });
      assert.equal(r.statusCode, 404, url);
    }
    const badId = await t.app.inject({ method: 'GET', url: '/api/models/..%2F/status', headers: admin });
    assert.equal(badId.statusCode, 400);
  });

  it('a job a stopped process left running is failed, retryable, at boot (recover); never stuck running', async () => {
    const now = new Date();
    const id = uuidv7();
    await t.app.storage.models.insert({
      id,
      name: `ft-orphan-${id.slice(-6)}`,
      engine: 'llama-cpp',
      kind: 'fine-tuned',
      source: 'fine-tune:tiny-llama',
      path: '',
      status: 'training',
      baseModelId: t.model.id,
      job: {
        kind: 'fine-tune',
        queueJobId: `fine-tune:${id}`,
        runs: 1,
        state: 'running',
        step: 7,
        total: 20,
        loss: [{ step: 7, value: 2 }],
        evalLoss: [],
        baseEvalLoss: 3,
        etaSeconds: 10,
        tokensPerSecond: 100,
        error: null,
        retryable: false,
        events: [],
        params: { steps: 20, batchSize: 4, learningRate: 0.0002, rank: 8, heldout: 0.2, evalEvery: 5, maxLength: 512 },
        gate: null,
        examples: 8,
        dataset: '/nowhere',
        workDir: '/nowhere',
      },
      createdAt: now,
      updatedAt: now,
    });
    assert.equal(await t.app.services.fineTune.recover(), 1);
    const s = await pollStatus(t.app, admin, id, () => true);
    assert.equal(s.state, 'failed');
    assert.equal(s.retryable, true);
    assert.match(String(s.error), /step 7/);
    assert.equal(await t.app.services.fineTune.recover(), 0, 'an ended job is left alone');
  });

  it('status of a registered model: kind registered, succeeded', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/models/${t.model.id}/status`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().kind, 'registered');
    assert.equal(res.json().state, 'succeeded');
    assert.equal(res.json().gate, null);
  });

  it('a fine-tuned model that failed its gate cannot be chosen, made default, or seen by patients', async () => {
    const path = await ensureTinyGguf();
    const now = new Date();
    // The real gate on a candidate whose held-out loss is worse than its base's.
    const failedGate = decideGate({ baseEvalLoss: 2.1, evalLoss: 2.4, reports: null, now });
    assert.equal(failedGate.verdict, 'failed');
    assert.equal(failedGate.checks[0]!.passed, false);
    const job = (gate: unknown) => ({ kind: 'fine-tune', state: 'succeeded', gate });
    const failed = await addModel(t.app, {
      name: 'ft-gate-failed',
      path,
      kind: 'fine-tuned',
      baseModelId: t.model.id,
      job: job(failedGate),
    });
    const passedGate = { verdict: 'passed', checks: [], decidedAt: now.toISOString() };
    const passed = await addModel(t.app, { name: 'ft-gate-passed', path, kind: 'fine-tuned', job: job(passedGate) });
    const u = await newUser(t.app);
    const use = await t.app.inject({
      method: 'POST',
      url: '/api/models/use',
      headers: u.auth,
      payload: { modelId: failed.id },
    });
    assert.equal(use.statusCode, 409, use.body);
    assert.match(use.json().detail, /not passed its gate/);
    await assert.rejects(
      t.app.services.models.assertActivatable(failed.id),
      (e: { status?: number }) => e.status === 409,
    );
    await assert.rejects(
      t.app.services.models.assertActivatable(uuidv7()),
      (e: { status?: number }) => e.status === 404,
    );
    assert.equal((await t.app.services.models.assertActivatable(passed.id)).id, passed.id);
    assert.equal(
      (await t.app.services.models.assertActivatable(t.model.id)).id,
      t.model.id,
      'a base model needs no gate',
    );
    // Over HTTP too: the admin's make-default route refuses it, and the default stays.
    const before = (await t.app.inject({ method: 'GET', url: '/api/models', headers: admin })).json().defaultModelId;
    const makeDefault = await t.app.inject({ method: 'POST', url: `/api/models/${failed.id}/default`, headers: admin });
    assert.equal(makeDefault.statusCode, 409, makeDefault.body);
    assert.match(makeDefault.json().detail, /not passed its gate/);
    const after = (await t.app.inject({ method: 'GET', url: '/api/models', headers: admin })).json().defaultModelId;
    assert.equal(after, before);
    const list = await t.app.inject({ method: 'GET', url: '/api/models', headers: u.auth });
    const ids = list.json().items.map((m: { id: string }) => m.id);
    assert.ok(!ids.includes(failed.id) && ids.includes(passed.id));
    const adminList = await t.app.inject({ method: 'GET', url: '/api/models', headers: admin });
    assert.ok(
      adminList.json().items.some((m: { id: string }) => m.id === failed.id),
      'admins still see it',
    );
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/models/use',
      headers: u.auth,
      payload: { modelId: passed.id },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    // Even made the registry's default behind the service's back, it does not answer.
    await t.app.storage.models.update(failed.id, { set: { isDefault: true } });
    await t.app.storage.models.update(t.model.id, { set: { isDefault: false } });
    assert.notEqual((await t.app.services.models.defaultModel())?.id, failed.id);
    await t.app.storage.models.update(failed.id, { set: { isDefault: false } });
    await t.app.storage.models.update(t.model.id, { set: { isDefault: true } });
    const status = await t.app.inject({ method: 'GET', url: `/api/models/${failed.id}/status`, headers: admin });
    assert.equal(status.statusCode, 200, status.body);
  });
});
