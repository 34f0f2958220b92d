/**
 * The in-process queue engine: the embedded default when no REDIS_URL is set. Same semantics as
 * the BullMQ engine (retries with backoff, idempotent ids, delayed jobs, per-name concurrency,
 * priorities, cancel with an AbortSignal, progress events, repeatable jobs, graceful close), on
 * plain timers and arrays.
 *
 * Written here rather than taken from a library: the kept in-memory queues (fastq, p-queue) do
 * concurrency only — no retries, delays, ids, state lookup or cancel — and better-queue (the one
 * with retries) is unmaintained since 2022, has no AbortSignal, no per-job state lookup and merges
 * jobs with equal ids instead of ignoring the second. What it takes is ~300 lines checked by the
 * same contract suite as BullMQ.
 *
 * What differs from BullMQ, by nature: jobs are not durable (a process crash loses them, waiting
 * ones included); "a crashed worker" can only be a handler that throws or rejects. Finished jobs
 * are kept (for getJob) up to `keepFinished` of them, oldest dropped first.
 */
import { randomUUID } from 'node:crypto';
import { InvalidJobError, QueueClosedError } from './errors.js';
import {
  CANCELLED_REASON,
  UnrecoverableJobError,
  backoffDelay,
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

export interface MemoryQueueOptions {
  registry: JobRegistry;
  /** Concurrency of handlers that declare none (default 1). */
  concurrency?: number;
  /** Finished (completed, failed, cancelled) jobs kept for getJob (default 1000). */
  keepFinished?: number;
  logger?: JobLogger;
}

interface Rec {
  info: JobInfo;
  opts: EnqueueOptions;
  /** Arrival order, for FIFO within a priority. */
  seq: number;
  timer?: NodeJS.Timeout;
  controller?: AbortController;
  cancelRequested?: boolean;
  running?: Promise<void>;
}

interface Lane {
  handler: JobHandler;
  concurrency: number;
  waiting: Rec[];
  active: number;
}

const json = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export class MemoryQueue implements QueuePort {
  readonly kind = 'memory' as const;
  private readonly jobs = new Map<string, Rec>();
  private readonly finished: string[] = [];
  private readonly lanes = new Map<string, Lane>();
  private readonly listeners = new Set<QueueListener>();
  private readonly schedules = new Map<string, { timer: NodeJS.Timeout; everyMs: number; data: unknown }>();
  private readonly keepFinished: number;
  private readonly logger?: JobLogger;
  private seq = 0;
  private closed = false;

  constructor(options: MemoryQueueOptions) {
    this.keepFinished = options.keepFinished ?? 1000;
    this.logger = options.logger;
    for (const handler of options.registry.handlers()) {
      this.lanes.set(handler.name, {
        handler,
        concurrency: handler.concurrency ?? options.concurrency ?? 1,
        waiting: [],
        active: 0,
      });
    }
  }

  async enqueue(name: string, data: unknown, options: EnqueueOptions = {}): Promise<JobRef> {
    if (this.closed) throw new QueueClosedError();
    validateEnqueue(name, options, this.lanes.keys());
    const key = options.jobId ?? randomUUID();
    const id = `${name}:${key}`;
    if (this.jobs.has(id)) return { id, name, created: false };
    const delay = options.delayMs ?? 0;
    const rec: Rec = {
      info: {
        id,
        name,
        data: json(data),
        state: delay > 0 ? 'delayed' : 'waiting',
        progress: 0,
        attemptsStarted: 0,
        attemptsMade: 0,
        attempts: options.attempts ?? 1,
        createdAt: Date.now(),
      },
      opts: options,
      seq: ++this.seq,
    };
    this.jobs.set(id, rec);
    this.emit({ type: 'state', id, name, state: rec.info.state });
    if (delay > 0) this.delay(rec, delay);
    else this.push(rec);
    return { id, name, created: true };
  }

  async getJob(id: string): Promise<JobInfo | null> {
    const rec = this.jobs.get(id);
    return rec ? { ...rec.info, data: json(rec.info.data), result: json(rec.info.result) } : null;
  }

  async cancel(id: string): Promise<boolean> {
    const rec = this.jobs.get(id);
    if (!rec) return false;
    const { state } = rec.info;
    if (state === 'waiting' || state === 'delayed') {
      if (rec.timer) clearTimeout(rec.timer);
      const lane = this.lanes.get(rec.info.name)!;
      const i = lane.waiting.indexOf(rec);
      if (i >= 0) lane.waiting.splice(i, 1);
      this.finish(rec, 'cancelled', { failedReason: CANCELLED_REASON });
      return true;
    }
    if (state === 'active' && !rec.cancelRequested) {
      rec.cancelRequested = true;
      rec.controller?.abort(new Error(CANCELLED_REASON));
      return true;
    }
    return false;
  }

  async subscribe(listener: QueueListener): Promise<() => void> {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async schedule(name: string, everyMs: number, data: unknown = {}): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    validateEnqueue(name, {}, this.lanes.keys());
    if (!Number.isInteger(everyMs) || everyMs < 10) throw new InvalidJobError(`schedule ${name}: everyMs must be ≥ 10`);
    await this.unschedule(name);
    const tick = () => {
      // One scheduled job at a time: a slot whose predecessor still waits or runs is skipped.
      const pending = [...this.jobs.values()].some(
        (r) => r.info.name === name && r.info.id.includes(':repeat-') && !isFinished(r.info.state),
      );
      if (!pending && !this.closed) {
        void this.enqueue(name, data, { jobId: `repeat-${Date.now()}` }).catch((err: unknown) =>
          this.logger?.error({ err, job: name }, 'queue: scheduling a repeatable job failed'),
        );
      }
      const s = this.schedules.get(name);
      if (s) s.timer = setTimeout(tick, everyMs).unref();
    };
    // First run now, then every everyMs (as BullMQ's job schedulers do).
    this.schedules.set(name, { timer: setTimeout(tick, 0).unref(), everyMs, data });
  }

  async unschedule(name: string): Promise<void> {
    const s = this.schedules.get(name);
    if (s) clearTimeout(s.timer);
    this.schedules.delete(name);
  }

  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const name of [...this.schedules.keys()]) await this.unschedule(name);
    for (const rec of this.jobs.values()) if (rec.timer) clearTimeout(rec.timer);
    for (const lane of this.lanes.values()) lane.waiting.length = 0;
    const running = [...this.jobs.values()].flatMap((r) => (r.running ? [r.running] : []));
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.allSettled(running).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const rec of this.jobs.values()) rec.controller?.abort(new Error('the queue is shutting down'));
      // Give aborted handlers a moment to unwind; they are not waited for beyond that.
      await Promise.race([Promise.allSettled(running), new Promise((r) => setTimeout(r, 100).unref())]);
    }
  }

  // ---- internals ----

  private emit(event: QueueEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger?.error({ err }, 'queue: an event listener threw');
      }
    }
  }

  private delay(rec: Rec, ms: number): void {
    rec.timer = setTimeout(() => {
      rec.timer = undefined;
      if (this.closed) return;
      this.setState(rec, 'waiting');
      this.push(rec);
    }, ms);
    rec.timer.unref();
  }

  private push(rec: Rec): void {
    const lane = this.lanes.get(rec.info.name)!;
    // Sorted by (priority, arrival) as BullMQ takes them: unprioritised first, then 1, 2, …
    const rank = (r: Rec) => r.opts.priority ?? 0;
    const after = (a: Rec) => rank(a) > rank(rec) || (rank(a) === rank(rec) && a.seq > rec.seq);
    let i = lane.waiting.length;
    while (i > 0 && after(lane.waiting[i - 1]!)) i--;
    lane.waiting.splice(i, 0, rec);
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    while (!this.closed && lane.active < lane.concurrency && lane.waiting.length > 0) {
      const rec = lane.waiting.shift()!;
      lane.active++;
      rec.running = this.run(lane, rec).finally(() => {
        rec.running = undefined;
        lane.active--;
        this.pump(lane);
      });
    }
  }

  private setState(rec: Rec, state: JobState, extra: { failedReason?: string } = {}): void {
    rec.info.state = state;
    this.emit({ type: 'state', id: rec.info.id, name: rec.info.name, state, ...extra });
  }

  private finish(
    rec: Rec,
    state: 'completed' | 'failed' | 'cancelled',
    extra: { failedReason?: string; result?: unknown },
  ) {
    rec.info.finishedAt = Date.now();
    if (extra.failedReason !== undefined) rec.info.failedReason = extra.failedReason;
    if (extra.result !== undefined) rec.info.result = extra.result;
    this.setState(rec, state, extra.failedReason !== undefined ? { failedReason: extra.failedReason } : {});
    this.finished.push(rec.info.id);
    while (this.finished.length > this.keepFinished) this.jobs.delete(this.finished.shift()!);
  }

  private async run(lane: Lane, rec: Rec): Promise<void> {
    const { info } = rec;
    const controller = new AbortController();
    rec.controller = controller;
    info.attemptsStarted++;
    info.processedAt = Date.now();
    this.setState(rec, 'active');
    const ctx: JobContext = {
      jobId: info.id,
      attempt: info.attemptsStarted,
      signal: controller.signal,
      progress: async (value: JobProgress) => {
        info.progress = json(value);
        this.emit({ type: 'progress', id: info.id, name: info.name, progress: json(value) });
      },
      log: (message: string) => this.logger?.info({ job: info.id }, message),
    };
    let result: unknown;
    let error: unknown;
    let failed = false;
    try {
      // A handler that throws synchronously is a failed attempt, like one that rejects.
      result = json(await Promise.resolve().then(() => lane.handler.handle(json(info.data), ctx)));
    } catch (err) {
      failed = true;
      error = err;
    }
    rec.controller = undefined;
    info.attemptsMade++;
    if (rec.cancelRequested) {
      this.finish(rec, 'cancelled', { failedReason: CANCELLED_REASON });
      return;
    }
    if (!failed) {
      this.finish(rec, 'completed', { result });
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    info.failedReason = reason;
    const retry = info.attemptsMade < info.attempts && !(error instanceof UnrecoverableJobError) && !this.closed;
    if (!retry) {
      this.logger?.warn({ job: info.id, attempts: info.attemptsMade, err: error }, 'queue: job failed');
      this.finish(rec, 'failed', { failedReason: reason });
      return;
    }
    const wait = backoffDelay(rec.opts.backoff, info.attemptsMade);
    if (wait > 0) {
      this.setState(rec, 'delayed', { failedReason: reason });
      this.delay(rec, wait);
    } else {
      this.setState(rec, 'waiting', { failedReason: reason });
      this.push(rec);
    }
  }
}

function isFinished(state: JobState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}
