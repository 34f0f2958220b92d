/**
 * Queue entry point: pick the engine from config. No REDIS_URL: the in-process engine runs every
 * handler inside the API. REDIS_URL: BullMQ; the API opens it as a producer (`role: 'producer'`)
 * and `npm run worker` as a consumer (`role: 'worker'`, the same handlers out of process).
 *
 *   const queue = await openQueue({ redisUrl, prefix, registry, role: 'producer', logger });
 *   const { id } = await queue.enqueue('sweep', {});
 *   await queue.close(shutdownTimeoutMs);
 */
import { BullmqQueue } from './bullmq.js';
import { MemoryQueue } from './memory.js';
import type { JobLogger, QueuePort } from './port.js';
import type { JobRegistry } from './registry.js';

export * from './port.js';
export * from './errors.js';
export { createRegistry, type JobRegistry, type AnyJobHandler } from './registry.js';
export { MemoryQueue, type MemoryQueueOptions } from './memory.js';
export { BullmqQueue, type BullmqQueueOptions } from './bullmq.js';

export interface QueueOptions {
  /** redis:// URL: BullMQ. Absent: in-process. */
  redisUrl?: string;
  /** Redis key prefix (BullMQ only). */
  prefix?: string;
  registry: JobRegistry;
  /** BullMQ only: `producer` enqueues (the API), `worker` also consumes. In-process always does both. */
  role: 'producer' | 'worker';
  /** Concurrency of handlers that declare none. */
  concurrency?: number;
  lockDurationMs?: number;
  logger?: JobLogger;
}

export async function openQueue(options: QueueOptions): Promise<QueuePort> {
  if (!options.redisUrl) {
    return new MemoryQueue({ registry: options.registry, concurrency: options.concurrency, logger: options.logger });
  }
  return BullmqQueue.open({
    url: options.redisUrl,
    prefix: options.prefix,
    names: options.registry.names,
    registry: options.role === 'worker' ? options.registry : undefined,
    concurrency: options.concurrency,
    lockDurationMs: options.lockDurationMs,
    logger: options.logger,
  });
}
