/**
 * The queue port: what every feature that runs work in the background (the sweeper, fine-tuning,
 * health imports, news fetches) sees, whichever engine runs it. Two engines implement it with the
 * same semantics, checked by one contract suite (queue.contract.test.ts):
 * - `memory`: in-process, the embedded default (no REDIS_URL). Jobs live as long as the process.
 * - `bullmq`: BullMQ on Redis. Durable; producers (the API) and consumers (`npm run worker`) may be
 *   different processes; a consumer that dies mid-job is detected (stalled lock) and its job retried.
 *
 * Job ids are `<name>:<key>`: the key is the caller's `jobId` (idempotent: enqueueing the same key
 * for the same name twice yields one job) or a generated UUID. Data and results cross a JSON
 * boundary on both engines (a Date arrives as its ISO string), so a handler behaves the same in and
 * out of process.
 */

export const JOB_STATES = ['waiting', 'delayed', 'active', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Wait before attempt n+1 (n = attempts made so far, from 1): fixed `delayMs`, or `delayMs · 2^(n-1)`. */
export interface Backoff {
  type: 'exponential' | 'fixed';
  delayMs: number;
}

export interface EnqueueOptions {
  /** Idempotency key (`[A-Za-z0-9._-]{1,128}`, not all digits): one job per name and key while it is kept. */
  jobId?: string;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Total attempts, the first included (default 1: no retry). */
  attempts?: number;
  backoff?: Backoff;
  /** 1 is the highest; unset = before every prioritised job (BullMQ's rule), in arrival order. */
  priority?: number;
}

/** A number (e.g. percent) or a small JSON object (e.g. `{ step, total, loss }`). */
export type JobProgress = number | Record<string, unknown>;

export interface JobInfo<R = unknown> {
  id: string;
  name: string;
  data: unknown;
  state: JobState;
  progress: JobProgress;
  /** Attempts that started (a crashed attempt counts here, not in attemptsMade). */
  attemptsStarted: number;
  /** Attempts that ended, failed or not. */
  attemptsMade: number;
  /** The most attempts this job may take. */
  attempts: number;
  result?: R;
  failedReason?: string;
  createdAt: number;
  processedAt?: number;
  finishedAt?: number;
}

export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the job is cancelled or the consumer shuts down past its grace period. */
  signal: AbortSignal;
  /** Report progress; listeners (possibly in another process) receive it as a `progress` event. */
  progress(value: JobProgress): Promise<void>;
  /** A line in the job's log (BullMQ keeps it with the job; the in-process engine logs it). */
  log(message: string): void;
}

export interface JobHandler<D = unknown, R = unknown> {
  /** The job name this handler serves (see jobs/names.ts). */
  name: string;
  /** Jobs of this name run side by side in one consumer (default: the queue's default concurrency). */
  concurrency?: number;
  handle(data: D, ctx: JobContext): Promise<R>;
}

export type QueueEvent =
  | { type: 'state'; id: string; name: string; state: JobState; failedReason?: string }
  | { type: 'progress'; id: string; name: string; progress: JobProgress };

export type QueueListener = (event: QueueEvent) => void;

export interface JobRef {
  id: string;
  name: string;
  /** False when the id already named a job (idempotent enqueue): nothing new was queued. */
  created: boolean;
}

export interface QueuePort {
  readonly kind: 'memory' | 'bullmq';
  enqueue(name: string, data: unknown, options?: EnqueueOptions): Promise<JobRef>;
  /** null when the id names no job (never existed, or no longer kept). */
  getJob(id: string): Promise<JobInfo | null>;
  /**
   * A waiting or delayed job is removed (state `cancelled`); an active one gets its signal aborted
   * and ends `cancelled`, never retried. False when there was nothing to cancel.
   */
  cancel(id: string): Promise<boolean>;
  /** Receive progress and state changes of every job; resolves once listening. */
  subscribe(listener: QueueListener): Promise<() => void>;
  /** Run `name` now, then every `everyMs` (idempotent per name: a second call replaces the first). */
  schedule(name: string, everyMs: number, data?: unknown): Promise<void>;
  unschedule(name: string): Promise<void>;
  /** Stop taking jobs, wait for active ones up to `timeoutMs`, abort the rest, release connections. */
  close(timeoutMs?: number): Promise<void>;
}

/** Throw from a handler to fail the job at once, without its remaining attempts. */
export class UnrecoverableJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableJobError';
  }
}

/** The failure reason of a job cancelled while active (both engines). */
export const CANCELLED_REASON = 'cancelled';

const KEY = /^[A-Za-z0-9._-]{1,128}$/;
const NAME = /^[a-z][a-z0-9-]{0,63}$/;

export function isValidJobKey(key: string): boolean {
  return KEY.test(key) && !/^\d+$/.test(key);
}

export function isValidJobName(name: string): boolean {
  return NAME.test(name);
}

/** `<name>:<key>` → its parts, or null when malformed (keys of scheduled jobs may hold `:`). */
export function parseJobId(id: string): { name: string; key: string } | null {
  const i = id.indexOf(':');
  if (i <= 0) return null;
  const name = id.slice(0, i);
  const key = id.slice(i + 1);
  return isValidJobName(name) && /^[A-Za-z0-9._:-]{1,200}$/.test(key) ? { name, key } : null;
}

export function backoffDelay(backoff: Backoff | undefined, attemptsMade: number): number {
  if (!backoff) return 0;
  return backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, attemptsMade - 1);
}
