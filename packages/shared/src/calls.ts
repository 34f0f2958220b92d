/**
 * Patient ↔ clinician calls: the Socket.IO signalling contract the API and the web app share
 * (docs/calls.md). The media goes peer to peer over WebRTC; the server only introduces the two
 * browsers (waiting list, answer) and relays their offer, answer and ICE candidates.
 *
 * Every client → server event carries an acknowledgement callback that receives a `CallAck`;
 * a refused message (`ok: false`) changed nothing and was relayed to no one.
 */
import { z } from 'zod';

/** Where the Socket.IO server listens (the engine's HTTP path; the web app connects same-origin). */
export const CALL_SOCKET_PATH = '/socket.io';

/** Longest SDP accepted in an offer or answer (a browser's audio+video SDP is 3–8 KB). */
export const MAX_SDP_CHARS = 32 * 1024;
/** Longest ICE candidate line. */
export const MAX_CANDIDATE_CHARS = 1024;
/** ICE candidates one member may send during one call (a browser sends a few dozen at most). */
export const MAX_CANDIDATES_PER_MEMBER = 200;

export const callIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a call id');

export const CALL_END_REASONS = ['hangup', 'cancelled', 'timeout', 'disconnect'] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];

/** A call a clinician may answer, as the waiting list shows it. */
export const waitingCallSchema = z.object({
  id: callIdSchema,
  patientName: z.string(),
  /** The chat the patient called from, when they linked one. */
  chatId: z.string().nullable(),
  requestedAt: z.string(),
});
export type WaitingCall = z.infer<typeof waitingCallSchema>;

export const waitingCallsSchema = z.object({ calls: z.array(waitingCallSchema) });
export type WaitingCalls = z.infer<typeof waitingCallsSchema>;

// --- client → server ---------------------------------------------------------------------------

export const callRequestSchema = z.object({ chatId: z.string().min(1).max(64).optional() }).strict();
export type CallRequest = z.infer<typeof callRequestSchema>;

export const callRefSchema = z.object({ callId: callIdSchema }).strict();
export type CallRef = z.infer<typeof callRefSchema>;

export const sdpSignalSchema = z
  .object({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1).max(MAX_SDP_CHARS) })
  .strict();

export const candidateSignalSchema = z
  .object({
    type: z.literal('candidate'),
    candidate: z
      .object({
        candidate: z.string().max(MAX_CANDIDATE_CHARS),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .strict(),
  })
  .strict();

export const callSignalPayloadSchema = z.discriminatedUnion('type', [sdpSignalSchema, candidateSignalSchema]);
export type CallSignalPayload = z.infer<typeof callSignalPayloadSchema>;

export const callSignalSchema = z.object({ callId: callIdSchema, signal: callSignalPayloadSchema }).strict();
export type CallSignal = z.infer<typeof callSignalSchema>;

// --- server → client ---------------------------------------------------------------------------

export const callPeerSchema = z.object({ displayName: z.string(), role: z.enum(['patient', 'clinician', 'admin']) });
export type CallPeer = z.infer<typeof callPeerSchema>;

/** An RTCIceServer (ICE_SERVERS): STUN/TURN URLs and, for TURN, its credentials. */
export const iceServerSchema = z
  .object({
    urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    username: z.string().optional(),
    credential: z.string().optional(),
  })
  .strict();
export type IceServer = z.infer<typeof iceServerSchema>;

/** Both members learn the call is answered; the caller (the patient) then makes the offer. */
export const callStartedSchema = z.object({
  callId: callIdSchema,
  /** `caller` sends the offer, `callee` answers it. */
  side: z.enum(['caller', 'callee']),
  peer: callPeerSchema,
  /**
   * The ICE servers for this call's RTCPeerConnection. Sent to the two members only (TURN
   * credentials are not public, so they are not in the cacheable `/api/config`).
   */
  iceServers: z.array(iceServerSchema),
});
export type CallStarted = z.infer<typeof callStartedSchema>;

export const callEndedSchema = z.object({ callId: callIdSchema, reason: z.enum(CALL_END_REASONS) });
export type CallEnded = z.infer<typeof callEndedSchema>;

export const CALL_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'invalid',
  'unknown_call',
  'not_member',
  'busy',
  'not_waiting',
  'too_many',
] as const;
export type CallErrorCode = (typeof CALL_ERROR_CODES)[number];

export const callErrorSchema = z.object({ code: z.enum(CALL_ERROR_CODES), message: z.string() });
export type CallError = z.infer<typeof callErrorSchema>;

/** The acknowledgement of every client → server event. */
export const callAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), callId: callIdSchema.optional(), calls: z.array(waitingCallSchema).optional() }),
  z.object({ ok: z.literal(false), error: callErrorSchema }),
]);
export type CallAck = z.infer<typeof callAckSchema>;

/** Socket.IO event names (client → server, then server → client). */
export const CallEvents = {
  request: 'call:request',
  answer: 'call:answer',
  signal: 'call:signal',
  hangup: 'call:hangup',
  listWaiting: 'calls:list',
  waiting: 'calls:waiting',
  started: 'call:started',
  ended: 'call:ended',
} as const;

/**
 * The `connect_error` a refused handshake gives the client: `err.message` is one of these codes
 * and `err.data` a `{ code, message }` to show.
 */
export const CALL_CONNECT_ERRORS = ['unauthorized', 'token_expired'] as const;
