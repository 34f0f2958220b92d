import { useInfiniteQuery } from '@tanstack/react-query';
import { auditPageSchema, type AuditPage } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { useSession } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';

/** `GET /api/users/me/audit`: the owner's trail, newest first, a page at a time (`before` cursor). */
export function getAudit(options: { before?: string; limit?: number; signal?: AbortSignal } = {}): Promise<AuditPage> {
  return api.get(
    '/api/users/me/audit',
    { query: { limit: options.limit ?? 20, before: options.before }, signal: options.signal },
    auditPageSchema,
  );
}

export const auditQueryKey = queryKeys.audit;

export function useAudit() {
  const { status } = useSession();
  return useInfiniteQuery({
    queryKey: auditQueryKey,
    queryFn: ({ pageParam, signal }) => getAudit({ before: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: status === 'signed-in',
    staleTime: 0,
  });
}
