import { useInfiniteQuery } from '@tanstack/react-query';
import { auditPageSchema, type AuditKind, type AuditPage } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { useSession } from '@/lib/auth-store';
import { queryKeys } from '@/lib/query-keys';

/**
 * `GET /api/users/me/audit`: the owner's trail, newest first, a page at a time (`before` cursor);
 * `kind` `views` (responders' views of the emergency page) or `account` (sign-ins, changes).
 */
export function getAudit(
  options: { before?: string; limit?: number; kind?: AuditKind; signal?: AbortSignal } = {},
): Promise<AuditPage> {
  return api.get(
    '/api/users/me/audit',
    {
      query: { limit: options.limit ?? 20, before: options.before, kind: options.kind ?? 'all' },
      signal: options.signal,
    },
    auditPageSchema,
  );
}

/** The prefix of every audit query (each kind is `[...auditQueryKey, kind]`): invalidate this. */
export const auditQueryKey = queryKeys.audit;

export function useAudit(kind: AuditKind = 'all', options: { enabled?: boolean } = {}) {
  const { status } = useSession();
  return useInfiniteQuery({
    queryKey: [...auditQueryKey, kind],
    queryFn: ({ pageParam, signal }) => getAudit({ before: pageParam, kind, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: status === 'signed-in' && (options.enabled ?? true),
    staleTime: 0,
  });
}
