import { useMutation, useQueryClient } from '@tanstack/react-query';
import { profilePatchSchema, type ProfilePatch } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { updateSessionUser } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';
import { applyPatch } from '../lib/card-form';
import { profileQueryKey, profileSchema, type Profile } from './get-profile';

/**
 * `PATCH /api/users/me`: only the changed fields; `null` clears one; lists are replaced whole.
 * Optimistic: the cache shows the new card at once (with the BMI worked out here) and goes back if
 * the server refuses; the server's answer (its BMI is authoritative) then replaces it.
 */
export { profilePatchSchema };

export function updateProfile(patch: ProfilePatch): Promise<Profile> {
  return api.patch('/api/users/me', patch, {}, profileSchema);
}

export interface UpdateProfileVariables {
  patch: ProfilePatch;
  /** Height and weight in metric after the patch, for the optimistic card. */
  measured: { heightCm: number | null; weightKg: number | null };
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ patch }: UpdateProfileVariables) => updateProfile(patch),
    onMutate: async ({ patch, measured }) => {
      await queryClient.cancelQueries({ queryKey: profileQueryKey });
      const previous = queryClient.getQueryData<Profile>(profileQueryKey);
      if (previous) {
        queryClient.setQueryData<Profile>(profileQueryKey, {
          user: patch.displayName ? { ...previous.user, displayName: patch.displayName } : previous.user,
          card: applyPatch(previous.card, patch, measured),
        });
      }
      return { previous };
    },
    onError: (_error, _variables, context) => {
      if (context?.previous) queryClient.setQueryData(profileQueryKey, context.previous);
    },
    onSuccess: (profile) => {
      queryClient.setQueryData(profileQueryKey, profile);
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit });
      updateSessionUser({ displayName: profile.user.displayName });
    },
  });
}
