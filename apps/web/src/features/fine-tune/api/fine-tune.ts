/**
 * The fine-tune job over HTTP (contract: packages/shared/src/fine-tune.ts): start one
 * (`POST /api/models/fine-tune`, multipart with the dataset file, 202), cancel and retry it.
 * Progress is polled through `useModelStatus` (src/lib/model-jobs).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { modelJobAcceptedSchema, type FineTuneRequest, type ModelJobAccepted } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { modelJobKeys } from '@/lib/model-jobs';

export interface StartFineTune {
  fields: FineTuneRequest;
  dataset: File;
}

export function startFineTune({ fields, dataset }: StartFineTune): Promise<ModelJobAccepted> {
  const form = new FormData();
  // Fields first: a streaming multipart parser meets them before the (large) file.
  for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
  form.append('dataset', dataset, dataset.name);
  return api.post('/api/models/fine-tune', form, {}, modelJobAcceptedSchema);
}

export function useStartFineTune() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startFineTune,
    onSuccess: (accepted) => {
      queryClient.setQueryData(modelJobKeys.status(accepted.modelId), accepted.status);
      return queryClient.invalidateQueries({ queryKey: modelJobKeys.all });
    },
  });
}

/** Cancel or retry; the next status poll shows the outcome. */
export function useJobAction(action: 'cancel' | 'retry') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (modelId: string) => api.post(`/api/models/${encodeURIComponent(modelId)}/${action}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelJobKeys.all }),
  });
}
