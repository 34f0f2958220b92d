import { useQuery } from '@tanstack/react-query';
import { publicConfigSchema, type PublicConfig } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { env } from './env';

/**
 * Run-time settings from the server (`GET /api/config`: public, nothing secret), read once per
 * page load. The build-time values in `env` are only the fallback while it loads or when offline.
 */
export const serverConfigQueryKey = ['server-config'] as const;

export function getServerConfig(signal?: AbortSignal): Promise<PublicConfig> {
  return api.get('/api/config', { signal }, publicConfigSchema);
}

export function useServerConfig() {
  return useQuery({
    queryKey: serverConfigQueryKey,
    queryFn: ({ signal }) => getServerConfig(signal),
    staleTime: 60 * 60_000,
    gcTime: Infinity,
    retry: 1,
  });
}

/** The emergency number the server is configured with (EMERGENCY_NUMBER); the build-time one until known. */
export function useEmergencyNumber(): string {
  return useServerConfig().data?.emergencyNumber ?? env.emergencyNumber;
}
