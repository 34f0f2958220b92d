import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { readingSourcesSchema } from '@medichat/shared';
import { z } from 'zod';
import { api } from '@/lib/api-client';
import { sensorsQueryKey } from './get-readings';

/** `GET /api/sensors/sources`: where the readings came from, with counts. */
export function useSources() {
  return useQuery({
    queryKey: [...sensorsQueryKey, 'sources'],
    queryFn: ({ signal }) => api.get('/api/sensors/sources', { signal }, readingSourcesSchema),
    staleTime: 60_000,
  });
}

/** `DELETE /api/sensors?source=`: every reading of one source; refreshes the charts. */
export function useDeleteSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (source: string) =>
      api.delete('/api/sensors', { query: { source } }, z.object({ deleted: z.number().int() })),
    onSuccess: () => client.invalidateQueries({ queryKey: sensorsQueryKey }),
  });
}
