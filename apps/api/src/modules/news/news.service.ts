/**
 * The health-news feed of the dashboard's news card.
 *
 * Fetching (`refreshAll`, run by the `news-fetch` job on the queue): each configured feed is fetched
 * with a conditional request (If-None-Match / If-Modified-Since from the last answer's ETag /
 * Last-Modified; a 304 stores nothing), at most 5 redirects (followed by hand so each hop is an
 * http(s) URL), a whole-request timeout and a byte cap read from the stream (a huge body is cut off
 * and refused, not buffered). The body is parsed by rss-parser (RSS 2.0 and Atom; xml2js/sax, which
 * expand no DTD entities), every title is reduced to text and every summary sanitised by
 * sanitize-html (no scripts, styles, iframes or images — so no tracking pixels —, links http(s) only
 * with rel="noopener noreferrer nofollow"), and items are stored under the hash of their link:
 * the same story twice (or from two feeds) is one item. A feed that fails (network, status, size,
 * time, malformed XML) is logged and recorded on its feed record; the other feeds go on.
 *
 * Reading (`page`): the newest stored items in the asked language (primary subtag, from `lang` or
 * Accept-Language, English otherwise), cursor-paged by (publishedAt, id). When nothing was fetched
 * for that language, the shipped offline items (`data/offline-news.ts`) are served, so the card is
 * never empty offline.
 */
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';
import sanitizeHtml from 'sanitize-html';
import type { NewsItem, NewsPage } from '@medichat/shared';
import type { Collection } from '../../engines/storage/index.js';
import type { NewsFeedDoc, NewsItemDoc } from '../../engines/storage/collections.js';
import { ConflictError } from '../../engines/storage/index.js';
import { badRequest } from '../../lib/errors.js';
import type { ServiceLog } from '../../lib/logger.js';
import { offlineNews } from './data/offline-news.js';

export interface NewsFeedConfig {
  url: string;
  lang?: string;
}

export interface NewsOptions {
  items: Collection<NewsItemDoc>;
  feeds: Collection<NewsFeedDoc>;
  config: { feeds: NewsFeedConfig[]; timeoutMs: number; maxBytes: number };
  log: Pick<ServiceLog, 'info' | 'warn'>;
  now?: () => Date;
  /** fetch (tests pass the global one; kept injectable for a proxy-aware one). */
  fetch?: typeof fetch;
}

export type FeedResult =
  | { url: string; status: 'ok'; items: number; added: number }
  | { url: string; status: 'not-modified' }
  | { url: string; status: 'failed'; error: string };

const MAX_REDIRECTS = 5;
const MAX_ITEMS_PER_FEED = 200;
const DEFAULT_LANG = 'en';
const USER_AGENT = 'Medichat news (+https://github.com/medichat)';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

const SUMMARY_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'i', 'em', 'strong', 'ul', 'ol', 'li', 'blockquote', 'a'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https'],
  allowProtocolRelative: false,
  // Whole elements whose content is dropped too (script text never becomes visible text).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math'],
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
  },
  exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href,
};
// `rel` and `target` are set by the transform, never taken from the feed.
SUMMARY_OPTIONS.allowedAttributes = { a: ['href', 'rel', 'target'] };

/** Feed HTML as safe HTML (at most `max` characters of text kept). */
export function sanitizeSummary(html: string, max = 2000): string {
  const clean = sanitizeHtml(html, SUMMARY_OPTIONS).trim();
  return clean.length > max * 2 ? sanitizeHtml(clean.slice(0, max * 2), SUMMARY_OPTIONS) : clean;
}

/** Feed text (a title) as plain text. */
export function plainText(html: string, max = 300): string {
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: SUMMARY_OPTIONS.nonTextTags })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const primaryLang = (tag: string | undefined | null): string | undefined => {
  const m = /^\s*([A-Za-z]{2,3})\b/.exec(tag ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
};

/** A link with its tracking parameters (utm_*, fbclid, gclid) removed, or null if not http(s). */
export function canonicalLink(raw: string | undefined, base: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    for (const key of [...url.searchParams.keys()])
      if (/^utm_|^(fbclid|gclid|mc_cid|mc_eid)$/i.test(key)) url.searchParams.delete(key);
    url.hash = '';
    return url.toString();
  } catch {
    return null;
  }
}

interface Cursor {
  p: number;
  i: string;
}

