/** `POST /api/messages/:id/stop`: stop a reply being generated (used when the WebSocket is down; it has its own stop frame). */
import { messageSchema, type Message } from '@medichat/shared';
import { api } from '@/lib/api-client';

export function stopMessage(messageId: string): Promise<Message> {
  return api.post(`/api/messages/${encodeURIComponent(messageId)}/stop`, undefined, {}, messageSchema);
}
