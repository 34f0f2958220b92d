/**
 * The `fine-tune` job (issue 9): train, export, load-check, gate and register one fine-tuned model
 * (FineTuneService.run, modules/fine-tune). One at a time per process: training takes every core.
 * Enqueued by `POST /api/models/fine-tune` and `POST /api/models/:id/retry` with the model id as
 * job key; never retried by the queue (attempts 1): a failed or cancelled job is retried by hand.
 */
import { UnrecoverableJobError, type JobContext, type JobHandler } from '../engines/queue/port.js';
import type { JobPayloads } from './names.js';

/**
 * What the job needs of the fine-tune service, declared here: jobs may not import modules/fine-tune
 * (its routes import plugins/app, which imports jobs: a cycle).
 */
export interface FineTuneRunner {
  run(data: JobPayloads['fine-tune'], ctx: JobContext): Promise<{ state: string; gate?: string }>;
}

export function fineTuneJob(deps: {
  fineTune?: () => FineTuneRunner | undefined;
}): JobHandler<JobPayloads['fine-tune'], { state: string; gate?: string }> {
  return {
    name: 'fine-tune',
    concurrency: 1,
    async handle(data, ctx) {
      const runner = deps.fineTune?.();
      if (!runner) throw new UnrecoverableJobError('the fine-tune service is not available here');
      return runner.run(data, ctx);
    },
  };
}
