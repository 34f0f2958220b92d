/** `DELETE /api/chats/:chatId`: the chat and its messages. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '@/lib/api-client';
import { forgetChat } from '../lib/offline-store';
import { chatKeys } from './keys';

export function deleteChat(chatId: string): Promise<void> {
  return api.delete(`/api/chats/${encodeURIComponent(chatId)}`);
}

/** Deletes on the server (unless the chat never reached it), then forgets it on this device. */
export function useDeleteChat() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ chatId, local }: { chatId: string; local: boolean }) => {
      if (!local) {
        try {
          await deleteChat(chatId);
        } catch (err) {
          // Already gone on the server: forgetting it here is all that is left to do.
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
      }
      await forgetChat(chatId);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: chatKeys.all }),
  });
}
