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
import { ProblemType, type Card, type PrincipalRole } from '@medichat/shared';
import type { ChatDoc, MessageDoc, ModelDoc } from '../../engines/storage/collections.js';
import { isConflictError } from '../../engines/storage/errors.js';
import { AppError, conflict, notFound } from '../../lib/errors.js';
import type { SensorReading } from '../assistant/assistant.prompt.js';
import type { AssistantService } from '../assistant/assistant.service.js';
import type { ChatHub } from '../chats/chat-hub.js';
import { presentMessage } from '../chats/chat.presenter.js';
import type { ChatOwner, ChatService } from '../chats/chat.service.js';
import type { ModelService } from '../models/model.service.js';
import type { Triage, TriageResult } from '../triage/triage.service.js';
import type { MessageRepository } from './message.repository.js';

/** Who is sending: the chat owner id plus what the model choice and the card need. */
export interface Sender extends ChatOwner {
  userId?: string;
  role: PrincipalRole;
}

export interface Submission {
  user: MessageDoc;
  /** The reply as it was when the call returned (usually `pending`). */
  assistant: MessageDoc;
  /** This send repeated an earlier one (same clientId): nothing new was stored or generated. */
  duplicate: boolean;
  /** The stored reply once its generation ends. */
  done: Promise<MessageDoc>;
}

interface Running {
  chatId: string;
  ownerId: string;
  abort: AbortController;
  done: Promise<MessageDoc>;
}

export interface MessageLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const messageNotFound = () => notFound('No such message.');

export class MessageService {
  private readonly inflight = new Map<string, Promise<Submission>>();
  private readonly running = new Map<string, Running>();
  private closing = false;

  constructor(
    private readonly deps: {
      messages: MessageRepository;
      chats: Pick<ChatService, 'getOwned' | 'touch'>;
      hub: ChatHub;
      triage: Triage;
      assistant: Pick<AssistantService, 'reply'>;
      models: Pick<ModelService, 'resolveFor'>;
      /** The card when its owner consented to sharing it with the assistant, else null. */
      cardFor: (userId: string) => Promise<Card | null>;
      readingsFor?: (userId: string) => Promise<SensorReading[]>;
      /** Generations one principal may run at once (a 429 beyond). */
      maxConcurrentPerOwner: number;
      historyMessages?: number;
      now: () => Date;
      log?: MessageLog;
    },
  ) {}

  // --------------------------------------------------------------------------------- commands

  async submit(sender: Sender, input: { chatId: string; content: string; clientId: string }): Promise<Submission> {
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
    if (this.running.has(msg.id)) throw conflict('This reply is still being generated.');
    if (msg.status !== 'failed' && msg.status !== 'stopped')
      throw conflict('Only a failed or stopped reply can be retried.');
    const user = msg.replyTo ? await this.deps.messages.get(msg.replyTo) : null;
    if (!user) throw messageNotFound();
    this.checkConcurrency(sender);
    const now = this.deps.now();
    const reset = await this.deps.messages.update(
      msg.id,
      { set: { status: 'pending', content: '', error: null, timings: null, model: null, updatedAt: now } },
      { status: { in: ['failed', 'stopped'] } },
    );
    if (!reset) throw conflict('This reply is already being retried.');
    const done = this.generate(sender, chat, user, reset, this.deps.triage.assess(user.content), performance.now());
    return { user, assistant: reset, duplicate: false, done };
  }

  /** Stop a running generation; what it generated is kept (`stopped`). Idempotent. */
  async stop(sender: Sender, messageId: string): Promise<MessageDoc> {
    const run = this.running.get(messageId);
    if (run && run.ownerId === sender.id) {
      run.abort.abort();
      return run.done;
    }
    const msg = await this.deps.messages.get(messageId);
    if (!msg) throw messageNotFound();
    await this.ownedChatOf(sender, msg);
    return msg;
  }

  /** Stop every generation in a chat (it is being deleted). */
  stopChat(chatId: string): void {
    for (const run of this.running.values()) if (run.chatId === chatId) run.abort.abort();
  }

  /** The message if `sender` owns its chat (404 otherwise), and the run when it is generating. */
  async lookup(sender: Sender, messageId: string): Promise<{ message: MessageDoc; running: boolean }> {
    const msg = await this.deps.messages.get(messageId);
    if (!msg) throw messageNotFound();
    await this.ownedChatOf(sender, msg);
    return { message: msg, running: this.running.has(msg.id) };
  }

