/**
 * The news card end to end: the shipped offline items (by language) before any fetch; then the
 * `news-fetch` job on the real queue against a local HTTP server speaking real RSS 2.0 and Atom —
 * valid, malformed, huge, slow, redirecting (once, and in a loop), an XML entity bomb — where every
 * bad feed fails alone and is recorded, items are sanitised (no script, image, handler or
 * javascript: link; rel=noopener), tracking parameters dropped, deduplicated, cursor-paged, by
 * language; a second run is a conditional request answered 304. SQLite and FerretDB.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestApp } from '../../testing/test-app.js';
import { createIdentityTestApp, testEngines } from '../account/auth.test-helpers.js';

const RSS = (host: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Public Health &amp; You</title><link>${host}/</link><description>Test feed</description><language>en-gb</language>
  <item><title>Flu season &lt;b&gt;starts&lt;/b&gt;</title><link>${host}/flu?utm_source=rss&amp;id=1</link><guid>flu-1</guid>
    <pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate>
    <description><![CDATA[<p onclick="steal()">Get your <b>vaccine</b>.</p><script>alert(1)</script><img src="${host}/pixel.gif" width="1" height="1"><a href="javascript:alert(2)">x</a> <a href="${host}/more">More</a>]]></description></item>
  <item><title>Heat advice</title><link>${host}/heat</link><pubDate>Sun, 29 Nov 2026 09:00:00 GMT</pubDate><description>Drink water.</description></item>
  <item><title>Heat advice (again)</title><link>${host}/heat#top</link><pubDate>Sun, 29 Nov 2026 09:00:00 GMT</pubDate><description>Same story.</description></item>
  <item><title>Walking helps</title><link>${host}/walk</link><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate><description>Walk daily.</description></item>
</channel></rss>`;

const ATOM = (host: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Gesundheit aktuell</title><id>urn:test:atom</id><updated>2026-11-30T10:00:00Z</updated>
  <entry><title>Grippeimpfung</title><id>urn:test:1</id><link href="${host}/grippe"/><updated>2026-11-30T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;Jetzt impfen.&lt;/p&gt;&lt;iframe src="${host}/x"&gt;&lt;/iframe&gt;</summary></entry>
</feed>`;

const BOMB = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>Bomb</title><item><title>&lol4;</title><link>http://bomb.invalid/x</link></item></channel></rss>`;

for (const engine of testEngines) {
  describe(`news (${engine})`, () => {
    let server: Server;
    let host = '';
    const seen: Array<{ path: string; inm?: string; ims?: string }> = [];
    let offline: TestApp;
    let t: TestApp;

    before(async () => {
      server = createServer((req: IncomingMessage, res) => {
        const path = req.url ?? '/';
        seen.push({ path, inm: req.headers['if-none-match'], ims: req.headers['if-modified-since'] });
        if (path === '/rss.xml') {
          if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
          res.writeHead(200, {
            'content-type': 'application/rss+xml',
            etag: '"v1"',
            'last-modified': 'Mon, 30 Nov 2026 09:00:00 GMT',
          });
          return void res.end(RSS(host));
        }
        if (path === '/atom.xml')
          return void res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(ATOM(host));
        if (path === '/malformed.xml')
          return void res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end('<rss version="2.0"><channel><title>Oops</title><item><title>a</item></rss');
        if (path === '/bomb.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(BOMB);
        if (path === '/huge.xml') {
          // Chunked, no Content-Length: the cap must stop the read itself.
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
          const item = `<item><title>x</title><link>${host}/h</link><description>${'y'.repeat(4000)}</description></item>`;
          let sent = 0;
          const pump = () => {
            while (sent < 1000) {
              sent++;
              if (!res.write(item)) return void res.once('drain', pump);
            }
            res.end('</channel></rss>');
          };
          res.on('error', () => undefined);
          return pump();
        }
        if (path === '/slow.xml') {
          const timer = setTimeout(() => res.writeHead(200).end(RSS(host)), 3000);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        if (path === '/moved') return void res.writeHead(302, { location: '/atom2.xml' }).end();
        if (path === '/atom2.xml')
          return void res
            .writeHead(200, { 'content-type': 'application/atom+xml' })
            .end(ATOM(host).replaceAll('/grippe', '/grippe2').replace('Grippeimpfung', 'Masern'));
        if (path === '/loop') return void res.writeHead(301, { location: '/loop' }).end();
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      offline = await createIdentityTestApp(engine);
      t = await createIdentityTestApp(engine, {
        NEWS_FEEDS: [
          `${host}/rss.xml`,
          `${host}/malformed.xml`,
          `${host}/huge.xml`,
          `${host}/slow.xml`,
          `${host}/bomb.xml`,
          `${host}/loop`,
          `de=${host}/atom.xml`,
          `${host}/moved`,
        ].join(','),
        NEWS_FETCH_TIMEOUT_MS: '500',
        NEWS_MAX_BYTES: String(256 * 1024),
        NEWS_INTERVAL_MS: String(3_600_000),
      });
    });
    after(async () => {
      await offline?.close();
      await t?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('serves the shipped offline items by language when nothing was fetched', async () => {
      const en = await offline.app.inject({ method: 'GET', url: '/api/news?limit=3' });
      assert.equal(en.statusCode, 200, en.body);
      const body = en.json();
      assert.equal(body.offline, true);
      assert.equal(body.lang, 'en');
      assert.equal(body.items.length, 3);
      assert.ok(body.items.every((i: { link: string }) => i.link.startsWith('https://')));
      const next = (
        await offline.app.inject({ method: 'GET', url: `/api/news?limit=3&cursor=${body.nextCursor}` })
      ).json();
      assert.equal(next.items.length, 2);
      assert.equal(new Set([...body.items, ...next.items].map((i: { id: string }) => i.id)).size, 5);
      const de = (
        await offline.app.inject({ method: 'GET', url: '/api/news', headers: { 'accept-language': 'de-DE,de;q=0.9' } })
      ).json();
      assert.deepEqual([de.lang, de.items[0].lang], ['de', 'de']);
      const xx = (await offline.app.inject({ method: 'GET', url: '/api/news?lang=sw' })).json();
      assert.equal(xx.lang, 'en');
      assert.equal((await offline.app.inject({ method: 'GET', url: '/api/news?lang=%24gt' })).statusCode, 400);
      assert.equal((await offline.app.inject({ method: 'GET', url: '/api/news?cursor=abc' })).statusCode, 400);
    });

    it('fetches on the queue: good feeds stored sanitised and deduplicated, each bad one failing alone', async () => {
      // The schedule runs the job once at boot; wait for it, then run it again by hand.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const page = (await t.app.inject({ method: 'GET', url: '/api/news?lang=en' })).json();
        if (!page.offline && seen.some((s) => s.path === '/moved')) break;
        await sleep(100);
      }
      const { id } = await t.app.queue.enqueue('news-fetch', {}, { jobId: 'by-hand' });
      let job = await t.app.queue.getJob(id);
      while (job && job.state !== 'completed' && job.state !== 'failed' && Date.now() < deadline + 20_000) {
        await sleep(50);
        job = await t.app.queue.getJob(id);
      }
      assert.equal(job?.state, 'completed', job?.failedReason);
      const results = (job!.result as { feeds: Array<{ url: string; status: string; error?: string }> }).feeds;
      const status = Object.fromEntries(
        results.map((r) => [r.url.replace(host, ''), r.error ? `${r.status}: ${r.error}` : r.status]),
      );
      assert.equal(status['/rss.xml'], 'not-modified');
      assert.match(status['/malformed.xml']!, /^failed: malformed feed/);
      assert.match(status['/huge.xml']!, /^failed: feed larger than 262144 bytes/);
      assert.match(status['/slow.xml']!, /^failed: timed out after 500 ms/);
      assert.match(status['/loop']!, /^failed: more than 5 redirects/);
      assert.match(status['/bomb.xml']!, /^failed: entity declarations are refused/);
      assert.equal(status['/atom.xml'], 'ok');
      assert.equal(status['/moved'], 'ok');
      // The second run sent the validators of the first answer.
      const conditional = seen.filter((s) => s.path === '/rss.xml');
      assert.equal(conditional[0]!.inm, undefined);
      assert.deepEqual([conditional.at(-1)!.inm, conditional.at(-1)!.ims], ['"v1"', 'Mon, 30 Nov 2026 09:00:00 GMT']);

      const en = (await t.app.inject({ method: 'GET', url: '/api/news?lang=en' })).json();
      assert.equal(en.offline, false);
      assert.deepEqual(
        en.items.map((i: { title: string }) => i.title),
        ['Flu season starts', 'Heat advice', 'Walking helps'],
      );
      const flu = en.items[0];
      assert.equal(flu.link, `${host}/flu?id=1`);
      assert.equal(flu.source, 'Public Health & You');
      assert.doesNotMatch(flu.summary, /script|alert|<img|pixel|onclick|javascript:|iframe/i);
      assert.match(flu.summary, /<b>vaccine<\/b>/);
      assert.match(
        flu.summary,
        new RegExp(`<a href="${host}/more" rel="noopener noreferrer nofollow" target="_blank">More</a>`),
      );
      const page1 = (await t.app.inject({ method: 'GET', url: '/api/news?lang=en&limit=2' })).json();
      const page2 = (
        await t.app.inject({ method: 'GET', url: `/api/news?lang=en&limit=2&cursor=${page1.nextCursor}` })
      ).json();
      assert.deepEqual(
        [...page1.items, ...page2.items].map((i: { title: string }) => i.title),
        en.items.map((i: { title: string }) => i.title),
      );
      assert.equal(page2.nextCursor, null);
      const de = (await t.app.inject({ method: 'GET', url: '/api/news?lang=de' })).json();
      assert.deepEqual(de.items.map((i: { title: string }) => i.title).sort(), ['Grippeimpfung', 'Masern']);
      assert.doesNotMatch(de.items.map((i: { summary: string }) => i.summary).join(''), /iframe/);
      // Nothing of the bad feeds was stored.
      assert.ok(![...en.items, ...de.items].some((i: { title: string }) => /lol|Oops|^x$/.test(i.title)));
    });
  });
}
