/**
 * The `news-fetch` job: fetch every configured news feed (conditional requests, sanitised, deduplicated;
 * modules/news). Scheduled every NEWS_INTERVAL_MS when feeds are configured; one run at a time.
 * A failing feed is logged and recorded, never a failed job: the others were still fetched.
 */
import type { JobHandler } from '../engines/queue/port.js';
import type { FeedResult, NewsService } from '../modules/news/index.js';
import type { JobPayloads } from './names.js';

export function newsJob(deps: {
  news?: () => Pick<NewsService, 'refreshAll'> | undefined;
}): JobHandler<JobPayloads['news-fetch'], { feeds: FeedResult[] }> {
  return {
    name: 'news-fetch',
    concurrency: 1,
    async handle(_data, ctx) {
      const news = deps.news?.();
      return { feeds: news ? await news.refreshAll(ctx.signal) : [] };
    },
  };
}
