/** `GET /api/models`: the models that can answer, the default, and the caller's choice. */
import { useQuery } from '@tanstack/react-query';
import { modelListSchema, type ModelList } from '@medichat/shared';
import { api } from '@/lib/api-client';

export const modelKeys = {
  all: ['models'] as const,
  list: (owner: string) => ['models', owner] as const,
};

export function getModels(signal?: AbortSignal): Promise<ModelList> {
  return api.get('/api/models', { signal }, modelListSchema);
}

export function useModels(owner: string, enabled: boolean) {
  return useQuery({ queryKey: modelKeys.list(owner), queryFn: ({ signal }) => getModels(signal), enabled });
}
