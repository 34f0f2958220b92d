/**
 * Job control of assistant replies: the registry of running generations, their abort, and how each
 * one ends (stored, then announced). The text itself comes from a `produce` function the job brings
 * (`reply-stream.ts` for the assistant); this file never knows how a reply is written, only that:
 *
 * - a run is registered before its `message.created` event, so a stop that follows at once finds it;
 * - it ends exactly once, as `complete`, `stopped` (aborted by its owner or a deleted chat, what was
 *   streamed kept) or `failed` (with a safe error type); at shutdown an aborted run is `failed`
 *   with `generation_interrupted`, so it can be retried after the restart;
 * - the stored content is the concatenation of the streamed chunks;
 * - `done` settles with the stored final message and never rejects, even if storing fails.
 *
 * Built first by the composition root and given to both ChatService (stop a deleted chat's
 * replies) and MessageService (start, stop, look up), so neither needs the other to exist first.
 */
import { ProblemType, type ProblemTypeId, type WsServerEvent } from '@medichat/shared';
import type { MessageDoc, ModelDoc } from '../../engines/storage/collections.js';
import type { ServiceLog } from '../../lib/logger.js';
import type { ChatHub } from './chat-hub.js';
import { presentMessage } from './chat.presenter.js';
import type { MessageRepository } from './message.repository.js';

/** What a producer gets to write one reply with. */
export interface ReplyRun {
  readonly signal: AbortSignal;
  /** Append text to the reply (streamed to subscribers, stored at the end). */
  append(text: string): void;
  /** Publish a chat event (e.g. model load progress). */
  publish(event: WsServerEvent): void;
  /** The model answering: recorded on the reply even if generation then throws. */
  useModel(model: ModelDoc): void;
  /**
   * Structured facts about the reply (safety warnings, citations, cut at the cap): stored with it
   * however the generation ends, so a warning found before a model failure is kept too.
   */
  annotate(a: ReplyAnnotations): void;
}

export interface ReplyAnnotations {
  safety?: MessageDoc['safety'];
  citations?: MessageDoc['citations'];
  truncated?: boolean;
}

/** How a producer's work ended; the generator turns it into the stored status. */
export interface ReplyResult {
  model?: ModelDoc | null;
  timings?: MessageDoc['timings'];
  /** The model stopped because the signal aborted. */
  aborted?: boolean;
  /** The reply could not be produced (e.g. `model_unavailable`). */
  error?: ProblemTypeId;
}

export type ReplyStatus = 'complete' | 'stopped' | 'failed';

export interface ReplyJob {
  chatId: string;
  ownerId: string;
  /** The stored assistant placeholder (pending) being generated. */
  message: MessageDoc;
  produce(run: ReplyRun): Promise<ReplyResult>;
  /** After the final message is stored and announced, before `done` settles. Errors are ignored. */
  afterStored?(final: MessageDoc, ended: { status: ReplyStatus; model: ModelDoc | null }): Promise<void>;
}

interface Running {
  chatId: string;
  ownerId: string;
  abort: AbortController;
  done: Promise<MessageDoc>;
}

export class ReplyGenerator {
  private readonly running = new Map<string, Running>();
  private closing = false;

  constructor(
    private readonly deps: {
      messages: Pick<MessageRepository, 'update'>;
      hub: Pick<ChatHub, 'startStream' | 'append' | 'end' | 'publish'>;
      now: () => Date;
      log?: Pick<ServiceLog, 'warn' | 'error'>;
    },
  ) {}

