/** `POST /api/models/use`: choose the model that answers you (`null`: back to the default). Users only. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { usedModelSchema, type UsedModel } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { modelKeys } from './get-models';

export function selectModel(modelId: string | null): Promise<UsedModel> {
  return api.post('/api/models/use', { modelId }, {}, usedModelSchema);
}

export function useSelectModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: selectModel,
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelKeys.all }),
  });
}
