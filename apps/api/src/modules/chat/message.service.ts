/**
 * One exchange: store the user's message (idempotent on the chat's `clientId`), run red-flag
 * triage on it, generate the reply through the assistant, stream it to the chat's subscribers,
 * and store the outcome. Nothing is lost on the way:
 *
 * - The user message is stored before anything else can fail; a repeated send (sequential or
 *   concurrent, same `clientId`) gets the same stored pair and never a second generation.
 * - When triage fires, the reply starts with the deterministic urgent-care block (seq 0 of the
 *   stream), stored even if the model then fails; the model's text can only follow it. For
 *   `emergency` the model is not asked at all: the block is the whole reply, immediately.
 * - A failure stores the reply as `failed` (with a safe error type, partial text kept); a stop
 *   stores it as `stopped` with what was generated; `retry` regenerates either in place.
 * - The streamed chunks are the stored content: the concatenation of all `token` texts of a
 *   message equals its final `content`.
 */
import { v7 as uuidv7 } from 'uuid';
import { ProblemType } from '@medichat/shared';
import type { ChatDoc, MessageDoc } from '../../engines/storage/collections.js';
import { isConflictError } from '../../engines/storage/errors.js';
import { AppError, conflict, notFound } from '../../lib/errors.js';
import type { ServiceLog } from '../../lib/logger.js';
import type { Triage, TriageResult } from '../triage/triage.service.js';
import type { ChatHub } from './chat-hub.js';
import { presentMessage } from './chat.presenter.js';
import type { ChatService, Sender } from './chat.service.js';
import type { MessageRepository } from './message.repository.js';
import type { ReplyGenerator } from './reply-generator.js';
import type { ReplyStreamer } from './reply-stream.js';

export type { Sender } from './chat.service.js';

export interface Submission {
  user: MessageDoc;
  /** The reply as it was when the call returned (usually `pending`). */
  assistant: MessageDoc;
  /** This send repeated an earlier one (same clientId): nothing new was stored or generated. */
  duplicate: boolean;
  /** The stored reply once its generation ends. */
  done: Promise<MessageDoc>;
}

const messageNotFound = () => notFound('No such message.');

export class MessageService {
  private readonly inflight = new Map<string, Promise<Submission>>();

  constructor(
    private readonly deps: {
      messages: MessageRepository;
      chats: Pick<ChatService, 'getOwned' | 'touch'>;
      hub: Pick<ChatHub, 'publish'>;
      triage: Pick<Triage, 'assess'>;
      /** The registry of running replies: start, stop, look up. */
      replies: Pick<ReplyGenerator, 'start' | 'stop' | 'done' | 'isRunning' | 'countFor' | 'close' | 'runningCount'>;
      /** Writes a reply (triage block, model tokens) into a run. */
      streamer: Pick<ReplyStreamer, 'produce'>;
      /** Generations one principal may run at once (a 429 beyond). */
      maxConcurrentPerOwner: number;
      now: () => Date;
      log?: Pick<ServiceLog, 'warn'>;
    },
  ) {}

  // --------------------------------------------------------------------------------- commands

  /** `audioKey`: a voice message's recording (a sealed blob), stored on the user message. */
  async submit(
    sender: Sender,
    input: { chatId: string; content: string; clientId: string; audioKey?: string },
  ): Promise<Submission> {
    const chat = await this.deps.chats.getOwned(sender.id, input.chatId);
    const key = `${chat.id}\u0000${input.clientId}`;
    const pending = this.inflight.get(key);
    if (pending) {
      const s = await pending;
      if (s.user.content !== input.content) throw clientIdReused();
      return { ...s, duplicate: true };
    }
    const p = this.submitNew(sender, chat, input);
    this.inflight.set(key, p);
    try {
      return await p;
    } finally {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    }
  }

  async retry(sender: Sender, messageId: string): Promise<Submission> {
    let msg = await this.deps.messages.get(messageId);
    if (!msg) throw messageNotFound();
    const chat = await this.ownedChatOf(sender, msg);
    if (msg.role === 'user') {
      const reply = await this.deps.messages.findReply(chat.id, msg.id);
      if (!reply) return this.answer(sender, chat, msg, false);
      msg = reply;
    }
    if (this.deps.replies.isRunning(msg.id)) throw conflict('This reply is still being generated.');
    if (msg.status !== 'failed' && msg.status !== 'stopped')
      throw conflict('Only a failed or stopped reply can be retried.');
    const user = msg.replyTo ? await this.deps.messages.get(msg.replyTo) : null;
    if (!user) throw messageNotFound();
    this.checkConcurrency(sender);
    const now = this.deps.now();
    const reset = await this.deps.messages.update(
      msg.id,
      {
        set: {
          status: 'pending',
          content: '',
          error: null,
          timings: null,
          model: null,
          safety: null,
          citations: null,
          truncated: null,
          updatedAt: now,
        },
      },
      { status: { in: ['failed', 'stopped'] } },
    );
    if (!reset) throw conflict('This reply is already being retried.');
    const done = this.generate(sender, chat, user, reset, this.deps.triage.assess(user.content), performance.now());
    return { user, assistant: reset, duplicate: false, done };
  }

