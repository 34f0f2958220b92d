import { queryOptions, useQuery } from '@tanstack/react-query';
import { cardSchema, userSchema } from '@medichat/shared';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { useSession } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';

/** `GET /api/users/me`: the profile and the medical card. */
export const profileSchema = z.object({ user: userSchema, card: cardSchema });
export type Profile = z.infer<typeof profileSchema>;

export function getProfile(signal?: AbortSignal): Promise<Profile> {
  return api.get('/api/users/me', { signal }, profileSchema);
}

export const profileQueryKey = queryKeys.profile;

export const profileQueryOptions = () =>
  queryOptions({ queryKey: profileQueryKey, queryFn: ({ signal }) => getProfile(signal) });

/** Only fetched while signed in. */
export function useProfile() {
  const { status } = useSession();
  return useQuery({ ...profileQueryOptions(), enabled: status === 'signed-in' });
}
