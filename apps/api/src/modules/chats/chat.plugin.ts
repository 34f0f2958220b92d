/**
 * The chat feature's services, built once from storage, identity and inference: conversations,
 * messages (with triage and the assistant) and the in-process hub that streams replies.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { AssistantService } from '../assistant/assistant.service.js';
import { MessageRepository } from '../messages/message.repository.js';
import { MessageService } from '../messages/message.service.js';
import { createTriage } from '../triage/triage.service.js';
import { ChatHub } from './chat-hub.js';
import { ChatRepository } from './chat.repository.js';
import { ChatService } from './chat.service.js';

export interface ChatFeature {
  chats: ChatService;
  messages: MessageService;
  hub: ChatHub;
}

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatFeature;
  }
}

/** Replies one principal may have generating at once. */
const MAX_CONCURRENT_PER_OWNER = 4;

export default fp(
  async function chat(app: FastifyInstance, opts: { config: Config }) {
    const { config } = opts;
    const now = () => new Date();
    const hub = new ChatHub();
    const chatRepo = new ChatRepository(app.storage.chats);
    const messageRepo = new MessageRepository(app.storage.messages);
    const triage = createTriage({ emergencyNumber: config.emergencyNumber, crisisLine: config.chat.crisisLine });
    triage.assess('Warm-up: I have had chest pain since this morning and cannot breathe.'); // compiles the regexes
    const interrupted = await messageRepo.markInterrupted(now());
    if (interrupted > 0)
      app.log.warn({ count: interrupted }, 'replies left unfinished by the last run are marked failed');

    const stopper: { messages?: MessageService } = {};
    const chats = new ChatService({
      chats: chatRepo,
      messages: messageRepo,
      hub,
      guestExpiry: async (owner) => (await app.identity.sessions.findLiveGuest(owner.sessionId))?.expiresAt ?? null,
      stopChat: (chatId) => stopper.messages?.stopChat(chatId),
      now,
    });
    const messages = new MessageService({
      messages: messageRepo,
      chats,
      hub,
      triage,
      assistant: new AssistantService({
        manager: app.inference.manager,
        maxReplyTokens: config.chat.maxReplyTokens,
        softLimitWords: config.chat.softLimitWords,
        maxRepeats: config.chat.maxRepeats,
        contextTokens: config.inference.llama.contextSize,
        now,
      }),
      models: app.inference.models,
      cardFor: (userId) => app.identity.cards.forAssistant(userId),
      maxConcurrentPerOwner: MAX_CONCURRENT_PER_OWNER,
      now,
      log: app.log,
    });
    stopper.messages = messages;
    app.decorate('chat', { chats, messages, hub });
    app.addHook('preClose', async () => {
      await messages.close();
    });
    app.addHook('onClose', async () => hub.close());
  },
  { name: 'chat', dependencies: ['storage', 'auth', 'inference'] },
);
