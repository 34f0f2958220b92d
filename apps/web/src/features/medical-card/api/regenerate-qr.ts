import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { useSession } from '@/lib/auth-store';
import { auditQueryKey } from './get-audit';
import { getProfile, profileQueryKey } from './get-profile';

/**
 * The medical QR as SVG. It encodes the emergency URL (`<base>/emergency/<token>`), so a phone
 * camera opens the emergency page. `GET /api/qr` returns the current one without replacing it (the
 * printed card keeps working); `POST /api/qr` makes a new one, and every earlier QR stops working.
 */
export async function getCurrentQr(signal?: AbortSignal): Promise<string> {
  const blob = await api.get<Blob>('/api/qr', { headers: { accept: 'image/svg+xml' }, signal });
  return blob.text();
}

export async function regenerateQr(): Promise<string> {
  const blob = await api.post<Blob>('/api/qr', undefined, { headers: { accept: 'image/svg+xml' } });
  return blob.text();
}

export const qrQueryKey = (userId: string, version: number) => ['qr', userId, version] as const;

/** The current QR's SVG, once the card has one (version 0 = never made: null until it is). */
export function useCurrentQr(version: number | undefined) {
  const { user } = useSession();
  return useQuery({
    queryKey: qrQueryKey(user?.id ?? '', version ?? -1),
    queryFn: ({ signal }) => (version && version > 0 ? getCurrentQr(signal) : Promise.resolve(null)),
    enabled: !!user && version !== undefined,
    staleTime: Infinity,
  });
}

export function useRegenerateQr() {
  const queryClient = useQueryClient();
  const { user } = useSession();
  return useMutation({
    mutationFn: regenerateQr,
    onSuccess: async (svg) => {
      // The new version comes with the card; the SVG is filed under it.
      const profile = await queryClient.fetchQuery({
        queryKey: profileQueryKey,
        queryFn: ({ signal }) => getProfile(signal),
        staleTime: 0,
      });
      const version = profile.card.qrVersion;
      void queryClient.invalidateQueries({ queryKey: auditQueryKey });
      if (user) queryClient.setQueryData(qrQueryKey(user.id, version), svg);
    },
  });
}
