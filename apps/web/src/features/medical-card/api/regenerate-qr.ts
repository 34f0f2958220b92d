import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { useSession } from '@/lib/auth-store';
import { auditQueryKey } from './get-audit';
import { getProfile, profileQueryKey } from './get-profile';

/**
 * `POST /api/qr` with `Accept: image/svg+xml`: a new QR (every earlier one stops working at once).
 * The API has no way to fetch the current QR again without replacing it, so the SVG is kept for
 * this tab (sessionStorage, keyed by user and version) to print it again after a reload; it is
 * dropped when the version changes or the tab closes.
 */
interface StoredQr {
  userId: string;
  version: number;
  svg: string;
}

const STORAGE_KEY = 'medichat-qr';

function readStored(): StoredQr | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredQr) : null;
  } catch {
    return null;
  }
}

function store(value: StoredQr | null): void {
  try {
    if (value) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // No sessionStorage: the QR is simply not kept across reloads.
  }
}

export async function regenerateQr(): Promise<string> {
  const blob = await api.post<Blob>('/api/qr', undefined, { headers: { accept: 'image/svg+xml' } });
  return blob.text();
}

export const qrQueryKey = (userId: string, version: number) => ['qr', userId, version] as const;

/** The current QR's SVG if this tab made it; null when it must be made (again). */
export function useCurrentQr(version: number | undefined) {
  const { user } = useSession();
  return useQuery({
    queryKey: qrQueryKey(user?.id ?? '', version ?? -1),
    queryFn: () => {
      const stored = readStored();
      return stored && stored.userId === user?.id && stored.version === version ? stored.svg : null;
    },
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
      if (user) {
        store({ userId: user.id, version, svg });
        queryClient.setQueryData(qrQueryKey(user.id, version), svg);
      }
    },
  });
}

export function forgetStoredQr(): void {
  store(null);
}
