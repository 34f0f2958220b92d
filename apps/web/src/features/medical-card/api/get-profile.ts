import { queryOptions, useQuery } from '@tanstack/react-query';
import { profileSchema, type Profile } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { useSession } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';

/** `GET /api/users/me`: the profile and the medical card (schema shared with the API). */
export { profileSchema, type Profile };

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