  /** Start generating `job.message` in the background; the promise is its stored final message. */
  start(job: ReplyJob): Promise<MessageDoc> {
    const { chatId, message } = job;
    const abort = new AbortController();
    const stream = this.deps.hub.startStream(chatId, message.id);
    let resolveDone!: (m: MessageDoc) => void;
    const done = new Promise<MessageDoc>((r) => (resolveDone = r));
    this.running.set(message.id, { chatId, ownerId: job.ownerId, abort, done });
    this.deps.hub.publish(chatId, { type: 'message.created', message: presentMessage(message) });

    let model: ModelDoc | null = null;
    const notes: ReplyAnnotations = {};
    const run: ReplyRun = {
      signal: abort.signal,
      append: (text) => void this.deps.hub.append(stream, text),
      publish: (event) => this.deps.hub.publish(chatId, event),
      useModel: (m) => (model = m),
      annotate: (a) => Object.assign(notes, a),
    };

    const finish = async (
      status: ReplyStatus,
      extra: { model?: ModelDoc | null; error?: string | null; timings?: MessageDoc['timings'] } = {},
    ) => {
      const set: Partial<MessageDoc> = {
        content: stream.chunks.join(''),
        status,
        model: extra.model?.name ?? null,
        timings: extra.timings ?? null,
        error: extra.error ?? null,
        safety: notes.safety?.length ? notes.safety : null,
        citations: notes.citations?.length ? notes.citations : null,
        truncated: notes.truncated === true ? true : null,
        updatedAt: this.deps.now(),
      };
      let final: MessageDoc = { ...message, ...set };
      try {
        final = (await this.deps.messages.update(message.id, { set })) ?? final;
      } catch (err) {
        this.deps.log?.error({ err, messageId: message.id }, 'storing the reply failed');
      }
      const presented = presentMessage(final);
      this.deps.hub.end(
        stream,
        status === 'failed'
          ? { type: 'message.failed', message: presented }
          : { type: 'message.completed', message: presented },
      );
      await job.afterStored?.(final, { status, model: extra.model ?? null }).catch(() => undefined);
      this.running.delete(message.id);
      resolveDone(final);
    };

    const interrupted = { error: ProblemType.generationInterrupted };
    void (async () => {
      try {
        const result = await job.produce(run);
        model = result.model ?? model;
        const extra = { model, timings: result.timings ?? null };
        if (result.error) return await finish('failed', { ...extra, error: result.error });
        if (result.aborted && this.closing) return await finish('failed', { ...extra, ...interrupted });
        await finish(result.aborted ? 'stopped' : 'complete', extra);
      } catch (err) {
        if (abort.signal.aborted) {
          await finish(this.closing ? 'failed' : 'stopped', { model, ...(this.closing ? interrupted : {}) });
        } else {
          this.deps.log?.warn(
            { err, messageId: message.id, model: (model as ModelDoc | null)?.name },
            'generation failed',
          );
          await finish('failed', { model, error: ProblemType.generationFailed });
        }
      }
    })().catch((err: unknown) => {
      // finish() itself failed: never leave a waiter hanging.
      this.deps.log?.error({ err, messageId: message.id }, 'generation bookkeeping failed');
      this.running.delete(message.id);
      resolveDone({ ...message, status: 'failed', error: ProblemType.generationFailed });
    });
    return done;
  }

  /** The stored final message of a running reply, once it ends; undefined when it is not running. */
  done(messageId: string): Promise<MessageDoc> | undefined {
    return this.running.get(messageId)?.done;
  }

  isRunning(messageId: string): boolean {
    return this.running.has(messageId);
  }

  /** Abort `messageId` when `ownerId` runs it; its final message, or null when no such run. */
  stop(messageId: string, ownerId: string): Promise<MessageDoc> | null {
    const run = this.running.get(messageId);
    if (!run || run.ownerId !== ownerId) return null;
    run.abort.abort();
    return run.done;
  }

  /** Abort every reply running in a chat (it is being deleted). */
  stopChat(chatId: string): void {
    for (const run of this.running.values()) if (run.chatId === chatId) run.abort.abort();
  }

  /** Replies `ownerId` has running. */
  countFor(ownerId: string): number {
    let n = 0;
    for (const r of this.running.values()) if (r.ownerId === ownerId) n++;
    return n;
  }

  /** Shutdown: abort every reply; they are stored `failed` (interrupted) and can be retried. */
  async close(): Promise<void> {
    this.closing = true;
    const runs = [...this.running.values()];
    for (const r of runs) r.abort.abort();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  get runningCount(): number {
    return this.running.size;
  }
}
