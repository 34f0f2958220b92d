/**
 * The BullMQ engine: the queue port on Redis (REDIS_URL). One BullMQ queue per job name, so that
 * each handler's concurrency is its own Worker's; a producer (the API) opens Queues only, a
 * consumer (`npm run worker`, or a test) also runs a Worker per handler.
 *
 * - Retries/backoff, delays, priorities and repeatable jobs are BullMQ's own (Queue.add options,
 *   upsertJobScheduler); our public id `<name>:<key>` maps to the BullMQ job id `<key>` in queue `<name>`.
 * - A consumer that dies mid-job stops renewing its lock; after `lockDurationMs` another consumer's
 *   stalled check moves the job back to wait and it runs again (attemptsStarted counts the lost try).
 * - Cancel: a waiting/delayed job is removed and a tombstone keeps its `cancelled` state for getJob;
 *   an active one may run in another process, so the request goes through Redis: a key the
 *   processor checks before starting, and a pub/sub message on which the consumer aborts the job's
 *   AbortSignal (Worker.cancelJob). The aborted job fails with UnrecoverableError(CANCELLED_REASON):
 *   never retried, reported as `cancelled`.
 * - Workers use `maxRetriesPerRequest: null` (BullMQ requires it for blocking commands); producers
 *   keep ioredis's default so that an enqueue during a Redis outage fails instead of hanging.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidJobError, QueueClosedError } from './errors.js';
import {
  CANCELLED_REASON,
  UnrecoverableJobError,
  parseJobId,
  type EnqueueOptions,
  type JobContext,
  type JobHandler,
  type JobInfo,
  type JobLogger,
  type JobProgress,
  type JobRef,
  type JobState,
  type QueueEvent,
  type QueueListener,
  type QueuePort,
} from './port.js';
import type { JobRegistry } from './registry.js';
import { validateEnqueue } from './validate.js';

export interface BullmqQueueOptions {
  url: string;
  /** Redis key prefix (default `medichat`); tests use a fresh one per run. */
  prefix?: string;
  /** Every job name producers may enqueue. */
  names: readonly string[];
  /** Given: this process also consumes (runs the handlers). */
  registry?: JobRegistry;
  /** Concurrency of handlers that declare none (default 1). */
  concurrency?: number;
  /** A consumer that does not renew its lock within this is presumed dead (default 30 s). */
  lockDurationMs?: number;
  /** How often consumers look for stalled jobs (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /** Finished jobs kept for getJob: this many per name, for this long (defaults 1000, 7 days). */
  keepFinished?: { count: number; ageSeconds: number };
  logger?: JobLogger;
}

const TOMBSTONE_TTL_S = 7 * 86_400;

export class BullmqQueue implements QueuePort {
  readonly kind = 'bullmq' as const;
  readonly prefix: string;
  private readonly url: string;
  private readonly names: readonly string[];
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly events = new Map<string, QueueEvents>();
  private readonly listeners = new Set<QueueListener>();
  private readonly connections: Redis[] = [];
  private readonly producer: Redis;
  private readonly keep: { count: number; ageSeconds: number };
  private readonly logger?: JobLogger;
  private subscriber?: Redis;
  private closed = false;

  private constructor(private readonly options: BullmqQueueOptions) {
    this.url = options.url;
    this.prefix = options.prefix ?? 'medichat';
    this.names = [...options.names];
    this.keep = options.keepFinished ?? { count: 1000, ageSeconds: TOMBSTONE_TTL_S };
    this.logger = options.logger;
    this.producer = this.connect(false);
    for (const name of this.names) {
      this.queues.set(name, new Queue(name, { connection: this.producer, prefix: this.prefix }));
    }
  }

  /** Open the queues (and the workers when a registry is given); resolves once Redis answers. */
  static async open(options: BullmqQueueOptions): Promise<BullmqQueue> {
    const q = new BullmqQueue(options);
    try {
      await Promise.all([...q.queues.values()].map((queue) => queue.waitUntilReady()));
      if (options.registry) await q.startWorkers(options.registry);
    } catch (err) {
      await q.close(0);
      throw err;
    }
    return q;
  }

  private connect(blocking: boolean): Redis {
    const conn = new Redis(this.url, blocking ? { maxRetriesPerRequest: null } : {});
    conn.on('error', (err) => this.logger?.warn({ err }, 'queue: redis connection error'));
    this.connections.push(conn);
    return conn;
  }

  private tombstoneKey(name: string, key: string) {
    return `${this.prefix}-cancelled:${name}:${key}`;
  }
  private cancelKey(name: string, key: string) {
    return `${this.prefix}-cancel:${name}:${key}`;
  }
  private get cancelChannel() {
    return `${this.prefix}-cancel`;
  }

