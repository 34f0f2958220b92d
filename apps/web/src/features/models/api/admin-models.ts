/**
 * The admin's model calls: pull a model in the background (`POST /api/models/pull`, 202 with the
 * job's first status) and register a model file or a remote server (`POST /api/models`).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  modelAdminSchema,
  modelJobAcceptedSchema,
  type ModelAdmin,
  type ModelJobAccepted,
  type PullModelInput,
  type RegisterModelInput,
} from '@medichat/shared';
import { api } from '@/lib/api-client';
import { modelKeys } from './get-models';

export function pullModel(input: PullModelInput): Promise<ModelJobAccepted> {
  return api.post('/api/models/pull', input, {}, modelJobAcceptedSchema);
}

export function usePullModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: pullModel,
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelKeys.all }),
  });
}

/** `kind`, `isDefault` have defaults in the schema; the form may leave them out. */
export type RegisterModelRequest = Omit<RegisterModelInput, 'kind' | 'isDefault'> & Partial<RegisterModelInput>;

export function registerModel(input: RegisterModelRequest): Promise<ModelAdmin> {
  return api.post('/api/models', input, {}, modelAdminSchema);
}

export function useRegisterModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: registerModel,
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelKeys.all }),
  });
}
