import { useMutation, useQueryClient } from '@tanstack/react-query';
import { changePasswordResultSchema, changePasswordSchema, type ChangePasswordInput } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** `PUT /api/users/me/password`: other devices are signed out; this one goes on. */
export { changePasswordSchema };

export function changePassword(input: ChangePasswordInput) {
  return api.put('/api/users/me/password', input, {}, changePasswordResultSchema);
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    // The trail has a new entry.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.profile }),
  });
}
