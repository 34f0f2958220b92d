/**
 * The composition root: the one place that constructs repositories and services. It builds every
 * repository from storage first, then every service from exactly what it uses, in an order with no
 * cycle (the registry of running replies before both chat services; the chat service before the
 * session service, which moves a guest's chats through it). Routes receive the result through
 * `app.services` (decorated in app.ts) and never build a service themselves; the CLI builds
 * only the part it needs (`buildAccounts`, `buildModelService`, `buildEvalPipeline`).
 *
 * Boot work that needs storage (replies a crash left unfinished, the default model, the first
 * admin) runs here too, once, after everything is built.
 */
import { join } from 'node:path';
import type { Card } from '@medichat/shared';
import type { Config } from './config/config.js';
import type { BlobStore } from './engines/blob/port.js';
import { HfInferenceEngine } from './engines/inference/hf-inference.engine.js';
import { LlamaCppEngine } from './engines/inference/llama-cpp.engine.js';
import { ModelManager } from './engines/inference/model-manager.js';
import { OpenAIEngine } from './engines/inference/openai.engine.js';
import type { InferenceEngine, ModelDescriptor } from './engines/inference/port.js';
import { TransformersEngine } from './engines/inference/transformers.engine.js';
import type { Storage } from './engines/storage/index.js';
import { FieldCipher } from './lib/crypto.js';
import type { ServiceLog } from './lib/logger.js';
import { AccountService, ensureBootstrapAdmin } from './modules/account/account.service.js';
import { CredentialService } from './modules/account/credential.service.js';
import { PasswordHasher } from './modules/account/password-hasher.js';
import { PinGuard } from './modules/account/pin-guard.js';
import { SessionRepository } from './modules/account/session.repository.js';
import { SessionService } from './modules/account/session.service.js';
import { TokenService } from './modules/account/token.service.js';
import { RoleService } from './modules/admin/role.service.js';
import { AssistantService } from './modules/assistant/assistant.service.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { CardRepository } from './modules/cards/card.repository.js';
import { CardService } from './modules/cards/card.service.js';
import { ChatHub } from './modules/chat/chat-hub.js';
import { ChatRepository } from './modules/chat/chat.repository.js';
import { ChatService } from './modules/chat/chat.service.js';
import { MessageRepository } from './modules/chat/message.repository.js';
import { MessageService } from './modules/chat/message.service.js';
import { ReplyGenerator } from './modules/chat/reply-generator.js';
import { ReplyStreamer, safetyNote } from './modules/chat/reply-stream.js';
import { createPipelineAnswerer, type Answerer } from './modules/eval/eval.answerer.js';
import type { ModelDoc } from './engines/storage/collections.js';
import { ModelRepository } from './modules/models/model.repository.js';
import { FsModelStore } from './engines/model-store/index.js';
import { embeddingModelDir, isEmbeddingModelPresent, MINILM } from './engines/embedding/embedding-model.js';
import { TransformersEmbeddingEngine } from './engines/embedding/index.js';
import { SqliteVectorIndex } from './engines/vector/index.js';
import { loadKnowledgeBase } from './modules/knowledge/knowledge.loader.js';
import { KnowledgeService } from './modules/knowledge/knowledge.service.js';
import { createMedicationChecker } from './modules/medication/index.js';
import { ModelService } from './modules/models/model.service.js';
import { createTriage } from './modules/triage/triage.service.js';
import { AvatarService } from './modules/users/avatar.service.js';
import { ProfileService } from './modules/users/profile.service.js';
import { UserRepository } from './modules/users/user.repository.js';
import { SensorService } from './modules/sensors/index.js';
import { NewsService } from './modules/news/index.js';
import { CallService } from './modules/calls/index.js';
import { existsSync } from 'node:fs';
import { FasterWhisperEngine, PiperEngine, type SpeechToText, type TextToSpeech } from './engines/speech/index.js';
import { createRemoteSpeechToText, createRemoteTextToSpeech } from './engines/speech/remote/index.js';
import { VoiceService } from './modules/chat/voice.service.js';
import { FineTuneService } from './modules/fine-tune/index.js';
import type { QueuePort } from './engines/queue/index.js';

/** Replies one principal may have generating at once. */
const MAX_CONCURRENT_PER_OWNER = 4;

export interface ServicesInput {
  config: Config;
  storage: Storage;
  blobs: BlobStore;
  /** The encrypting store (voice recordings); the plain store when not given. */
  sealedBlobs?: BlobStore;
  log: ServiceLog;
  now?: () => Date;
  /** The job queue (fine-tunes enqueue on it and watch it). */
  queue?: QueuePort;
}

