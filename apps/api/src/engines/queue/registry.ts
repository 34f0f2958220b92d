/**
 * The job registry: which handler serves which job name. Built once at boot from the handler list;
 * it throws (stopping the boot, naming the job) when a known job name has no handler, a handler
 * serves a name nobody declared, or two handlers claim one name. Engines take a registry, never a
 * loose list, so "enqueued a job nobody will ever run" cannot happen silently.
 */
import { JobRegistryError } from './errors.js';
import { isValidJobName, type JobHandler } from './port.js';

export interface JobRegistry {
  /** Every job name, in declaration order. */
  readonly names: readonly string[];
  get(name: string): JobHandler | undefined;
  handlers(): JobHandler[];
}

// A handler of any data type is a handler; variance of `handle`'s parameter forbids JobHandler<unknown>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobHandler = JobHandler<any, any>;

export function createRegistry(handlers: readonly AnyJobHandler[], names: readonly string[]): JobRegistry {
  const byName = new Map<string, JobHandler>();
  const known = new Set(names);
  for (const name of names) {
    if (!isValidJobName(name)) throw new JobRegistryError(name, `job name "${name}" must match [a-z][a-z0-9-]*`);
  }
  for (const h of handlers) {
    if (!known.has(h.name)) {
      throw new JobRegistryError(h.name, `a handler serves job "${h.name}", which is not a known job name`);
    }
    if (byName.has(h.name)) throw new JobRegistryError(h.name, `job "${h.name}" has two handlers`);
    if (h.concurrency !== undefined && (!Number.isInteger(h.concurrency) || h.concurrency < 1)) {
      throw new JobRegistryError(h.name, `job "${h.name}": concurrency must be a positive integer`);
    }
    byName.set(h.name, h as JobHandler);
  }
  for (const name of names) {
    if (!byName.has(name)) throw new JobRegistryError(name, `job "${name}" has no handler`);
  }
  return {
    names: [...names],
    get: (name) => byName.get(name),
    handlers: () => [...byName.values()],
  };
}
