import { Panel } from '@/components/ui/panel';
import { NewsIcon } from '@/components/ui/icons';
import { useNews } from '../api/get-news';

/** Health news for the sidebar, from GET /api/news (titles and sources; links open in a new tab). */
export function NewsCard({ className }: { className?: string }) {
  const lang = typeof navigator !== 'undefined' ? navigator.language : undefined;
  const news = useNews(lang);
  return (
    <Panel title="Health news" icon={<NewsIcon />} className={className}>
      {news.isPending ? (
        <p className="text-sm opacity-70">Loading news…</p>
      ) : news.isError ? (
        <p className="text-sm" role="alert">
          News could not be loaded.
        </p>
      ) : (
        <div className="min-w-0">
          <ul className="flex flex-col gap-3" aria-label="Health news">
            {news.data.items.map((item) => (
              <li key={item.id} className="min-w-0">
                <a
                  href={item.link}
                  target="_blank"
                  rel="noopener noreferrer nofollow"
                  className="font-medium break-words underline-offset-2 hover:underline"
                >
                  {item.title}
                </a>
                <p className="text-xs break-words opacity-70">
                  {item.source} ·{' '}
                  <time dateTime={item.publishedAt}>{new Date(item.publishedAt).toLocaleDateString()}</time>
                </p>
              </li>
            ))}
          </ul>
          {news.data.offline ? (
            <p className="mt-3 text-xs opacity-70">Offline selection of trusted public-health pages.</p>
          ) : null}
        </div>
      )}
    </Panel>
  );
}
