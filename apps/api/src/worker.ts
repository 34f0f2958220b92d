/**
 * The worker process (`npm run worker`, built: `node apps/api/dist/worker.js`): runs the job
 * handlers out of the API process, consuming from BullMQ on REDIS_URL. Any number may run, on any
 * machine that reaches Redis and the storage; each job runs on one of them, and a job whose worker
 * dies is retried by another once its lock lapses (QUEUE_LOCK_DURATION_MS).
 *
 * Without REDIS_URL there is nothing to consume: the API runs the same handlers in-process, so this
 * exits at once (code 78) saying so. SIGTERM / SIGINT: stop taking jobs, let active ones finish for
 * up to SHUTDOWN_TIMEOUT_MS (then abort them; another worker retries them), close storage, exit 0.
 */
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { openQueue } from './engines/queue/index.js';
import { openStorage } from './engines/storage/index.js';
import { createJobRegistry, scheduleJobs } from './jobs/index.js';
import { buildFineTune, buildModelService, buildNews, buildSensors } from './container.js';
import type { QueuePort } from './engines/queue/index.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`medichat worker: ${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  if (!config.redisUrl) {
    console.error(
      'medichat worker: REDIS_URL is not set. Without Redis the API runs every job in-process and no worker is needed; set REDIS_URL (redis://…) on the API and on the workers to run jobs here.',
    );
    process.exit(78);
  }
  const log = pino({ level: config.logLevel, base: { process: 'worker', pid: process.pid } });
  const storage = await openStorage({
    mongodbUri: config.storage.mongodbUri,
    mongodbDb: config.storage.mongodbDb,
    dataDir: config.dataDir,
    logger: log,
  });
  const news = buildNews({ storage, config, log });
  const sensors = buildSensors(storage);
  const models = buildModelService({ config, storage, log });
  // The registry is built before the queue opens; the fine-tune service asks for the queue at run time.
  const opened: { queue?: QueuePort } = {};
  const fineTune = buildFineTune({ config, storage, queue: () => opened.queue, log });
  const registry = createJobRegistry({
    storage,
    logger: log,
    news: () => news,
    sensors: () => sensors,
    models: () => models,
    fineTune: () => fineTune,
  });
  const queue = await openQueue({
    redisUrl: config.redisUrl,
    prefix: config.queue.prefix,
    registry,
    role: 'worker',
    concurrency: config.queue.concurrency,
    lockDurationMs: config.queue.lockDurationMs,
    logger: log,
  });
  opened.queue = queue;
  await scheduleJobs(queue, config);
  // Fine-tunes a stopped process left unfinished: failed, retryable (never stuck `running`).
  await fineTune.recover();
  closeWithGrace({ delay: config.shutdownTimeoutMs + 2000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'worker: shutting down after an error');
    else log.info({ signal }, 'worker: shutting down');
    fineTune.stop();
    await queue.close(config.shutdownTimeoutMs);
    await storage.close();
  });
  log.info(
    { jobs: registry.names, storage: storage.engine.kind, prefix: config.queue.prefix },
    'medichat worker: consuming jobs',
  );
}

main().catch((err) => {
  console.error('medichat worker: failed to start', err);
  process.exit(1);
});