export class NewsService {
  private readonly parser = new Parser({ xml2js: { strict: true } as never });
  private readonly now: () => Date;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: NewsOptions) {
    this.now = o.now ?? (() => new Date());
    this.fetch = o.fetch ?? fetch;
  }

  async page(q: { lang?: string; acceptLanguage?: string; cursor?: string; limit?: number }): Promise<NewsPage> {
    const lang = primaryLang(q.lang) ?? primaryLang(q.acceptLanguage) ?? DEFAULT_LANG;
    const limit = q.limit ?? 10;
    let after: Cursor | undefined;
    if (q.cursor) {
      try {
        after = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as Cursor;
        if (typeof after.p !== 'number' || typeof after.i !== 'string') throw new Error('shape');
      } catch {
        throw badRequest('The cursor is not one this server made.', [
          { path: 'cursor', message: 'must be a cursor from a previous page' },
        ]);
      }
    }
    const stored = await this.o.items.count({ lang });
    if (stored === 0) return this.offlinePage(lang, limit, after);
    const docs = await this.o.items.find(
      { lang },
      {
        sort: [
          ['publishedAt', -1],
          ['id', -1],
        ],
        limit: limit + 1,
        ...(after ? { after: { publishedAt: new Date(after.p), id: after.i } } : {}),
      },
    );
    const page = docs.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((d) => ({
        id: d.id,
        title: d.title,
        link: d.link,
        summary: d.summary,
        source: d.source,
        lang: d.lang,
        publishedAt: d.publishedAt.toISOString(),
      })),
      lang,
      offline: false,
      nextCursor: docs.length > limit && last ? cursorOf(last.publishedAt.getTime(), last.id) : null,
    };
  }

  private offlinePage(lang: string, limit: number, after?: Cursor): NewsPage {
    let items: NewsItem[] = offlineNews.filter((i) => i.lang === lang).map((i) => ({ ...i }));
    const chosen = items.length ? lang : DEFAULT_LANG;
    if (!items.length) items = offlineNews.filter((i) => i.lang === DEFAULT_LANG).map((i) => ({ ...i }));
    items.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id.localeCompare(a.id));
    if (after) {
      items = items.filter((i) => {
        const p = Date.parse(i.publishedAt);
        return p < after.p || (p === after.p && i.id < after.i);
      });
    }
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page,
      lang: chosen,
      offline: true,
      nextCursor: items.length > limit && last ? cursorOf(Date.parse(last.publishedAt), last.id) : null,
    };
  }

  /** Fetch every configured feed; one failing never stops the others. */
  async refreshAll(signal?: AbortSignal): Promise<FeedResult[]> {
    const results: FeedResult[] = [];
    for (const feed of this.o.config.feeds) {
      if (signal?.aborted) break;
      results.push(await this.refresh(feed));
    }
    return results;
  }

  async refresh(feed: NewsFeedConfig): Promise<FeedResult> {
    const id = sha256(feed.url);
    const state = await this.o.feeds.get(id);
    const at = this.now();
    try {
      const res = await this.download(feed.url, state);
      if (res.status === 304) {
        await this.saveState(id, feed.url, state, { lastFetchedAt: at, lastResult: 'not-modified' });
        return { url: feed.url, status: 'not-modified' };
      }
      const parsed = await this.parse(res.body);
      // Config first, then RSS <language>, then the Atom root's xml:lang (rss-parser does not expose it).
      const rootLang = /<(?:feed|rss)\b[^>]*\bxml:lang=["']([^"']+)["']/i.exec(res.body.slice(0, 8192))?.[1];
      const feedLang = primaryLang(feed.lang) ?? primaryLang(parsed.language) ?? primaryLang(rootLang) ?? DEFAULT_LANG;
      const source = plainText(parsed.title ?? '', 200) || new URL(feed.url).host;
      let added = 0;
      const items = (parsed.items ?? []).slice(0, MAX_ITEMS_PER_FEED);
      for (const item of items) {
        const link = canonicalLink(item.link, res.url);
        const title = plainText(item.title ?? '');
        if (!link || !title) continue;
        const published = Date.parse(item.isoDate ?? item.pubDate ?? '');
        const publishedAt = new Date(Number.isFinite(published) ? Math.min(published, at.getTime()) : at.getTime());
        const doc: NewsItemDoc = {
          id: sha256(link),
          feedUrl: feed.url,
          source,
          title,
          link,
          summary: sanitizeSummary(item.content ?? item.summary ?? item.contentSnippet ?? ''),
          lang: feedLang,
          publishedAt,
          fetchedAt: at,
        };
        try {
          await this.o.items.insert(doc);
          added++;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
      }
      await this.saveState(id, feed.url, state, {
        title: source,
        etag: res.etag,
        lastModified: res.lastModified,
        lastFetchedAt: at,
        lastResult: 'ok',
        items: items.length,
      });
      if (added) this.o.log.info({ feed: feed.url, added }, 'news: new items');
      return { url: feed.url, status: 'ok', items: items.length, added };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.o.log.warn({ feed: feed.url, err: error }, 'news: feed fetch failed (the other feeds go on)');
      await this.saveState(id, feed.url, state, {
        lastFetchedAt: at,
        lastResult: `failed: ${error}`.slice(0, 500),
      }).catch(() => undefined);
      return { url: feed.url, status: 'failed', error };
    }
  }

  private async parse(body: string) {
    // No feed needs its own entities; a DTD declaring some is refused whole (entity-expansion bombs).
    if (/<!DOCTYPE[^>]*\[[\s\S]*?<!ENTITY/i.test(body.slice(0, 64 * 1024)))
      throw new FeedError('entity declarations are refused (XML bomb protection)');
    try {
      return await this.parser.parseString(body);
    } catch (err) {
      throw new FeedError(`malformed feed: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  private async saveState(id: string, url: string, prev: NewsFeedDoc | null, set: Partial<NewsFeedDoc>) {
    if (prev) await this.o.feeds.update(id, { set });
    else
      await this.o.feeds.insert({ id, url, ...set }).catch(async (err: unknown) => {
        if (err instanceof ConflictError) await this.o.feeds.update(id, { set });
        else throw err;
      });
  }

  /** GET with validators, manual redirects, a timeout over the whole exchange and a byte cap. */
  private async download(
    url: string,
    state: NewsFeedDoc | null,
  ): Promise<{ status: number; url: string; body: string; etag: string | null; lastModified: string | null }> {
    const signal = AbortSignal.timeout(this.o.config.timeoutMs);
    const headers: Record<string, string> = {
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1',
      'user-agent': USER_AGENT,
    };
    if (state?.url === url && state.etag) headers['if-none-match'] = state.etag;
    if (state?.url === url && state.lastModified) headers['if-modified-since'] = state.lastModified;
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const res = await this.fetch(current, { headers, redirect: 'manual', signal });
        if (res.status >= 300 && res.status < 400 && res.status !== 304) {
          await res.body?.cancel();
          const location = res.headers.get('location');
          if (!location) throw new FeedError(`HTTP ${res.status} without a Location`);
          if (hop >= MAX_REDIRECTS) throw new FeedError(`more than ${MAX_REDIRECTS} redirects`);
          const next = new URL(location, current);
          if (next.protocol !== 'http:' && next.protocol !== 'https:')
            throw new FeedError(`redirect to a ${next.protocol} URL`);
          current = next.toString();
          continue;
        }
        if (res.status === 304) {
          await res.body?.cancel();
          return { status: 304, url: current, body: '', etag: null, lastModified: null };
        }
        if (!res.ok) {
          await res.body?.cancel();
          throw new FeedError(`HTTP ${res.status}`);
        }
        const length = Number(res.headers.get('content-length') ?? 'NaN');
        if (Number.isFinite(length) && length > this.o.config.maxBytes) {
          await res.body?.cancel();
          throw new FeedError(`feed larger than ${this.o.config.maxBytes} bytes`);
        }
        const body = await this.readCapped(res);
        return {
          status: res.status,
          url: current,
          body,
          etag: res.headers.get('etag'),
          lastModified: res.headers.get('last-modified'),
        };
      }
    } catch (err) {
      if (err instanceof FeedError) throw err;
      if (signal.aborted) throw new FeedError(`timed out after ${this.o.config.timeoutMs} ms`);
      throw new FeedError(`fetch failed: ${(err as Error).message}`);
    }
  }

  private async readCapped(res: Response): Promise<string> {
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.o.config.maxBytes) {
        await reader.cancel();
        throw new FeedError(`feed larger than ${this.o.config.maxBytes} bytes`);
      }
      chunks.push(value);
    }
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
  }
}

function cursorOf(p: number, i: string): string {
  return Buffer.from(JSON.stringify({ p, i })).toString('base64url');
}
