/**
 * The job registry of the API and the worker: builds every handler from the services it needs and
 * checks it covers JOB_NAMES exactly (createRegistry throws naming the job otherwise), plus the
 * repeatable schedules. Both processes call the same two functions, so the API's in-process queue
 * and `npm run worker` run the same handlers.
 *
 *   const registry = createJobRegistry({ storage, logger });
 *   const queue = await openQueue({ redisUrl, registry, role, … });
 *   await scheduleJobs(queue, config);
 */
import type { Config } from '../config/config.js';
import {
  createRegistry,
  type AnyJobHandler,
  type JobLogger,
  type JobRegistry,
  type QueuePort,
} from '../engines/queue/index.js';
import type { StorageEngine } from '../engines/storage/port.js';
import { JOB_NAMES } from './names.js';
import { sweepJob } from './sweep.job.js';
import { newsJob } from './news.job.js';
import type { NewsService } from '../modules/news/index.js';
import { sensorsImportJob, type SensorImporter } from './sensors-import.job.js';
import { modelPullJob, type ModelPuller } from './model-pull.job.js';
import { fineTuneJob, type FineTuneRunner } from './fine-tune.job.js';

export { JOB_NAMES, type JobName, type JobPayloads } from './names.js';

export interface JobDeps {
  storage: { engine: Pick<StorageEngine, 'sweepExpired' | 'kind'> };
  logger?: JobLogger;
  /**
   * The news service the `news-fetch` job runs (built by the composition root; asked for at run time,
   * since the API's queue opens before its services). None: the job fetches nothing.
   */
  news?: () => Pick<NewsService, 'refreshAll'> | undefined;
  /** The sensors service the `sensors-import` job runs (same late binding as `news`). */
  sensors?: () => SensorImporter | undefined;
  /** The model service the `model-pull` job runs (same late binding). */
  models?: () => ModelPuller | undefined;
  /** The fine-tune service the `fine-tune` job runs (same late binding). */
  fineTune?: () => FineTuneRunner | undefined;
}

export function buildJobHandlers(deps: JobDeps): AnyJobHandler[] {
  return [
    sweepJob({ engine: deps.storage.engine, logger: deps.logger }),
    newsJob({ news: deps.news }),
    sensorsImportJob({ sensors: deps.sensors }),
    modelPullJob({ models: deps.models }),
    fineTuneJob({ fineTune: deps.fineTune }),
  ];
}

export function createJobRegistry(deps: JobDeps): JobRegistry {
  return createRegistry(buildJobHandlers(deps), JOB_NAMES);
}

/** Register the repeatable jobs (idempotent: every boot of every process may call it). */
export async function scheduleJobs(
  queue: QueuePort,
  config: Pick<Config, 'sweepIntervalMs'> & Partial<Pick<Config, 'news'>>,
): Promise<void> {
  await queue.schedule('sweep', config.sweepIntervalMs, {});
  if (config.news?.feeds.length) await queue.schedule('news-fetch', config.news.intervalMs, {});
}
