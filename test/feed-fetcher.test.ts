import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { createFeedFetcher, FEED_ACCEPT, type FeedFetcherOptions } from "../src/adapters/news/feed-fetcher.ts";
import { openSqliteStore, type SqliteStore } from "../src/adapters/store/sqlite-store.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";

const RSS = readFileSync(new URL("./fixtures/digest/market-wire-BABA.xml", import.meta.url), "utf8");
const ATOM = readFileSync(new URL("./fixtures/digest/finance-daily-BABA.xml", import.meta.url), "utf8");
const USER_AGENT = "marketbrief-test/1.0 (+https://example.invalid/bot)";

let servers: TestServer[] = [];
let stores: SqliteStore[] = [];

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(stores.map((s) => s.close()));
  servers = [];
  stores = [];
});

async function server(routes: Parameters<typeof startTestServer>[0], host?: string): Promise<TestServer> {
  const started = await startTestServer(routes, host ? { host } : {});
  servers.push(started);
  return started;
}

function setup(overrides: Partial<FeedFetcherOptions> & { maxBytes?: number; allowPrivate?: string[] } = {}) {
  const store = openSqliteStore(":memory:");
  stores.push(store);
  const { maxBytes, allowPrivate, ...rest } = overrides;
  const fetcher = createPageFetcher({
    allowPrivate: allowPrivate ?? ["127.0.0.0/8"],
    timeoutMs: 5_000,
    connectTimeoutMs: 2_000,
    maxBytes: maxBytes ?? 1_000_000,
    userAgent: USER_AGENT,
  });
  const feeds = createFeedFetcher({ fetcher, store, minIntervalMs: 0, freshForMs: 0, ...rest });
  return { store, feeds };
}

