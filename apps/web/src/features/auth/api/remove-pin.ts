import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RemovePinInput } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { updateSessionUser } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';

/** `DELETE /api/users/me/pin`: remove the PIN; asks for the password again (403 when wrong). */
export function removePin(input: RemovePinInput): Promise<void> {
  return api.delete<void>('/api/users/me/pin', { body: input });
}

export function useRemovePin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removePin,
    onSuccess: () => {
      updateSessionUser({ hasPin: false });
      void queryClient.invalidateQueries({ queryKey: queryKeys.profile });
    },
  });
}