export interface Services {
  // account
  tokens: TokenService;
  passwords: PasswordHasher;
  sessions: SessionService;
  credentials: CredentialService;
  accounts: AccountService;
  // admin
  roles: RoleService;
  // users, cards, audit
  users: UserRepository;
  profiles: ProfileService;
  avatars: AvatarService;
  cards: CardService;
  audit: AuditRepository;
  // models
  models: ModelService;
  modelManager: ModelManager;
  // chat
  chats: ChatService;
  messages: MessageService;
  hub: ChatHub;
  replies: ReplyGenerator;
  // sensors
  sensors: SensorService;
  news: NewsService;
  // calls (signalling state, in memory per instance)
  calls: CallService;
  // speech
  voice: VoiceService;
  // fine-tuning
  fineTune: FineTuneService;
  /** Server closing: stop running replies (stored `failed`, interrupted, retryable). */
  stop(): Promise<void>;
  /** After the server closed: unload models, close engines, drop the hub. */
  close(): Promise<void>;
}

export type AccountStorage = Pick<Storage, 'users' | 'medicalCards'>;

/** Account creation on its own (the first admin, `medichat admin create`). */
export function buildAccounts(input: {
  storage: AccountStorage;
  config: Pick<Config, 'auth' | 'secrets'>;
  now?: () => Date;
  log?: Pick<ServiceLog, 'error'>;
}): { users: UserRepository; cardRepository: CardRepository; passwords: PasswordHasher; accounts: AccountService } {
  const { storage, config, log } = input;
  const users = new UserRepository(storage.users);
  const cardRepository = new CardRepository(storage.medicalCards, new FieldCipher(config.secrets.encryptionKeys));
  const passwords = new PasswordHasher(config.auth.argon2);
  const accounts = new AccountService({
    users,
    cards: cardRepository,
    passwords,
    now: input.now ?? (() => new Date()),
    onCompensationFailure: (err, userId) =>
      log?.error({ err, userId }, 'account creation: the card failed and the user could not be removed again'),
  });
  return { users, cardRepository, passwords, accounts };
}

/** The model registry service over storage (the API's, and the CLI's `models` commands). */
export function buildModelService(input: {
  config: Pick<Config, 'inference' | 'modelsDir' | 'modelStore'>;
  storage: Pick<Storage, 'models' | 'users'>;
  now?: () => Date;
  log?: ServiceLog;
}): ModelService {
  const { config } = input;
  return new ModelService({
    models: new ModelRepository(input.storage.models),
    users: new UserRepository(input.storage.users),
    defaultModelName: config.inference.defaultModel,
    store: new FsModelStore({
      modelsDir: config.modelsDir,
      hfEndpoint: config.modelStore.hfEndpoint,
      hfToken: config.modelStore.hfToken,
      env: config.modelStore.pipEnv,
    }),
    now: input.now ?? (() => new Date()),
    ...(input.log ? { log: input.log } : {}),
  });
}

/**
 * Grounding: the knowledge base (schema-checked at boot: a bad file stops it naming the file),
 * embedded with MiniLM when that model is present (`npm start` assembles it), indexed once per
 * content change in a derived SQLite vector index under DATA_DIR.
 */
async function buildKnowledge(config: Config, log: ServiceLog) {
  const kb = await loadKnowledgeBase();
  const embeddingDir = embeddingModelDir(config.modelsDir, MINILM);
  if (!(await isEmbeddingModelPresent(embeddingDir, MINILM))) {
    log.warn(
      { dir: embeddingDir },
      'no embedding model: replies are not grounded in the knowledge base (npm run medichat -- models ensure-embedding)',
    );
    return { knowledge: undefined, embedder: undefined };
  }
  const embedder = await TransformersEmbeddingEngine.open({ dir: embeddingDir, modelId: MINILM.name, threads: 1 });
  const knowledge = await KnowledgeService.create({
    kb,
    embedder,
    index: new SqliteVectorIndex({
      name: 'knowledge',
      dimensions: embedder.dimensions,
      file: join(config.dataDir, 'knowledge-index.sqlite'),
    }),
    logger: log,
  });
  return { knowledge, embedder };
}

/** What `medichat eval` runs a model through: the chat's own pipeline without storage or sockets. */
export interface EvalPipeline {
  manager: ModelManager;
  /** Whether replies are grounded (the embedding model is present). */
  grounded: boolean;
  answererFor(model: ModelDoc, opts: { maxTokens: number }): Answerer;
  close(): Promise<void>;
}

