/**
 * enqueue() options checked the same way by both engines, so that a bad call fails alike on each
 * (an InvalidJobError naming the option) instead of being accepted by one and mangled by the other.
 */
import { InvalidJobError } from './errors.js';
import { isValidJobKey, type EnqueueOptions } from './port.js';

export function validateEnqueue(name: string, o: EnqueueOptions, known: Iterable<string>): void {
  if (![...known].includes(name)) throw new InvalidJobError(`no handler serves job "${name}"`);
  if (o.jobId !== undefined && !isValidJobKey(o.jobId)) {
    throw new InvalidJobError(`job ${name}: jobId must match [A-Za-z0-9._-]{1,128} and not be all digits`);
  }
  const nonNegInt = (v: number | undefined, min: number) => v === undefined || (Number.isInteger(v) && v >= min);
  if (!nonNegInt(o.delayMs, 0)) throw new InvalidJobError(`job ${name}: delayMs must be an integer ≥ 0`);
  if (!nonNegInt(o.attempts, 1) || (o.attempts ?? 1) > 100) {
    throw new InvalidJobError(`job ${name}: attempts must be an integer from 1 to 100`);
  }
  if (!nonNegInt(o.priority, 1) || (o.priority ?? 1) > 2_097_152) {
    throw new InvalidJobError(`job ${name}: priority must be an integer from 1 to 2097152`);
  }
  if (o.backoff && (!['fixed', 'exponential'].includes(o.backoff.type) || !nonNegInt(o.backoff.delayMs, 0))) {
    throw new InvalidJobError(`job ${name}: backoff must be { type: fixed | exponential, delayMs ≥ 0 }`);
  }
}
