import { useMutation, useQueryClient } from '@tanstack/react-query';
import { setPinSchema, type SetPinInput } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { updateSessionUser } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';

/** `PUT /api/users/me/pin`: set or change the PIN; asks for the password again (403 when wrong). */
export { setPinSchema };

export function setPin(input: SetPinInput): Promise<void> {
  return api.put<void>('/api/users/me/pin', input);
}

export function useSetPin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setPin,
    onSuccess: () => {
      updateSessionUser({ hasPin: true });
      // The profile says hasPin, and the trail has a new entry.
      void queryClient.invalidateQueries({ queryKey: queryKeys.profile });
    },
  });
}
