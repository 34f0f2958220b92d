/** `POST /api/messages/:id/retry`: regenerate a failed or stopped reply in place (it streams over the chat's WebSocket). */
import { sentMessageSchema, type SentMessage } from '@medichat/shared';
import { api } from '@/lib/api-client';

export function retryMessage(messageId: string): Promise<SentMessage> {
  return api.post(`/api/messages/${encodeURIComponent(messageId)}/retry`, undefined, {}, sentMessageSchema);
}
