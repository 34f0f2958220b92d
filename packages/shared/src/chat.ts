/**
 * Chats, messages and the chat WebSocket protocol (`/ws/chats/:chatId`). Request schemas are
 * strict: an unknown field is a 400 (or an `error` event on the WebSocket), every string bounded.
 */
import { z } from 'zod';
import { citationSchema } from './knowledge.js';
import { safetyWarningSchema } from './safety.js';
import { idSchema, requiredText } from './common.js';
import type { ProblemTypeId } from './errors.js';
import { wsVoiceClientFrameSchemas, type WsVoiceServerEvent } from './voice-stream.js';

export const MESSAGE_MAX_CHARS = 8000;
export const CHAT_TITLE_MAX_CHARS = 200;
export const PAGE_LIMIT_MAX = 100;
/** Largest WebSocket frame a client may send (bytes); a bigger one closes the socket with 1009. */
export const WS_MAX_FRAME_BYTES = 64 * 1024;

/** A client-made id for an idempotent send (a UUID is ideal): letters, digits, `_`, `-`, 8–64 chars. */
export const clientIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, "_" or "-" (a UUID is ideal)');

export const messageContentSchema = z
  .string()
  .max(MESSAGE_MAX_CHARS, `must be at most ${MESSAGE_MAX_CHARS} characters`)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .meta({ minLength: 1, pattern: '\\S' });

/** Opaque pagination cursor made by the server. */
export const cursorSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page');

const limitSchema = (def: number) => z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(def);

// ---------------------------------------------------------------------------------------------
// Chats

