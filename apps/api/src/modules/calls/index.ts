/** The calls module's public surface (docs/boundaries.md, docs/calls.md). */
export { CallService, type CallMember, type CallServiceOptions, type CallSink } from './call.service.js';
export { default as callsSocketPlugin, type CallsSocketOptions } from './calls.socket.js';