/**
 * The answer-quality eval's pipeline, built from the same parts as the chat: the inference engines
 * (with `parallel` sequences), triage, the medication checker before and after the model (its
 * warnings told to the model as in the chat), and knowledge-base grounding when the embedding
 * model is present.
 */
export async function buildEvalPipeline(input: {
  config: Config;
  log: ServiceLog;
  parallel: number;
}): Promise<EvalPipeline> {
  const { config, log } = input;
  const { engines, manager } = buildInference(config, log, Math.max(1, input.parallel));
  const triage = createTriage({ emergencyNumber: config.emergencyNumber, crisisLine: config.chat.crisisLine });
  const medication = createMedicationChecker();
  const { knowledge, embedder } = await buildKnowledge(config, log);
  const contextOf = (i: {
    message: string;
    history?: Array<{ role: string; content: string }>;
    card?: Card | null;
  }) => ({
    card: i.card ?? null,
    messages: [...(i.history ?? []).filter((h) => h.role === 'user').map((h) => h.content), i.message],
  });
  return {
    manager,
    grounded: knowledge !== undefined,
    answererFor(model, opts) {
      return createPipelineAnswerer({
        triage,
        model,
        assistant: new AssistantService({
          manager,
          maxReplyTokens: opts.maxTokens,
          softLimitWords: config.chat.softLimitWords,
          maxRepeats: config.chat.maxRepeats,
          contextTokens: config.inference.llama.contextSize,
          now: () => new Date(),
          temperature: 0,
        }),
        checkSafety: (i) => {
          const before = medication.check(contextOf(i));
          const seen = new Set(before.map((w) => w.id));
          return [...before, ...medication.checkReply(i.reply, contextOf(i)).filter((w) => !seen.has(w.id))];
        },
        retrieve: async (i) => {
          const warnings = medication.check(contextOf(i));
          const hits = knowledge ? await knowledge.retrieve(i.message) : [];
          return {
            citations: hits.length ? knowledge!.citations(hits) : [],
            reply: {
              grounding: hits.length ? knowledge!.formatForPrompt(hits) : null,
              safetyNote: warnings.length ? safetyNote(warnings) : null,
            },
          };
        },
      });
    },
    async close() {
      await manager.close();
      await Promise.all(Object.values(engines).map((e) => e.close()));
      await embedder?.close();
    },
  };
}

/** The sensors service on its own (the API, and the `sensors-import` job of a worker). */
export function buildSensors(storage: Pick<Storage, 'readings'>, now?: () => Date): SensorService {
  return new SensorService({ readings: storage.readings, now });
}

export type NewsStorage = Pick<Storage, 'newsItems' | 'newsFeeds'>;

/** The news service on its own (the API's routes and the `news-fetch` job of API and worker). */
export function buildNews(input: {
  storage: NewsStorage;
  config: Pick<Config, 'news'>;
  log: Pick<ServiceLog, 'info' | 'warn'>;
  now?: () => Date;
}): NewsService {
  return new NewsService({
    items: input.storage.newsItems,
    feeds: input.storage.newsFeeds,
    config: input.config.news,
    log: input.log,
    now: input.now,
  });
}

/**
 * The speech engines `SPEECH_STT_ENGINE` / `SPEECH_TTS_ENGINE` name (docs/speech.md): a switch a
 * remote engine extends with its own case. A local engine whose files are missing is left out
 * (warned): voice messages are then a 503 and the web speaks replies with the browser's voice.
 */
export function buildSpeech(
  config: Pick<Config, 'speech' | 'speechRemote'>,
  log: Pick<ServiceLog, 'warn'>,
): { stt?: SpeechToText; tts?: TextToSpeech } {
  const { stt: sttConfig, tts: ttsConfig } = config.speech;
  let stt: SpeechToText | undefined;
  switch (sttConfig.engine) {
    case 'faster-whisper':
      if (existsSync(sttConfig.python) && existsSync(join(sttConfig.modelDir, 'model.bin')))
        stt = new FasterWhisperEngine({
          python: sttConfig.python,
          modelDir: sttConfig.modelDir,
          threads: sttConfig.threads,
        });
      else log.warn({ dir: sttConfig.modelDir }, 'no Whisper model: voice messages are off (scripts/ensure-speech.sh)');
      break;
    case 'openai':
    case 'elevenlabs':
    case 'azure':
    case 'google':
      // A remote engine without its key stops the boot with a SpeechError naming the variable.
      stt = createRemoteSpeechToText(sttConfig.engine, config.speechRemote);
      break;
    case 'none':
      break;
  }
  let tts: TextToSpeech | undefined;
  switch (ttsConfig.engine) {
    case 'piper':
      if (existsSync(ttsConfig.voice))
        tts = new PiperEngine({ modelPath: ttsConfig.voice, threads: ttsConfig.threads });
      else
        log.warn(
          { voice: ttsConfig.voice },
          'no Piper voice: replies are not spoken by the server (scripts/ensure-speech.sh)',
        );
      break;
    case 'openai':
    case 'elevenlabs':
    case 'azure':
    case 'google':
      tts = createRemoteTextToSpeech(ttsConfig.engine, config.speechRemote);
      break;
    case 'none':
      break;
  }
  return { stt, tts };
}

