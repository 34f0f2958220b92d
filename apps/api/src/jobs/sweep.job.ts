/**
 * The `sweep` job: remove expired documents (sessions, guest chats…) from storage. The work is the
 * storage engine's `sweepExpired` (what engines/storage/sweeper.ts runs on a timer); as a job it is
 * scheduled every SWEEP_INTERVAL_MS on the queue, so with Redis it runs once per interval across
 * all API instances and workers instead of once in each, and its runs are visible (getJob, events).
 * Runs never overlap (concurrency 1, one scheduled job at a time).
 */
import type { StorageEngine } from '../engines/storage/port.js';
import type { JobHandler, JobLogger } from '../engines/queue/port.js';
import type { JobPayloads } from './names.js';

export interface SweepResult {
  removed: number;
}

export function sweepJob(deps: {
  engine: Pick<StorageEngine, 'sweepExpired' | 'kind'>;
  logger?: JobLogger;
}): JobHandler<JobPayloads['sweep'], SweepResult> {
  return {
    name: 'sweep',
    concurrency: 1,
    async handle() {
      const removed = await deps.engine.sweepExpired();
      if (removed > 0) deps.logger?.info({ removed, engine: deps.engine.kind }, 'storage: swept expired documents');
      return { removed };
    },
  };
}
