import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { createFeedFetcher } from "../src/adapters/news/feed-fetcher.ts";
import { expandFeedTemplates } from "../src/adapters/news/feed-templates.ts";
import { openSqliteStore, type SqliteStore } from "../src/adapters/store/sqlite-store.ts";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import { renderDigestText } from "../src/cli/digest-command.ts";
import { createDigestBuilder } from "../src/core/digest-builder.ts";
import type { Digest } from "../src/core/digest.ts";
import { createExtractiveEngine } from "../src/core/extractive/engine.ts";
import { createSummarizer } from "../src/core/summarize.ts";
import { renderDigest } from "../src/discord/render-digest.ts";
import { startNewsWorld, type NewsWorld } from "./fixtures/digest/news-world.ts";

const NOW = new Date("2026-02-20T12:00:00Z");
const SINCE = new Date("2026-02-19T12:00:00Z");
const page = (name: string): string => readFileSync(new URL(`./fixtures/pages/${name}`, import.meta.url), "utf8");
const ADVICE = /paste|\/summarize|try a link/i;

let world: NewsWorld;
let store: SqliteStore;
let digest: Digest;

beforeAll(async () => {
  world = await startNewsWorld();
  const html = { "content-type": "text/html; charset=utf-8" };
  world.financeDaily.route("/b/tencent-photos", { headers: html, body: page("gallery.html") });
  // The wire story dated inside the digest's window; the full article is from 2024: re-listed old news.
  world.financeDaily.route("/b/tencent-wire", { headers: html, body: page("wire-short.html").replace("08. August 2025", "20. Februar 2026") });
  world.financeDaily.route("/b/tencent-old", { headers: html, body: page("de-boerse-artikel.html") });
  world.financeDaily.route("/feed/TCEHY.xml", {
    headers: { "content-type": "application/atom+xml" },
    body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Finance Daily</title><id>urn:t</id>
<entry><title>Tencent in pictures: the week at the Shenzhen campus</title><link href="/b/tencent-photos"/><id>urn:t:1</id><updated>2026-02-20T06:00:00Z</updated></entry>
<entry><title>Hang Seng rises, Tencent and Alibaba in demand</title><link href="/b/tencent-wire"/><id>urn:t:2</id><updated>2026-02-20T05:00:00Z</updated></entry>
<entry><title>Tencent shares: a look back at the solar order</title><link href="/b/tencent-old"/><id>urn:t:3</id><updated>2026-02-20T04:00:00Z</updated></entry></feed>`,
  });
  store = openSqliteStore(":memory:");
  const symbols = loadSymbolDirectory();
  const fetcher = createPageFetcher({ allowPrivate: ["127.0.0.1", "127.0.0.2"], timeoutMs: 5_000, connectTimeoutMs: 2_000, maxBytes: 1_000_000, userAgent: "marketbrief-test" });
  const builder = createDigestBuilder({
    symbols,
    store,
    summarizer: createSummarizer({ fetcher, extractor: createArticleExtractor(), extractive: createExtractiveEngine({ symbols }), store, symbols }),
    feeds: createFeedFetcher({ fetcher, store, minIntervalMs: 0, freshForMs: 0 }),
    feedUrls: (entry) => expandFeedTemplates(world.templates, entry),
    articleHostIntervalMs: 0,
  });
  digest = await builder.build({ symbols: ["TCEHY"], since: SINCE, now: NOW, language: "en" });
});

afterAll(async () => {
  await world?.close();
  await store?.close();
});

describe("a digest with a story that cannot be read", () => {
  it("keeps the unreadable story's headline, link and outlet, with a reason fit for a digest", () => {
    const stories = digest.tickers[0]?.stories ?? [];
    const photos = stories.find((s) => s.title.startsWith("Tencent in pictures"));
    expect(photos).toMatchObject({
      url: `${world.financeDaily.url}/b/tencent-photos`,
      sources: [{ outlet: "Finance Daily", url: `${world.financeDaily.url}/b/tencent-photos` }],
    });
    expect(photos?.brief).toBeUndefined();
    expect(photos?.briefError).toMatch(/no readable article text/);
    expect(photos?.briefError).not.toMatch(ADVICE);
  });

  it("briefs the short wire story", () => {
    const wire = digest.tickers[0]?.stories.find((s) => s.title.startsWith("Hang Seng rises"));
    expect(wire?.brief?.keyPoints.length).toBeGreaterThanOrEqual(1);
  });

  it("leaves out a story whose article is dated before the window", () => {
    expect(digest.tickers[0]?.stories.map((s) => s.title)).not.toContain("Tencent shares: a look back at the solar order");
    expect(digest.tickers[0]?.stories).toHaveLength(2);
  });

  it("shows no /summarize advice in the CLI text or the Discord messages", () => {
    const text = renderDigestText(digest);
    expect(text).toContain("Tencent in pictures");
    expect(text).toContain(`${world.financeDaily.url}/b/tencent-photos`);
    expect(text).toContain("Finance Daily");
    expect(text).not.toMatch(ADVICE);
    const discord = JSON.stringify(renderDigest(digest));
    expect(discord).toContain("Tencent in pictures");
    expect(discord).toContain("/b/tencent-photos");
    expect(discord).not.toMatch(ADVICE);
  });
});