/** A clock the test moves by hand. */
function manualClock(start = "2026-02-20T12:00:00Z") {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

describe("conditional GET", () => {
  it("sends the stored validators; a 304 reuses the stored items without parsing", async () => {
    const seen: Array<Record<string, string | undefined>> = [];
    const web = await server({
      "/feed": (req, res) => {
        seen.push({
          ifNoneMatch: req.headers["if-none-match"],
          ifModifiedSince: req.headers["if-modified-since"],
          accept: req.headers.accept,
          userAgent: req.headers["user-agent"],
        });
        if (req.headers["if-none-match"] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end();
        res
          .writeHead(200, { "content-type": "application/rss+xml", etag: '"v1"', "last-modified": "Fri, 20 Feb 2026 08:00:00 GMT" })
          .end(RSS);
      },
    });
    const { store, feeds } = setup();
    const url = `${web.url}/feed`;

    const first = await feeds.fetchFeed(url);
    expect(first.status).toBe("fetched");
    expect(first.items.map((i) => i.title)).toEqual([
      "Alibaba shares jump after cloud revenue beats estimates",
      "Alibaba names new chief financial officer",
      "Alibaba opens new data centre in Dubai",
    ]);
    expect(first.items[0]?.url).toBe(`${web.url}/a/alibaba-cloud-beat?utm_source=rss&utm_medium=baba`);
    expect(await store.getFeedState(url)).toMatchObject({ etag: '"v1"', lastModified: "Fri, 20 Feb 2026 08:00:00 GMT", failures: 0 });

    const second = await feeds.fetchFeed(url);
    expect(second.status).toBe("not_modified");
    expect(second.items).toEqual(first.items);
    expect(feeds.stats).toMatchObject({ requests: 2, parsed: 1, notModified: 1 });
    expect(seen[0]).toMatchObject({ ifNoneMatch: undefined, ifModifiedSince: undefined, userAgent: USER_AGENT });
    expect(seen[1]).toMatchObject({ ifNoneMatch: '"v1"', ifModifiedSince: "Fri, 20 Feb 2026 08:00:00 GMT" });
    for (const type of FEED_ACCEPT) expect(seen[0]?.accept).toContain(type);
    expect(seen[0]?.accept).not.toContain("text/html");
  });

  it("keeps when each item was first seen across reads, so undated items can be judged", async () => {
    let body = RSS;
    const web = await server({ "/feed": (_req, res) => void res.writeHead(200, { "content-type": "text/xml" }).end(body) });
    const clock = manualClock();
    const { feeds } = setup({ now: clock.now });
    const url = `${web.url}/feed`;
    const first = await feeds.fetchFeed(url);
    expect(new Set(first.items.map((i) => i.firstSeenAt))).toEqual(new Set(["2026-02-20T12:00:00.000Z"]));

    clock.advance(3_600_000);
    body = RSS.replace("<item>", "<item><title>Alibaba Q&amp;A without a date</title><link>/a/undated</link></item><item>");
    const second = await feeds.fetchFeed(url);
    const byTitle = new Map(second.items.map((i) => [i.title, i.firstSeenAt]));
    expect(byTitle.get("Alibaba Q&A without a date")).toBe("2026-02-20T13:00:00.000Z");
    expect(byTitle.get("Alibaba names new chief financial officer")).toBe("2026-02-20T12:00:00.000Z");
  });

  it("does not request a feed read within freshForMs again", async () => {
    const web = await server({ "/feed": { headers: { "content-type": "application/atom+xml" }, body: ATOM } });
    const clock = manualClock();
    const { feeds } = setup({ now: clock.now, freshForMs: 60_000 });
    const url = `${web.url}/feed`;
    expect((await feeds.fetchFeed(url)).status).toBe("fetched");
    clock.advance(30_000);
    const again = await feeds.fetchFeed(url);
    expect(again.status).toBe("fresh");
    expect(again.items).toHaveLength(2);
    clock.advance(31_000);
    expect((await feeds.fetchFeed(url)).status).toBe("fetched");
    expect(web.hits("/feed")).toBe(2);
  });
});

describe("politeness", () => {
  it("never runs more than perHostConcurrency requests to one host at once", async () => {
    let active = 0;
    let peak = 0;
    const slow = async (_req: unknown, res: import("node:http").ServerResponse) => {
      active += 1;
      peak = Math.max(peak, active);
      await sleep(30);
      active -= 1;
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS);
    };
    const web = await server({ "/feed": slow });
    const { feeds } = setup({ perHostConcurrency: 2 });
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => feeds.fetchFeed(`${web.url}/feed?n=${i}`)));
    expect(results.every((r) => r.status === "fetched")).toBe(true);
    expect(web.hits("/feed")).toBe(7);
    expect(peak).toBe(2);
  });

  it("leaves at least minIntervalMs between the starts of two requests to one host", async () => {
    const arrivals: number[] = [];
    const web = await server({
      "/feed": (_req, res) => {
        arrivals.push(performance.now());
        res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS);
      },
    });
    const { feeds } = setup({ perHostConcurrency: 4, minIntervalMs: 200 });
    await Promise.all(Array.from({ length: 4 }, (_, i) => feeds.fetchFeed(`${web.url}/feed?n=${i}`)));
    const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] ?? 0));
    // Lower bounds only (a slow machine only widens the gaps); a little slack for connection setup.
    for (const gap of gaps) expect(gap).toBeGreaterThan(120);
  });

  it("makes one request for concurrent reads of the same feed", async () => {
    const web = await server({
      "/feed": async (_req, res) => {
        await sleep(20);
        res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS);
      },
    });
    const { feeds } = setup();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => feeds.fetchFeed(`${web.url}/feed`)));
    expect(web.hits("/feed")).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
  });
});