export const chatSchema = z.object({
  id: z.string(),
  /** Empty until set by the client or taken from the first message. */
  title: z.string(),
  /** The model that answered last in this chat, if any. */
  modelId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Chat = z.infer<typeof chatSchema>;

/** `POST /api/chats`: create, or resume `chatId` (a client-made id creates that chat when new). */
export const createChatSchema = z
  .object({
    title: requiredText(CHAT_TITLE_MAX_CHARS).optional(),
    chatId: idSchema.optional(),
  })
  .strict();
export type CreateChatInput = z.infer<typeof createChatSchema>;

export const createdChatSchema = z.object({
  chat: chatSchema,
  /** Set when the request had no token: a new guest session was made for it (also in `x-guest-token`). */
  guestToken: z.string().optional(),
});
export type CreatedChat = z.infer<typeof createdChatSchema>;

export const chatParamsSchema = z.object({ chatId: idSchema }).strict();

export const chatListQuerySchema = z.object({ cursor: cursorSchema.optional(), limit: limitSchema(20) }).strict();
export type ChatListQuery = z.infer<typeof chatListQuerySchema>;

export const chatListSchema = z.object({
  /** Newest activity first. */
  items: z.array(chatSchema),
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
});
export type ChatList = z.infer<typeof chatListSchema>;

// ---------------------------------------------------------------------------------------------
// Messages

export const MESSAGE_ROLES = ['user', 'assistant'] as const;
export const MESSAGE_STATUSES = ['pending', 'streaming', 'complete', 'failed', 'stopped'] as const;
export const TRIAGE_LEVELS = ['emergency', 'urgent'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type TriageLevelId = (typeof TRIAGE_LEVELS)[number];

export const timingsSchema = z.object({
  /** From the send to the model being ready (includes loading it). */
  queueMs: z.number(),
  /** From the start of generation to the first token of the model. */
  ttftMs: z.number().nullable(),
  /** From the send to the stored reply. */
  totalMs: z.number(),
  /** Tokens the model generated. */
  tokens: z.number().int(),
});
export type Timings = z.infer<typeof timingsSchema>;

export const messageSchema = z.object({
  id: z.string(),
  chatId: z.string(),
  role: z.enum(MESSAGE_ROLES),
  /**
   * Markdown. For an assistant message with `triage` set, it starts with the deterministic
   * urgent-care block (no model output can remove it); the model's text, if any, follows.
   */
  content: z.string(),
  /** `pending`/`streaming` while generating; `complete`, `failed` or `stopped` (partial content kept) after. */
  status: z.enum(MESSAGE_STATUSES),
  clientId: z.string().nullable(),
  /** On an assistant message: the user message it answers. */
  replyTo: z.string().nullable(),
  /** Name of the model that generated it. */
  model: z.string().nullable(),
  timings: timingsSchema.nullable(),
  /** Red-flag triage level of the exchange (on both the user message and its reply). */
  triage: z.enum(TRIAGE_LEVELS).nullable(),
  /** Why it failed: a stable problem type and a safe sentence. */
  error: z.object({ type: z.string(), detail: z.string() }).nullable(),
  /**
   * Medication-safety warnings the deterministic checker attached to a reply (card, conversation
   * and the reply itself checked); the model neither writes nor can remove them. Shown above the reply.
   */
  safety: z.array(safetyWarningSchema).default([]),
  /** The vetted knowledge-base entries the reply was grounded on (cited as [1], [2]…). */
  citations: z.array(citationSchema).default([]),
  /** The token cap cut the reply (its text ends with a note saying so). */
  truncated: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

/** `POST /api/messages`. */
export const sendMessageSchema = z
  .object({ chatId: idSchema, content: messageContentSchema, clientId: clientIdSchema })
  .strict();
export type SendMessageInput = z.infer<typeof sendMessageSchema>;

/** The stored assistant reply, with the stored user message it answers (the same pair on a retried send). */
export const sentMessageSchema = messageSchema.extend({ userMessage: messageSchema });
export type SentMessage = z.infer<typeof sentMessageSchema>;

export const messageParamsSchema = z.object({ id: idSchema }).strict();

/**
 * `GET /api/chats/:chatId/messages`: without a cursor, the newest `limit` messages; `before` pages
 * towards older ones, `after` towards newer ones (never both). Items are always oldest first.
 */
export const messagesQuerySchema = z
  .object({ before: cursorSchema.optional(), after: cursorSchema.optional(), limit: limitSchema(50) })
  .strict()
  .refine((q) => !(q.before && q.after), { message: 'use before or after, not both', path: ['before'] });
export type MessagesQuery = z.infer<typeof messagesQuerySchema>;

export const messagesPageSchema = z.object({
  /** Oldest first. */
  items: z.array(messageSchema),
  /** Cursor of the first item (pass as `before` for older messages); null when the page is empty. */
  before: z.string().nullable(),
  /** Cursor of the last item (pass as `after` for newer messages); null when the page is empty. */
  after: z.string().nullable(),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
});
export type MessagesPage = z.infer<typeof messagesPageSchema>;

// ---------------------------------------------------------------------------------------------
// WebSocket /ws/chats/:chatId — client → server frames (JSON text)

export const wsSendFrameSchema = z
  .object({ type: z.literal('send'), content: messageContentSchema, clientId: clientIdSchema })
  .strict();
export const wsStopFrameSchema = z.object({ type: z.literal('stop'), messageId: idSchema }).strict();
/** After a reconnect: the tokens of `messageId` after `afterSeq` (-1: from the start), then its end. */
export const wsResumeFrameSchema = z
  .object({ type: z.literal('resume'), messageId: idSchema, afterSeq: z.number().int().min(-1).max(1_000_000) })
  .strict();
export const wsPingFrameSchema = z.object({ type: z.literal('ping') }).strict();

export const wsClientFrameSchema = z.discriminatedUnion('type', [
  wsSendFrameSchema,
  wsStopFrameSchema,
  wsResumeFrameSchema,
  wsPingFrameSchema,
  ...wsVoiceClientFrameSchemas,
]);
export type WsClientFrame = z.infer<typeof wsClientFrameSchema>;

// WebSocket — server → client events (JSON text)

export interface WsReadyEvent {
  type: 'ready';
  chatId: string;
  /** Generations running in this chat now, with the last token seq so far: `resume` to follow one. */
  active: Array<{ messageId: string; seq: number }>;
}
/** A new message, or an assistant message reset for a retry (same id: replace it). */
export interface WsMessageCreatedEvent {
  type: 'message.created';
  message: Message;
}
/**
 * Reply text. `text` carries every token after the previous `token` event this socket received for
 * this message, up to and including `seq` (normally one token; several after a `resume` or when the
 * socket was slow). Tokens of a message are never repeated or skipped on one socket: append `text`.
 * Seq 0 is the urgent-care block when triage fired.
 */
export interface WsTokenEvent {
  type: 'token';
  messageId: string;
  seq: number;
  text: string;
}
/** The stored final message: status `complete` or `stopped`. Comes after all its tokens. */
export interface WsMessageCompletedEvent {
  type: 'message.completed';
  message: Message;
}
/** The stored final message with status `failed` and `error`; partial content kept. */
export interface WsMessageFailedEvent {
  type: 'message.failed';
  message: Message;
}
/** A model is loading for `messageId` (first use): progress 0..1. */
export interface WsModelProgressEvent {
  type: 'model.progress';
  messageId: string;
  model: string;
  phase: 'download' | 'load' | 'ready';
  progress: number;
}
/**
 * A reply waits for the model (all its slots are busy): its place in the queue (1 = next), how many
 * generations are ahead of it, and an estimate of the wait (null until the model measured a rate).
 * `position: 0` means it got its slot and is starting.
 */
export interface WsReplyQueuedEvent {
  type: 'reply.queued';
  messageId: string;
  position: number;
  ahead: number;
  etaMs: number | null;
}
export interface WsChatUpdatedEvent {
  type: 'chat.updated';
  chat: Chat;
}
export interface WsChatDeletedEvent {
  type: 'chat.deleted';
  chatId: string;
}
/**
 * A frame was refused (the socket stays open), or a send failed. `error.type` is one of the
 * problem types HTTP answers use, so a client switches on the same ids (a wrong id fails to compile).
 */
export interface WsErrorEvent {
  type: 'error';
  error: { type: ProblemTypeId; detail: string; errors?: Array<{ path: string; message: string }> };
  /** The `clientId` of the `send` it answers, when it answers one. */
  clientId?: string;
  /** The `messageId` of the `stop`/`resume` it answers, when it answers one. */
  messageId?: string;
}
export interface WsPongEvent {
  type: 'pong';
}

export type WsServerEvent =
  | WsReadyEvent
  | WsMessageCreatedEvent
  | WsTokenEvent
  | WsMessageCompletedEvent
  | WsMessageFailedEvent
  | WsModelProgressEvent
  | WsReplyQueuedEvent
  | WsChatUpdatedEvent
  | WsChatDeletedEvent
  | WsErrorEvent
  | WsPongEvent
  | WsVoiceServerEvent;

/** WebSocket close codes beyond the standard ones. */
export const WsCloseCode = {
  /** No valid token. */
  unauthorized: 4401,
  /** No such chat, or not yours. */
  notFound: 4404,
  /** The chat was deleted. */
  chatDeleted: 4410,
  /** The socket fell too far behind (slow reader): reconnect and `resume`. */
  tooSlow: 1013,
  /** A frame over WS_MAX_FRAME_BYTES. */
  tooBig: 1009,
} as const;
