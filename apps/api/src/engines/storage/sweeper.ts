/**
 * Periodic removal of expired documents. Correctness never depends on it (reads filter expired
 * documents by query); it reclaims space, and it is the only reclaimer where the engine has no TTL
 * monitor (SQLite, FerretDB). Runs never overlap; failures are logged, not thrown.
 */
import type { StorageEngine } from './port.js';
import type { StorageLogger } from './query.js';

export interface SweeperOptions {
  /** Time between the end of one run and the start of the next. Default 60 s. */
  intervalMs?: number;
  logger?: StorageLogger;
}

/** Start sweeping; returns stop(), which also waits for a run in progress to finish. */
export function startSweeper(
  engine: Pick<StorageEngine, 'sweepExpired' | 'kind'>,
  options: SweeperOptions = {},
): () => Promise<void> {
  const intervalMs = Math.max(10, options.intervalMs ?? 60_000);
  const logger = options.logger;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const run = async () => {
    try {
      const removed = await engine.sweepExpired();
      if (removed > 0) logger?.info({ removed, engine: engine.kind }, 'storage: swept expired documents');
    } catch (err) {
      logger?.error({ err, engine: engine.kind }, 'storage: sweeping expired documents failed');
    }
  };

  const schedule = () => {
    if (stopped) return;
    // A chain of timeouts, not an interval: the next run starts only after this one ended.
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