  /** Stop a running generation; what it generated is kept (`stopped`). Idempotent. */
  async stop(sender: Sender, messageId: string): Promise<MessageDoc> {
    const stopped = this.deps.replies.stop(messageId, sender.id);
    if (stopped) return stopped;
    const msg = await this.deps.messages.get(messageId);
    if (!msg) throw messageNotFound();
    await this.ownedChatOf(sender, msg);
    return msg;
  }

  /** The message if `sender` owns its chat (404 otherwise), and the run when it is generating. */
  async lookup(sender: Sender, messageId: string): Promise<{ message: MessageDoc; running: boolean }> {
    const msg = await this.deps.messages.get(messageId);
    if (!msg) throw messageNotFound();
    await this.ownedChatOf(sender, msg);
    return { message: msg, running: this.deps.replies.isRunning(msg.id) };
  }

  /** Shutdown: stop generations; they are stored `failed` (interrupted) and can be retried. */
  close(): Promise<void> {
    return this.deps.replies.close();
  }

  get runningCount(): number {
    return this.deps.replies.runningCount;
  }

  // ------------------------------------------------------------------------------------ steps

  private async ownedChatOf(sender: Sender, msg: MessageDoc): Promise<ChatDoc> {
    try {
      return await this.deps.chats.getOwned(sender.id, msg.chatId);
    } catch {
      throw messageNotFound();
    }
  }

  private checkConcurrency(sender: Sender): void {
    if (this.deps.replies.countFor(sender.id) >= this.deps.maxConcurrentPerOwner) {
      throw new AppError(
        ProblemType.rateLimited,
        429,
        `At most ${this.deps.maxConcurrentPerOwner} replies can be generated at once; wait for one to finish.`,
        {
          retryAfter: 1,
        },
      );
    }
  }

  private async submitNew(
    sender: Sender,
    chat: ChatDoc,
    input: { content: string; clientId: string; audioKey?: string },
  ): Promise<Submission> {
    const existing = await this.deps.messages.findByClientId(chat.id, input.clientId);
    if (existing) return this.replay(sender, chat, existing, input.content);
    this.checkConcurrency(sender);
    const triage = this.deps.triage.assess(input.content);
    const now = this.deps.now();
    const user: MessageDoc = {
      id: uuidv7(),
      chatId: chat.id,
      role: 'user',
      content: input.content,
      status: 'complete',
      clientId: input.clientId,
      replyTo: null,
      triage: triage.level,
      ...(input.audioKey ? { audioKey: input.audioKey } : {}),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.deps.messages.insert(user);
    } catch (err) {
      // Another instance (or a request this one no longer tracks) stored it first: same pair.
      if (!isConflictError(err)) throw err;
      const winner = await this.deps.messages.findByClientId(chat.id, input.clientId);
      if (!winner) throw err;
      return this.replay(sender, chat, winner, input.content);
    }
    this.deps.hub.publish(chat.id, { type: 'message.created', message: presentMessage(user) });
    await this.deps.chats
      .touch(chat, { firstMessage: input.content })
      .catch((err: unknown) => this.deps.log?.warn({ err, chatId: chat.id }, 'chat touch failed'));
    return this.answer(sender, chat, user, false, triage);
  }

  /** A send seen before: the same pair (the reply created now if a crash left none). */
  private async replay(sender: Sender, chat: ChatDoc, user: MessageDoc, content: string): Promise<Submission> {
    if (user.role !== 'user' || user.content !== content) throw clientIdReused();
    const reply = await this.deps.messages.findReply(chat.id, user.id);
    if (!reply) return this.answer(sender, chat, user, true);
    const done = this.deps.replies.done(reply.id) ?? Promise.resolve(reply);
    return { user, assistant: reply, duplicate: true, done };
  }

  /** Create the reply placeholder and start generating it. */
  private async answer(
    sender: Sender,
    chat: ChatDoc,
    user: MessageDoc,
    duplicate: boolean,
    triage: TriageResult = this.deps.triage.assess(user.content),
  ): Promise<Submission> {
    const t0 = performance.now();
    const now = this.deps.now();
    const assistant: MessageDoc = {
      id: uuidv7(),
      chatId: chat.id,
      role: 'assistant',
      content: '',
      status: 'pending',
      clientId: null,
      replyTo: user.id,
      model: null,
      timings: null,
      triage: triage.level,
      error: null,
      // Never before the message it answers (ids, v7, break ties in creation order).
      createdAt: now < user.createdAt ? user.createdAt : now,
      updatedAt: now,
    };
    await this.deps.messages.insert(assistant);
    const done = this.generate(sender, chat, user, assistant, triage, t0);
    return { user, assistant, duplicate, done };
  }

  /** Start generating `assistant` (the reply-generator owns the run; the streamer writes it). */
  private generate(
    sender: Sender,
    chat: ChatDoc,
    user: MessageDoc,
    assistant: MessageDoc,
    triage: TriageResult,
    t0: number,
  ): Promise<MessageDoc> {
    return this.deps.replies.start({
      chatId: chat.id,
      ownerId: sender.id,
      message: assistant,
      produce: (run) => this.deps.streamer.produce({ sender, chat, user, assistant, triage, t0 }, run),
      afterStored: async (_final, { status, model }) => {
        if (model && status !== 'failed') await this.deps.chats.touch(chat, { modelId: model.id });
      },
    });
  }
}

const clientIdReused = () => conflict('This clientId was already used for a different message in this chat.');
