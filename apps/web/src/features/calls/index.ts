/** The calls feature's public surface (docs/calls.md). */
export { CallPanel, CallView, canAnswerCalls } from './components/call-panel';
export { ClinicianCalls } from './components/clinician-calls';
export { useCall } from './hooks/use-call';
export { CallClient, type CallPhase, type CallSnapshot } from './lib/call-client';
