/** The news module's public surface for other modules (docs/boundaries.md). */
export {
  canonicalLink,
  FeedError,
  NewsService,
  plainText,
  primaryLang,
  sanitizeSummary,
  type FeedResult,
  type NewsFeedConfig,
} from './news.service.js';
export { newsRoutes } from './news.routes.js';