/**
 * Fine-tuning (the API's routes and the `fine-tune` job of API and worker): the registry, the queue,
 * and for the activation gate the eval pipeline, built per gate and closed after it.
 */
export function buildFineTune(input: {
  config: Config;
  storage: Pick<Storage, 'models'>;
  queue: () => QueuePort | undefined;
  log: ServiceLog;
  now?: () => Date;
}): FineTuneService {
  const { config, log } = input;
  return new FineTuneService({
    models: new ModelRepository(input.storage.models),
    queue: input.queue,
    config: { dataDir: config.dataDir, ...config.fineTune },
    gateEvaluator: () => buildEvalPipeline({ config, log, parallel: 1 }),
    now: input.now ?? (() => new Date()),
    log,
  });
}

function buildInference(config: Config, log: ServiceLog, parallel?: number) {
  const llama = config.inference.llama;
  const engines: Partial<Record<ModelDescriptor['engine'], InferenceEngine>> = {
    'llama-cpp': new LlamaCppEngine({
      gpu: llama.gpu,
      threads: llama.threads,
      contextSize: llama.contextSize,
      parallel: parallel ?? llama.parallel,
      ...(llama.batchSize ? { batchSize: llama.batchSize } : {}),
      logger: (level, message) => {
        if (level === 'error' || level === 'warn') log[level]({ engine: 'llama-cpp' }, message);
      },
    }),
    transformers: new TransformersEngine({ localModelPath: config.modelsDir, threads: llama.threads }),
    // Remote engines: each registered model carries its server URL; keys come from config only.
    openai: new OpenAIEngine({ apiKey: config.inference.openaiApiKey }),
    'hf-inference': new HfInferenceEngine({ token: config.inference.hfToken, env: {} }),
  };
  const manager = new ModelManager({
    engines,
    memoryBudgetBytes: config.inference.memoryBudgetBytes,
    onEvent: (e) => {
      if (e.type === 'load-failed') log.warn({ model: e.id, err: e.error }, 'model load failed');
      else if (e.type === 'loaded')
        log.info({ model: e.id, memoryBytes: e.memoryBytes, ms: Math.round(e.ms) }, 'model loaded');
      else if (e.type === 'disposed') log.info({ model: e.id }, 'model unloaded');
      else if (e.type === 'over-budget') log.warn(e, 'models over the memory budget while generations run');
    },
  });
  return { engines, manager };
}