  private async startWorkers(registry: JobRegistry): Promise<void> {
    const conn = this.connect(true);
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    for (const handler of registry.handlers()) {
      const worker = new Worker(
        handler.name,
        (job: Job, _token?: string, signal?: AbortSignal) => this.process(handler, job, signal),
        {
          connection: conn,
          prefix: this.prefix,
          concurrency: handler.concurrency ?? this.options.concurrency ?? 1,
          lockDuration,
          stalledInterval: this.options.stalledIntervalMs ?? lockDuration,
          maxStalledCount: 1,
          autorun: false,
        },
      );
      worker.on('error', (err) => this.logger?.error({ err, job: handler.name }, 'queue: worker error'));
      worker.on('failed', (job, err) => {
        if (job && err.message !== CANCELLED_REASON) {
          this.logger?.warn(
            { job: `${handler.name}:${job.id}`, attempt: job.attemptsMade, err },
            'queue: attempt failed',
          );
        }
      });
      this.workers.set(handler.name, worker);
    }
    // Cancel requests for active jobs reach whichever consumer runs them.
    this.subscriber = this.connect(true);
    await this.subscriber.subscribe(this.cancelChannel);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const parsed = parseJobId(message);
      if (parsed) this.workers.get(parsed.name)?.cancelJob(parsed.key, CANCELLED_REASON);
    });
    for (const worker of this.workers.values()) {
      void worker.run().catch((err: unknown) => this.logger?.error({ err }, 'queue: worker stopped'));
      await worker.waitUntilReady();
    }
  }

  private async process(handler: JobHandler, job: Job, signal: AbortSignal | undefined): Promise<unknown> {
    const key = job.id!;
    const id = `${handler.name}:${key}`;
    if ((await this.producer.exists(this.cancelKey(handler.name, key))) === 1) {
      throw new UnrecoverableError(CANCELLED_REASON);
    }
    const abort = signal ?? new AbortController().signal;
    const ctx: JobContext = {
      jobId: id,
      attempt: job.attemptsStarted,
      signal: abort,
      progress: (value: JobProgress) => job.updateProgress(value),
      log: (message: string) => {
        void job.log(message).catch(() => undefined);
      },
    };
    const cancelled = () => abort.aborted && abort.reason === CANCELLED_REASON;
    try {
      const result = await handler.handle(job.data, ctx);
      if (cancelled()) throw new UnrecoverableError(CANCELLED_REASON);
      return result;
    } catch (err) {
      if (cancelled()) throw new UnrecoverableError(CANCELLED_REASON);
      if (err instanceof UnrecoverableJobError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  private queue(name: string): Queue {
    return this.queues.get(name)!;
  }

  async enqueue(name: string, data: unknown, options: EnqueueOptions = {}): Promise<JobRef> {
    if (this.closed) throw new QueueClosedError();
    validateEnqueue(name, options, this.names);
    const key = options.jobId ?? randomUUID();
    const opts: JobsOptions = {
      jobId: key,
      attempts: options.attempts ?? 1,
      removeOnComplete: { count: this.keep.count, age: this.keep.ageSeconds },
      removeOnFail: { count: this.keep.count, age: this.keep.ageSeconds },
    };
    if (options.delayMs) opts.delay = options.delayMs;
    if (options.priority !== undefined) opts.priority = options.priority;
    if (options.backoff) opts.backoff = { type: options.backoff.type, delay: options.backoff.delayMs };
    const queue = this.queue(name);
    if (options.jobId) {
      // A key whose job is kept names that job (BullMQ ignores the add); a cancelled key is free again.
      if (await queue.getJob(key)) return { id: `${name}:${key}`, name, created: false };
      await this.producer.del(this.tombstoneKey(name, key), this.cancelKey(name, key));
    }
    await queue.add(name, data ?? {}, opts);
    return { id: `${name}:${key}`, name, created: true };
  }

  async getJob(id: string): Promise<JobInfo | null> {
    const parsed = parseJobId(id);
    if (!parsed || !this.queues.has(parsed.name)) return null;
    const queue = this.queue(parsed.name);
    // State first, then the job's hash: the hash is then at least as new as the state, so a
    // `completed` never comes without its result (the other order can pair it with a stale hash).
    const raw = await queue.getJobState(parsed.key);
    const job = await queue.getJob(parsed.key);
    if (!job) {
      const tomb = await this.producer.get(this.tombstoneKey(parsed.name, parsed.key));
      return tomb ? (JSON.parse(tomb) as JobInfo) : null;
    }
    return toInfo(parsed.name, job, raw);
  }

  async cancel(id: string): Promise<boolean> {
    const parsed = parseJobId(id);
    if (!parsed || !this.queues.has(parsed.name)) return false;
    const { name, key } = parsed;
    const queue = this.queue(name);
    const raw = await queue.getJobState(key);
    const job = await queue.getJob(key);
    if (!job) return false;
    const state = toState(raw, job.failedReason);
    if (state === 'waiting' || state === 'delayed') {
      const info = {
        ...toInfo(name, job, 'waiting'),
        state: 'cancelled' as const,
        failedReason: CANCELLED_REASON,
        finishedAt: Date.now(),
      };
      if ((await queue.remove(key)) === 1) {
        await this.producer.set(this.tombstoneKey(name, key), JSON.stringify(info), 'EX', TOMBSTONE_TTL_S);
        this.emit({ type: 'state', id, name, state: 'cancelled', failedReason: CANCELLED_REASON });
        return true;
      }
      // It became active (locked by a consumer) in between: cancel it as an active job.
    } else if (state !== 'active') return false;
    await this.producer.set(this.cancelKey(name, key), '1', 'EX', TOMBSTONE_TTL_S);
    await this.producer.publish(this.cancelChannel, id);
    return true;
  }

  async subscribe(listener: QueueListener): Promise<() => void> {
    if (this.closed) throw new QueueClosedError();
    this.listeners.add(listener);
    if (this.events.size === 0) await this.listen();
    return () => void this.listeners.delete(listener);
  }

  private emit(event: QueueEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger?.error({ err }, 'queue: an event listener threw');
      }
    }
  }

  private async listen(): Promise<void> {
    for (const name of this.names) {
      const ev = new QueueEvents(name, { connection: this.connect(true), prefix: this.prefix, autorun: false });
      const state = (s: JobState, failedReason?: string) => (args: { jobId: string }) =>
        this.emit({
          type: 'state',
          id: `${name}:${args.jobId}`,
          name,
          state: s,
          ...(failedReason ? { failedReason } : {}),
        });
      ev.on('waiting', state('waiting'));
      ev.on('delayed', state('delayed'));
      ev.on('active', state('active'));
      ev.on('completed', state('completed'));
      ev.on('failed', ({ jobId, failedReason }) =>
        state(failedReason === CANCELLED_REASON ? 'cancelled' : 'failed', failedReason)({ jobId }),
      );
      ev.on('progress', ({ jobId, data }) =>
        this.emit({ type: 'progress', id: `${name}:${jobId}`, name, progress: data as JobProgress }),
      );
      ev.on('error', (err) => this.logger?.warn({ err, job: name }, 'queue: event stream error'));
      this.events.set(name, ev);
      void ev.run().catch(() => undefined);
      await ev.waitUntilReady();
    }
  }

  async schedule(name: string, everyMs: number, data: unknown = {}): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    validateEnqueue(name, {}, this.names);
    if (!Number.isInteger(everyMs) || everyMs < 10) throw new InvalidJobError(`schedule ${name}: everyMs must be ≥ 10`);
    await this.queue(name).upsertJobScheduler(
      name,
      { every: everyMs },
      {
        name,
        data,
        opts: {
          removeOnComplete: { count: this.keep.count, age: this.keep.ageSeconds },
          removeOnFail: { count: this.keep.count, age: this.keep.ageSeconds },
        },
      },
    );
  }

  async unschedule(name: string): Promise<void> {
    if (this.queues.has(name)) await this.queue(name).removeJobScheduler(name);
  }

  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const workers = [...this.workers.values()];
    let timer: NodeJS.Timeout | undefined;
    const graceful = Promise.allSettled(workers.map((w) => w.close()));
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      // Past the grace period: abort what still runs; its lock lapses and another consumer retries it.
      for (const w of workers) w.cancelAllJobs('the queue is shutting down');
      await Promise.allSettled(workers.map((w) => w.close(true)));
    }
    await Promise.allSettled([...this.events.values()].map((e) => e.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    for (const c of this.connections) c.disconnect();
  }
}

function toState(raw: string, failedReason: string | undefined): JobState {
  switch (raw) {
    case 'delayed':
    case 'active':
    case 'completed':
      return raw;
    case 'failed':
      return failedReason === CANCELLED_REASON ? 'cancelled' : 'failed';
    default:
      // waiting, prioritized, waiting-children, unknown (between two moves)
      return 'waiting';
  }
}

function toInfo(name: string, job: Job, raw: string): JobInfo {
  const info: JobInfo = {
    id: `${name}:${job.id}`,
    name,
    data: job.data,
    state: toState(raw, job.failedReason),
    progress: (job.progress as JobProgress | undefined) ?? 0,
    attemptsStarted: job.attemptsStarted ?? 0,
    attemptsMade: job.attemptsMade ?? 0,
    attempts: job.opts.attempts ?? 1,
    createdAt: job.timestamp,
  };
  if (job.returnvalue !== undefined && job.returnvalue !== null) info.result = job.returnvalue;
  if (job.failedReason) info.failedReason = job.failedReason;
  if (job.processedOn) info.processedAt = job.processedOn;
  if (job.finishedOn) info.finishedAt = job.finishedOn;
  return info;
}
