/** `POST /api/chats`: create a chat (or resume one by its client-made id). Without a token the server makes a guest session. */
import { createdChatSchema, type CreateChatInput, type CreatedChat } from '@medichat/shared';
import { api } from '@/lib/api-client';

export function createChat(input: CreateChatInput, signal?: AbortSignal): Promise<CreatedChat> {
  return api.post('/api/chats', input, { signal }, createdChatSchema);
}
