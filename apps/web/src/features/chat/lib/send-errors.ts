/**
 * Which refusals of a `send` frame are worth trying again later. The ids are the shared problem
 * types the server sends (`WsErrorEvent.error.type`), not strings typed here: the web once checked
 * `'internal'` while the server sent `'internal_error'`, so a storage outage during a send marked the
 * message failed for good instead of queueing it. A wrong id in this set no longer compiles.
 */
import { ProblemType, type ProblemTypeId } from '@medichat/shared';

const TRANSIENT_SEND_ERRORS: ReadonlySet<ProblemTypeId> = new Set<ProblemTypeId>([
  ProblemType.rateLimited,
  ProblemType.internal,
  ProblemType.serviceUnavailable,
  ProblemType.modelUnavailable,
]);

/** True when the message should go back to the outbox and be sent again (same clientId). */
export function isTransientSendError(type: ProblemTypeId): boolean {
  return TRANSIENT_SEND_ERRORS.has(type);
}

/** How long to wait before sending again after a transient refusal. */
export function resendDelayMs(type: ProblemTypeId, backoff: () => number): number {
  return type === ProblemType.rateLimited ? 2000 : backoff();
}
