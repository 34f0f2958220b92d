import { useQuery } from '@tanstack/react-query';
import { newsPageSchema, type NewsPage } from '@medichat/shared';
import { api } from '@/lib/api-client';

/** `GET /api/news`: public; the shipped offline items until the server fetched a feed. */
export function getNews(lang: string | undefined, signal?: AbortSignal): Promise<NewsPage> {
  return api.get('/api/news', { signal, query: { limit: 5, ...(lang ? { lang } : {}) } }, newsPageSchema);
}

export function useNews(lang?: string) {
  return useQuery({
    queryKey: ['news', lang ?? ''],
    queryFn: ({ signal }) => getNews(lang, signal),
    staleTime: 5 * 60_000,
  });
}
