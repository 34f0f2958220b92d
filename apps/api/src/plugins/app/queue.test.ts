/**
 * The API's own queue (no REDIS_URL: the in-process engine runs the handlers): the sweep job the
 * app scheduled at boot is there, and a sweep enqueued through `app.queue` really removes an
 * expired session from SQLite (and keeps a live one).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

describe('the API runs its jobs in-process without REDIS_URL', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ SWEEP_INTERVAL_MS: '86400000' });
  });
  after(() => t.close());

  it('a sweep enqueued by the app removes expired sessions and keeps live ones', async () => {
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    const base = { kind: 'refresh' as const, createdAt: past };
    await t.app.storage.sessions.insert({ ...base, id: 'q-old', token: 'q-old', expiresAt: past });
    await t.app.storage.sessions.insert({ ...base, id: 'q-live', token: 'q-live', expiresAt: future });
    const { id } = await t.app.queue.enqueue('sweep', {}, { jobId: 'sweep-test' });
    let job = await t.app.queue.getJob(id);
    for (let i = 0; job?.state !== 'completed'; i++) {
      assert.ok(i < 200 && job?.state !== 'failed', JSON.stringify(job));
      await sleep(25);
      job = await t.app.queue.getJob(id);
    }
    assert.ok((job.result as { removed: number }).removed >= 1, JSON.stringify(job));
    // `removed` counts rows physically deleted; queries already refuse expired ones either way.
    const ids = await t.app.storage.sessions.find({});
    assert.deepEqual(
      ids.map((s) => s.id),
      ['q-live'],
    );
  });
});
