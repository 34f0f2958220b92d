/**
 * The job registry refuses an inconsistent set of handlers at boot, naming the job; and the API's
 * own registry (jobs/index.ts) covers every name of JOB_NAMES.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRegistryError } from './errors.js';
import { createRegistry } from './registry.js';
import type { JobHandler } from './port.js';
import { createJobRegistry, JOB_NAMES } from '../../jobs/index.js';

const h = (name: string, concurrency?: number): JobHandler => ({ name, concurrency, handle: async () => null });

const refused = (fn: () => unknown, job: string, message: RegExp) =>
  assert.throws(
    fn,
    (err: unknown) => err instanceof JobRegistryError && err.jobName === job && message.test(err.message),
  );

describe('job registry', () => {
  it('maps each known name to its handler', () => {
    const a = h('alpha');
    const b = h('beta', 3);
    const r = createRegistry([b, a], ['alpha', 'beta']);
    assert.deepEqual(r.names, ['alpha', 'beta']);
    assert.equal(r.get('alpha'), a);
    assert.equal(r.get('beta')?.concurrency, 3);
    assert.equal(r.get('gamma'), undefined);
  });

  it('fails when a known job has no handler, naming it', () => {
    refused(() => createRegistry([h('alpha')], ['alpha', 'beta']), 'beta', /job "beta" has no handler/);
  });

  it('fails when a job has two handlers', () => {
    refused(() => createRegistry([h('alpha'), h('alpha')], ['alpha']), 'alpha', /two handlers/);
  });

  it('fails when a handler serves an unknown job, or a name or concurrency is malformed', () => {
    refused(() => createRegistry([h('alpha'), h('stray')], ['alpha']), 'stray', /not a known job name/);
    refused(() => createRegistry([], ['Bad Name']), 'Bad Name', /must match/);
    refused(() => createRegistry([h('alpha', 0)], ['alpha']), 'alpha', /concurrency/);
  });

  it('the API registry serves every job name', () => {
    const registry = createJobRegistry({ storage: { engine: { kind: 'sqlite', sweepExpired: async () => 0 } } });
    assert.deepEqual([...registry.names], [...JOB_NAMES]);
    for (const name of JOB_NAMES) assert.equal(registry.get(name)?.name, name);
  });
});
