/**
 * A one-story-per-ticker news wire on a test server: `/rss?s=SYM` lists "SYM news of the day",
 * published `publishedAgoMs` before each request, and `/article?id=SYM` serves its page, long
 * enough to be summarized. For the tests that run whole bot processes and need any digest at all.
 */
import type { TestServer } from "./http-server.ts";

export function serveDailyWire(news: TestServer, publishedAgoMs = 3_600_000): void {
  news.route("/rss", (_req, res, ctx) => {
    const symbol = ctx.url.searchParams.get("s") ?? "";
    const published = new Date(Date.now() - publishedAgoMs).toUTCString();
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local Wire</title><link>${news.url}/</link><description>${symbol}</description>
<item><title>${symbol} news of the day</title><link>${news.url}/article?id=${encodeURIComponent(symbol)}</link><pubDate>${published}</pubDate></item></channel></rss>`,
    );
  });
  news.route("/article", (_req, res, ctx) => {
    const id = ctx.url.searchParams.get("id") ?? "";
    const text = `${id} said on Monday that quarterly revenue rose 12 percent from a year earlier, ahead of what analysts had expected. `.repeat(6);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
      `<!doctype html><html lang="en"><head><title>${id} news of the day</title></head><body><article><h1>${id} news of the day</h1><p>${text}</p><p>${text}</p></article></body></html>`,
    );
  });
}