  /** Shutdown: stop generations; they are stored `failed` (interrupted) and can be retried. */
  async close(): Promise<void> {
    this.closing = true;
    const runs = [...this.running.values()];
    for (const r of runs) r.abort.abort();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  get runningCount(): number {
    return this.running.size;
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
    let n = 0;
    for (const r of this.running.values()) if (r.ownerId === sender.id) n++;
    if (n >= this.deps.maxConcurrentPerOwner) {
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
    input: { content: string; clientId: string },
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
    const run = this.running.get(reply.id);
    return { user, assistant: reply, duplicate: true, done: run ? run.done : Promise.resolve(reply) };
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

  /**
   * Run one generation of `assistant` in the background; the promise settles with the stored
   * final message and never rejects.
   */
  private generate(
    sender: Sender,
    chat: ChatDoc,
    user: MessageDoc,
    assistant: MessageDoc,
    triage: TriageResult,
    t0: number,
  ): Promise<MessageDoc> {
    const abort = new AbortController();
    const stream = this.deps.hub.startStream(chat.id, assistant.id);
    let resolveDone!: (m: MessageDoc) => void;
    const done = new Promise<MessageDoc>((r) => (resolveDone = r));
    this.running.set(assistant.id, { chatId: chat.id, ownerId: sender.id, abort, done });
    this.deps.hub.publish(chat.id, { type: 'message.created', message: presentMessage(assistant) });

    const finish = async (
      status: 'complete' | 'stopped' | 'failed',
      extra: { model?: ModelDoc | null; error?: string | null; timings?: MessageDoc['timings'] } = {},
    ) => {
      const now = this.deps.now();
      const set: Partial<MessageDoc> = {
        content: stream.chunks.join(''),
        status,
        model: extra.model?.name ?? null,
        timings: extra.timings ?? null,
        error: extra.error ?? null,
        updatedAt: now,
      };
      let final: MessageDoc = { ...assistant, ...set };
      try {
        final = (await this.deps.messages.update(assistant.id, { set })) ?? final;
      } catch (err) {
        this.deps.log?.error({ err, messageId: assistant.id }, 'storing the reply failed');
      }
      const message = presentMessage(final);
      this.deps.hub.end(
        stream,
        status === 'failed' ? { type: 'message.failed', message } : { type: 'message.completed', message },
      );
      if (extra.model && status !== 'failed') {
        await this.deps.chats.touch(chat, { modelId: extra.model.id }).catch(() => undefined);
      }
      this.running.delete(assistant.id);
      resolveDone(final);
    };

    void (async () => {
      let model: ModelDoc | null = null;
      try {
        if (triage.answer) this.deps.hub.append(stream, triage.answer);
        // Emergency: the deterministic answer is the whole reply, at once; no model can dilute it.
        if (triage.level === 'emergency') return await finish('complete', { timings: this.timings(t0, 0, null, 0) });
        model = await this.deps.models.resolveFor(sender);
        if (!model) return await finish('failed', { error: ProblemType.modelUnavailable });
        const [history, card, readings] = await Promise.all([
          this.deps.messages.history(
            chat.id,
            { createdAt: user.createdAt, id: user.id },
            this.deps.historyMessages ?? 40,
          ),
          sender.kind === 'user' && sender.userId ? this.deps.cardFor(sender.userId).catch(() => null) : null,
          sender.kind === 'user' && sender.userId && this.deps.readingsFor
            ? this.deps.readingsFor(sender.userId).catch(() => [])
            : [],
        ]);
        const m = model;
        let separator = triage.answer ? '\n\n' : '';
        // Load progress: every phase change, and steps of at least 5 %.
        let lastProgress: { phase: string; progress: number } | null = null;
        const result = await this.deps.assistant.reply({
          model: m,
          history: history.filter((h) => h.id !== assistant.id),
          message: user,
          card,
          readings,
          urgent: triage.level === 'urgent',
          signal: abort.signal,
          onStart: () => {
            void this.deps.messages
              .update(assistant.id, { set: { status: 'streaming' } }, { status: 'pending' })
              .catch(() => undefined);
          },
          onProgress: (p) => {
            if (
              lastProgress &&
              lastProgress.phase === p.phase &&
              p.progress - lastProgress.progress < 0.05 &&
              p.progress < 1
            )
              return;
            lastProgress = p;
            this.deps.hub.publish(chat.id, {
              type: 'model.progress',
              messageId: assistant.id,
              model: m.name,
              phase: p.phase,
              progress: Math.round(p.progress * 1000) / 1000,
            });
          },
          onToken: (text) => {
            this.deps.hub.append(stream, separator + text);
            separator = '';
          },
        });
        const timings = this.timings(
          t0,
          result.queueMs,
          result.timeToFirstTokenMs ?? null,
          result.completionTokens ?? 0,
        );
        if (this.closing && result.finishReason === 'aborted') {
          return await finish('failed', { model, timings, error: ProblemType.generationInterrupted });
        }
        await finish(result.finishReason === 'aborted' ? 'stopped' : 'complete', { model, timings });
      } catch (err) {
        if (abort.signal.aborted) {
          await finish(this.closing ? 'failed' : 'stopped', {
            model,
            ...(this.closing ? { error: ProblemType.generationInterrupted } : {}),
          });
        } else {
          this.deps.log?.warn({ err, messageId: assistant.id, model: model?.name }, 'generation failed');
          await finish('failed', { model, error: ProblemType.generationFailed });
        }
      }
    })().catch((err: unknown) => {
      // finish() itself failed: never leave a waiter hanging.
      this.deps.log?.error({ err, messageId: assistant.id }, 'generation bookkeeping failed');
      this.running.delete(assistant.id);
      resolveDone({ ...assistant, status: 'failed', error: ProblemType.generationFailed });
    });
    return done;
  }

  private timings(t0: number, queueMs: number, ttftMs: number | null, tokens: number): MessageDoc['timings'] {
    const t: Record<string, number> = {
      queueMs: Math.round(queueMs),
      totalMs: Math.round(performance.now() - t0),
      tokens,
    };
    if (ttftMs !== null) t.ttftMs = Math.round(ttftMs);
    return t;
  }
}

const clientIdReused = () => conflict('This clientId was already used for a different message in this chat.');