export async function buildServices(input: ServicesInput): Promise<Services> {
  const { config, storage, blobs, log } = input;
  const now = input.now ?? (() => new Date());

  // Repositories.
  const { users, cardRepository, passwords, accounts } = buildAccounts({ storage, config, now, log });
  const sessionRepository = new SessionRepository(storage.sessions);
  const audit = new AuditRepository(storage.auditLog, now);
  const chatRepository = new ChatRepository(storage.chats);
  const messageRepository = new MessageRepository(storage.messages);

  // Engines the services run on.
  const { engines, manager } = buildInference(config, log);
  const hub = new ChatHub();
  const triage = createTriage({ emergencyNumber: config.emergencyNumber, crisisLine: config.chat.crisisLine });

  // Services, each given only what it uses.
  const tokens = new TokenService(config.secrets.jwtSecret, config.auth.accessTokenTtlSeconds);
  const cards = new CardService({
    cards: cardRepository,
    audit,
    tokens,
    emergencyNumber: config.emergencyNumber,
    now,
    // Called per emergency view, after boot: `medication` is built below.
    highRisk: (names) => medication.highRisk(names),
  });
  const profiles = new ProfileService({ users, cards, now });
  const avatars = new AvatarService({ users, blobs, audit, now });
  const roles = new RoleService({ users, audit, now });
  const sensors = buildSensors(storage, now);
  const news = buildNews({ storage, config, log, now });
  const credentials = new CredentialService({ users, sessions: sessionRepository, passwords, audit, now });
  const models = buildModelService({ config, storage, now, log });
  const fineTune = buildFineTune({ config, storage, queue: () => input.queue, log, now });
  const replies = new ReplyGenerator({ messages: messageRepository, hub, now, log });
  const chats = new ChatService({
    chats: chatRepository,
    messages: messageRepository,
    hub,
    guestExpiry: async (owner) => (await sessionRepository.findLiveGuest(owner.sessionId))?.expiresAt ?? null,
    replies,
    now,
  });
  // Deterministic medication safety: pure data, loaded (and schema-checked) at boot.
  const medication = createMedicationChecker();
  // Grounding: the knowledge base (schema-checked at boot: a bad file stops it naming the file),
  // embedded with MiniLM when that model is present (`npm start` assembles it), indexed once per
  // content change in a derived SQLite vector index under DATA_DIR.
  const { knowledge, embedder } = await buildKnowledge(config, log);
  const streamer = new ReplyStreamer({
    messages: messageRepository,
    assistant: new AssistantService({
      manager,
      maxReplyTokens: config.chat.maxReplyTokens,
      softLimitWords: config.chat.softLimitWords,
      maxRepeats: config.chat.maxRepeats,
      contextTokens: config.inference.llama.contextSize,
      now,
    }),
    models,
    cardFor: (userId) => cards.forAssistant(userId),
    // Readings go with the card's consent (`shareCardWithAssistant`): none without it.
    readingsFor: async (userId) => ((await cards.forAssistant(userId)) ? sensors.forAssistant(userId) : []),
    medication,
    knowledge,
    log,
  });
  const messages = new MessageService({
    messages: messageRepository,
    chats,
    hub,
    triage,
    replies,
    streamer,
    maxConcurrentPerOwner: MAX_CONCURRENT_PER_OWNER,
    now,
    log,
  });
  const speech = buildSpeech(config, log);
  const voice = new VoiceService({
    messages,
    chats,
    repository: messageRepository,
    hub,
    ...speech,
    blobs: input.sealedBlobs ?? blobs,
    maxSeconds: config.speech.maxSeconds,
    log,
  });
  const sessions = new SessionService({
    users,
    sessions: sessionRepository,
    accounts,
    cards,
    pins: new PinGuard({ users, passwords, audit, now }),
    passwords,
    tokens,
    audit,
    guestChats: { moveToUser: (guestOwnerId, userId) => chats.moveGuestChatsToUser(guestOwnerId, userId) },
    refreshTtlDays: config.auth.refreshTokenTtlDays,
    guestTtlHours: config.auth.guestSessionTtlHours,
    now,
    log,
  });

  const calls = new CallService({
    ringTimeoutMs: config.calls.ringTimeoutMs,
    iceServers: config.calls.iceServers,
    ownsChat: async (userId, chatId) => (await chatRepository.getOwned(chatId, userId)) !== null,
    now,
  });

  const close = async () => {
    calls.close();
    hub.close();
    await manager.close();
    await Promise.all(Object.values(engines).map((e) => e.close()));
    await embedder?.close();
    await Promise.all([speech.stt?.close(), speech.tts?.close()]);
  };

  // Boot work; a failure (e.g. a weak ADMIN_PASSWORD) leaves no engine open behind it.
  try {
    triage.assess('Warm-up: I have had chest pain since this morning and cannot breathe.'); // compiles the regexes
    const interrupted = await messageRepository.markInterrupted(now());
    if (interrupted > 0) log.warn({ count: interrupted }, 'replies left unfinished by the last run are marked failed');
    await models.ensureDefault();
    const halfWritten = await accounts.repairHalfWritten();
    if (halfWritten > 0) log.warn({ count: halfWritten }, 'cards of registrations a crash left unfinished are removed');
    await ensureBootstrapAdmin({ users, accounts }, config.auth.admin, log);
    // Fine-tunes a stopped process left unfinished: failed, retryable (never stuck `running`).
    await fineTune
      .recover()
      .catch((err: unknown) => log.warn({ err }, 'fine-tune: could not check for unfinished jobs'));
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }

  return {
    tokens,
    passwords,
    sessions,
    credentials,
    accounts,
    roles,
    users,
    profiles,
    avatars,
    cards,
    audit,
    models,
    modelManager: manager,
    chats,
    messages,
    hub,
    replies,
    sensors,
    news,
    calls,
    voice,
    fineTune,
    stop: () => replies.close(),
    close: async () => {
      fineTune.stop();
      await close();
    },
  };
}
