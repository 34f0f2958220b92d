import { useMutation, useQueryClient } from '@tanstack/react-query';
import { avatarResponseSchema, type AvatarResponse } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { updateSessionUser } from '@/lib/auth-store';
import { auditQueryKey } from './get-audit';
import { profileQueryKey, type Profile } from './get-profile';

/** `PUT /api/users/me/avatar` (multipart field `file`): PNG, JPEG or WebP; re-encoded by the server. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
/** The API's default AVATAR_MAX_BYTES; the server has the last word (413). */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

export function uploadAvatar(file: File): Promise<AvatarResponse> {
  const body = new FormData();
  body.append('file', file);
  return api.put('/api/users/me/avatar', body, {}, avatarResponseSchema);
}

export function deleteAvatar(): Promise<void> {
  return api.delete<void>('/api/users/me/avatar');
}

function setAvatarUrl(queryClient: ReturnType<typeof useQueryClient>, avatarUrl: string | null) {
  queryClient.setQueryData<Profile>(profileQueryKey, (p) => (p ? { ...p, user: { ...p.user, avatarUrl } } : p));
  void queryClient.invalidateQueries({ queryKey: auditQueryKey });
  updateSessionUser({ avatarUrl });
}

export function useUploadAvatar() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadAvatar,
    onSuccess: ({ avatarUrl }) => setAvatarUrl(queryClient, avatarUrl),
  });
}

export function useDeleteAvatar() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteAvatar, onSuccess: () => setAvatarUrl(queryClient, null) });
}