describe("failures and backoff", () => {
  const cases = [
    { name: "HTTP 500", route: { status: 500, headers: { "content-type": "text/plain" }, body: "boom" }, error: /HTTP 500/ },
    {
      name: "malformed XML",
      route: { headers: { "content-type": "application/rss+xml" }, body: RSS.replace("</channel>", "") },
      error: /not a valid RSS or Atom feed \(malformed XML/,
    },
    {
      name: "a body over FETCH_MAX_BYTES",
      route: { headers: { "content-type": "application/rss+xml" }, body: RSS.replace("</channel>", `<!-- ${"x".repeat(50_000)} --></channel>`) },
      error: /larger than 20 kB/,
    },
    {
      name: "an HTML page",
      route: { headers: { "content-type": "text/html" }, body: "<!doctype html><p>Sign in</p>" },
      error: /web page.*not a feed/,
    },
  ] as const;

  for (const { name, route, error } of cases) {
    it(`backs off a feed after ${name}, keeping the state in the store`, async () => {
      const web = await server({ "/feed": route });
      const clock = manualClock();
      const { store, feeds } = setup({ now: clock.now, maxBytes: 20_000, backoffBaseMs: 60_000 });
      const url = `${web.url}/feed`;

      const first = await feeds.fetchFeed(url);
      expect(first).toMatchObject({ status: "failed", items: [] });
      expect(first.error).toMatch(error);
      expect(await store.getFeedState(url)).toMatchObject({
        failures: 1,
        nextAttemptAt: "2026-02-20T12:01:00.000Z",
        lastError: expect.stringMatching(error),
        failingSince: "2026-02-20T12:00:00.000Z",
      });

      clock.advance(30_000);
      expect((await feeds.fetchFeed(url)).status).toBe("backoff");
      expect(web.hits("/feed")).toBe(1);

      clock.advance(31_000);
      expect((await feeds.fetchFeed(url)).status).toBe("failed");
      expect(web.hits("/feed")).toBe(2);
      // The run of failures started with the first one.
      expect(await store.getFeedState(url)).toMatchObject({ failures: 2, nextAttemptAt: "2026-02-20T12:03:01.000Z", failingSince: "2026-02-20T12:00:00.000Z" });
    });
  }

  it("serves the last good items while failing, and a success resets the failures", async () => {
    let broken = false;
    const web = await server({
      "/feed": (_req, res) => {
        if (broken) return void res.writeHead(503, { "content-type": "text/plain" }).end("down");
        res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS);
      },
    });
    const clock = manualClock();
    const { store, feeds } = setup({ now: clock.now, backoffBaseMs: 1_000, backoffMaxMs: 4_000 });
    const url = `${web.url}/feed`;
    const good = await feeds.fetchFeed(url);

    broken = true;
    clock.advance(5_000);
    const firstFailure = clock.now().toISOString();
    for (const expectedWait of [1_000, 2_000, 4_000, 4_000]) {
      const failed = await feeds.fetchFeed(url);
      expect(failed.status).toBe("failed");
      expect(failed.items).toEqual(good.items);
      const state = await store.getFeedState(url);
      expect(Date.parse(state?.nextAttemptAt ?? "") - clock.now().getTime()).toBe(expectedWait);
      expect(state?.failingSince).toBe(firstFailure);
      clock.advance(expectedWait);
    }

    broken = false;
    expect((await feeds.fetchFeed(url)).status).toBe("fetched");
    const state = await store.getFeedState(url);
    expect(state?.failures).toBe(0);
    expect(state?.nextAttemptAt).toBeUndefined();
    expect(state?.lastError).toBeUndefined();
    expect(state?.failingSince).toBeUndefined();

    // A new run of failures starts its own clock.
    broken = true;
    clock.advance(60_000);
    expect((await feeds.fetchFeed(url)).status).toBe("failed");
    expect((await store.getFeedState(url))?.failingSince).toBe(clock.now().toISOString());
  });

  it("refuses a feed at a blocked address without connecting, and backs it off", async () => {
    const web = await server({ "/feed": { headers: { "content-type": "application/rss+xml" }, body: RSS } });
    const { store, feeds } = setup({ allowPrivate: [] });
    const url = `${web.url}/feed`;
    const result = await feeds.fetchFeed(url);
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/only fetches public web addresses/);
    expect(web.connections).toBe(0);
    expect((await store.getFeedState(url))?.failures).toBe(1);
  });
});
