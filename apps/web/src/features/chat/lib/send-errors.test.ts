/**
 * Which send refusals go back to the outbox. Regression: the server's id for an unexpected failure
 * is `internal_error` (ProblemType.internal), and a storage outage during a send is
 * `service_unavailable`; both must queue the message for another try, not fail it for good.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemType, type WsErrorEvent } from '@medichat/shared';
import { isTransientSendError, resendDelayMs } from './send-errors';

test('the error frames the server sends on an outage or a crash queue the message for retry', () => {
  // The frames exactly as apps/api's chat.socket.ts sends them (storage-outage.test.ts there).
  const outage: WsErrorEvent = {
    type: 'error',
    error: { type: ProblemType.serviceUnavailable, detail: 'The service is temporarily unavailable; try again.' },
    clientId: 'c1',
  };
  const crash: WsErrorEvent = {
    type: 'error',
    error: { type: ProblemType.internal, detail: 'Something went wrong on our side.' },
    clientId: 'c2',
  };
  assert.equal(crash.error.type, 'internal_error');
  assert.equal(isTransientSendError(outage.error.type), true);
  assert.equal(isTransientSendError(crash.error.type), true);
  assert.equal(isTransientSendError(ProblemType.rateLimited), true);
  assert.equal(isTransientSendError(ProblemType.modelUnavailable), true);
});

test('a refusal about the message itself is final', () => {
  for (const type of [ProblemType.validation, ProblemType.conflict, ProblemType.notFound, ProblemType.unauthorized]) {
    assert.equal(isTransientSendError(type), false, type);
  }
});

test('rate limits wait 2 s; other transient refusals back off', () => {
  let calls = 0;
  const backoff = () => ++calls * 1000;
  assert.equal(resendDelayMs(ProblemType.rateLimited, backoff), 2000);
  assert.equal(calls, 0);
  assert.equal(resendDelayMs(ProblemType.serviceUnavailable, backoff), 1000);
  assert.equal(resendDelayMs(ProblemType.internal, backoff), 2000);
});
