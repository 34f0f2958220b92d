import { useQuery } from '@tanstack/react-query';
import { emergencyViewSchema, type EmergencyView } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { isQrToken } from '@/lib/qr-token';

/**
 * `GET /api/emergency/:qr`: public, read-only; only the fields the card's owner chose. Every view is
 * recorded on the owner's audit trail. A token that cannot be one of ours is not sent at all.
 */
export function getEmergencyView(token: string, signal?: AbortSignal): Promise<EmergencyView> {
  return api.get(`/api/emergency/${encodeURIComponent(token)}`, { signal }, emergencyViewSchema);
}

export function useEmergencyView(token: string) {
  return useQuery({
    queryKey: ['emergency', token],
    queryFn: ({ signal }) => getEmergencyView(token, signal),
    enabled: isQrToken(token),
    staleTime: 60_000,
  });
}
