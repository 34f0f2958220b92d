/**
 * What the clinicians' pages share across the models and fine-tune features (docs/boundaries.md: a
 * feature never imports another): a model's job status, polled about once a second while it runs
 * (`GET /api/models/:id/status`), and "make default" (`POST /api/models/:id/default`), which the
 * models list and a finished fine-tune's "Activate" both use.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { modelAdminSchema, modelStatusSchema, type ModelAdmin, type ModelStatusView } from '@medichat/shared';
import { api } from './api-client';

/** Keys under `['models']`, so invalidating the model list refreshes statuses too. */
export const modelJobKeys = {
  all: ['models'] as const,
  status: (id: string) => ['models', 'status', id] as const,
};

export const TERMINAL_STATES: ReadonlySet<ModelStatusView['state']> = new Set(['succeeded', 'failed', 'cancelled']);

export function isTerminal(state: ModelStatusView['state']): boolean {
  return TERMINAL_STATES.has(state);
}

/** How often a running job is polled. */
export const STATUS_POLL_MS = 1000;

export function getModelStatus(modelId: string, signal?: AbortSignal): Promise<ModelStatusView> {
  return api.get(`/api/models/${encodeURIComponent(modelId)}/status`, { signal }, modelStatusSchema);
}

/** Polls every second until the job is terminal (and stops polling then); `initial` is e.g. the 202's status. */
export function useModelStatus(modelId: string | null, initial?: ModelStatusView) {
  return useQuery({
    queryKey: modelJobKeys.status(modelId ?? ''),
    queryFn: ({ signal }) => getModelStatus(modelId!, signal),
    enabled: modelId !== null,
    initialData: initial,
    initialDataUpdatedAt: 0,
    staleTime: 0,
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.error) return false;
      return data && isTerminal(data.state) ? false : STATUS_POLL_MS;
    },
  });
}

export function makeDefaultModel(modelId: string): Promise<ModelAdmin> {
  return api.post(`/api/models/${encodeURIComponent(modelId)}/default`, undefined, {}, modelAdminSchema);
}

export function useMakeDefault() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: makeDefaultModel,
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelJobKeys.all }),
  });
}

/** "1.4 GB", "512 kB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "2 min 5 s", "40 s". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
