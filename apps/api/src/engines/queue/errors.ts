/**
 * Typed queue errors. Each names what is wrong (the job name, the id, the option) so that a boot
 * failure or a bad enqueue reads as a sentence in the log, never as a bare "undefined".
 */

export class QueueError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueError';
  }
}

/** The registry is inconsistent (a job name without handler, a name served twice): boot stops. */
export class JobRegistryError extends QueueError {
  readonly jobName: string;
  constructor(jobName: string, message: string) {
    super(message);
    this.name = 'JobRegistryError';
    this.jobName = jobName;
  }
}

/** enqueue() / schedule() got a name, key or option it cannot take. */
export class InvalidJobError extends QueueError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobError';
  }
}

/** The queue was closed; nothing more can be enqueued. */
export class QueueClosedError extends QueueError {
  constructor() {
    super('the job queue is closed');
    this.name = 'QueueClosedError';
  }
}
