/**
 * The Yahoo-compatible market-data adapter against a local chart server (reached through the
 * SSRF guard's FETCH_ALLOW_PRIVATE allowlist), with an injected clock; the pure rules on quotes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { chartUrl, createYahooChartMarketData, toQuote } from "../src/adapters/market/yahoo-chart.ts";
import { openStore } from "../src/adapters/store/open-store.ts";
import { loadConfig } from "../src/config.ts";
import {
  changeAgainst,
  closedDayNote,
  isMarketDataError,
  marketStateAt,
  MarketDataError,
  priceOutcome,
  PRICES_UNAVAILABLE,
  type Quote,
} from "../src/core/market.ts";
import type { Store } from "../src/core/store.ts";
import { startChartServer, type ChartServer } from "./support/chart-server.ts";

const UA = "marketbrief-test/1.0 (+https://example.invalid/bot)";
// Friday 6 March 2026, 10:00 in New York (15:00 UTC); the session runs 09:30–16:00 local.
const NOW = Date.UTC(2026, 2, 6, 15, 0);
const SESSION = { start: Date.UTC(2026, 2, 6, 14, 30) / 1000, end: Date.UTC(2026, 2, 6, 21, 0) / 1000 };

let server: ChartServer;
let dir: string;
const stores: Store[] = [];

beforeAll(async () => {
  server = await startChartServer();
  dir = mkdtempSync(join(tmpdir(), "mb-market-"));
});

afterAll(async () => {
  await server?.close();
  for (const store of stores) await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  server.requests.length = 0;
});

function fetcher() {
  return createPageFetcher({ allowPrivate: ["127.0.0.1"], timeoutMs: 5000, connectTimeoutMs: 2000, maxBytes: 1_000_000, userAgent: UA });
}

function clock(start = NOW) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function newStore(name: string): Promise<Store> {
  const store = await openStore({ kind: "sqlite", path: join(dir, `${name}.db`) });
  stores.push(store);
  return store;
}

describe("Yahoo-compatible chart adapter", () => {
  it("gives price, previous close, change, currency, exchange, zone, day range, state and bars", async () => {
    server.set("BABA", { price: 131.2, previousClose: 130.7, session: SESSION, exchange: "NYSE", closes: [130.9, 131.5, 130.8, 131.2], dayHigh: 132, dayLow: 129.5 });
    const time = clock();
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), now: time.now });
    const quote = await market.quote("baba", "1d");
    expect(quote).toMatchObject({
      symbol: "BABA",
      price: 131.2,
      previousClose: 130.7,
      currency: "USD",
      exchange: "NYSE",
      exchangeTimeZone: "America/New_York",
      dayRange: { low: 129.5, high: 132 },
      marketState: "open",
      tradedToday: true,
      range: "1d",
      interval: "5m",
    });
    expect(quote.change).toBeCloseTo(0.5, 10);
    expect(quote.changePct).toBeCloseTo((0.5 / 130.7) * 100, 10);
    expect(quote.bars.map((b) => b.close)).toEqual([130.9, 131.5, 130.8, 131.2]);
    expect(quote.bars[0]?.time).toBe(SESSION.start * 1000);
    const [request] = server.requests;
    expect(request).toMatchObject({ symbol: "BABA", range: "1d", interval: "5m", userAgent: UA });
    expect(request?.accept).toContain("application/json");
  });

  it("builds the documented request URL", () => {
    expect(chartUrl("https://query1.finance.yahoo.com/", "9988.HK", "5d")).toBe(
      "https://query1.finance.yahoo.com/v8/finance/chart/9988.HK?range=5d&interval=15m&includePrePost=false",
    );
  });

  it("asks once per symbol and range however many callers ask at once, and caches by range", async () => {
    server.set("COAL", { price: 10, previousClose: 9, session: SESSION });
    const time = clock();
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), now: time.now });
    const quotes = await Promise.all(Array.from({ length: 50 }, () => market.quote("COAL", "1d")));
    expect(new Set(quotes).size).toBe(1);
    expect(server.requests).toHaveLength(1);
    time.advance(30_000);
    await market.quote("COAL", "1d");
    expect(server.requests).toHaveLength(1);
    // Intraday data is kept about a minute; daily bars longer.
    await market.quote("COAL", "1mo");
    time.advance(40_000);
    await market.quote("COAL", "1d");
    await market.quote("COAL", "1mo");
    expect(server.requests.map((r) => r.range)).toEqual(["1d", "1mo", "1d"]);
    expect(market.stats.requests).toBe(3);
  });

  it("reports an unknown or delisted symbol as no price data, without backing off", async () => {
    server.set("GONE", { price: 1, previousClose: 1, session: SESSION, emptyResult: true });
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), now: clock().now });
    const unknown = await market.quote("NOSUCH", "1d").catch((err: unknown) => err);
    expect(unknown).toBeInstanceOf(MarketDataError);
    expect((unknown as MarketDataError).kind).toBe("no_data");
    expect((unknown as Error).message).toMatch(/^No price data for NOSUCH/);
    const empty = await market.quote("GONE", "1d").catch((err: unknown) => err);
    expect((empty as MarketDataError).kind).toBe("no_data");
    expect((empty as Error).message).toMatch(/^No price data for GONE/);
    server.set("BACK", { price: 5, previousClose: 4, session: SESSION });
    expect((await market.quote("BACK", "1d")).price).toBe(5);
  });

  it("backs off after a 5xx, keeps the state in the store, and tries again once it has passed", async () => {
    server.set("SICK", { price: 20, previousClose: 21, session: SESSION });
    const store = await newStore("backoff");
    const time = clock();
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), store, now: time.now, backoffBaseMs: 60_000 });
    server.fail(500, 1);
    const first = await priceOutcome(market, "SICK");
    expect(first).toEqual({ unavailable: "unavailable", message: PRICES_UNAVAILABLE });
    expect(server.requests).toHaveLength(1);
    // Within the backoff nothing is sent, and a fresh process (same store) keeps to it.
    const again = await market.quote("SICK", "1d").catch((err: unknown) => err);
    expect(isMarketDataError(again) && again.kind).toBe("unavailable");
    const restarted = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), store, now: time.now, backoffBaseMs: 60_000 });
    await expect(restarted.quote("SICK", "1d")).rejects.toThrow(PRICES_UNAVAILABLE);
    expect(server.requests).toHaveLength(1);
    time.advance(61_000);
    expect((await restarted.quote("SICK", "1d")).price).toBe(20);
    expect(server.requests).toHaveLength(2);
  });

  it("doubles the wait on repeated failures and honours Retry-After on 429", async () => {
    server.set("BUSY", { price: 3, previousClose: 3, session: SESSION });
    const time = clock();
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), now: time.now, backoffBaseMs: 10_000 });
    server.fail(429, 1, 120);
    await expect(market.quote("BUSY", "1d")).rejects.toThrow(PRICES_UNAVAILABLE);
    time.advance(100_000);
    await expect(market.quote("BUSY", "1d")).rejects.toThrow(PRICES_UNAVAILABLE);
    expect(server.requests).toHaveLength(1);
    time.advance(21_000);
    server.fail(503, 1);
    await expect(market.quote("BUSY", "1d")).rejects.toThrow(PRICES_UNAVAILABLE);
    expect(server.requests).toHaveLength(2);
    // Second failure in a row: 2 × 10 s.
    time.advance(15_000);
    await expect(market.quote("BUSY", "1d")).rejects.toThrow(PRICES_UNAVAILABLE);
    expect(server.requests).toHaveLength(2);
    time.advance(6_000);
    expect((await market.quote("BUSY", "1d")).price).toBe(3);
  });

  it("reports prices unavailable when the source cannot be reached", async () => {
    const market = createYahooChartMarketData({ baseUrl: "http://127.0.0.1:1", fetcher: fetcher(), now: clock().now });
    expect(await priceOutcome(market, "BABA")).toEqual({ unavailable: "unavailable", message: PRICES_UNAVAILABLE });
  });

  it("goes through the SSRF guard: a private source outside the allowlist is refused", async () => {
    const guarded = createPageFetcher({ allowPrivate: [], timeoutMs: 5000, connectTimeoutMs: 2000, maxBytes: 1_000_000, userAgent: UA });
    server.set("SAFE", { price: 1, previousClose: 1, session: SESSION });
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: guarded, now: clock().now });
    await expect(market.quote("SAFE", "1d")).rejects.toThrow(PRICES_UNAVAILABLE);
    expect(server.requests).toHaveLength(0);
  });
});

describe("market state and closed days", () => {
  const session = { start: SESSION.start * 1000, end: SESSION.end * 1000 };
  const periods = { pre: { start: session.start - 3_600_000, end: session.start }, regular: session, post: { start: session.end, end: session.end + 3_600_000 } };

  it("reads open, pre, post and closed from the trading periods", () => {
    expect(marketStateAt(session.start, periods)).toBe("open");
    expect(marketStateAt(session.start - 1, periods)).toBe("pre");
    expect(marketStateAt(session.end, periods)).toBe("post");
    expect(marketStateAt(session.end + 3_600_000, periods)).toBe("closed");
    expect(marketStateAt(session.start - 7_200_000, periods)).toBe("closed");
  });

  it("computes the change against the previous close", () => {
    expect(changeAgainst(131.2, 130.7).changePct).toBeCloseTo(0.38256, 4);
    expect(changeAgainst(131.2, null)).toEqual({ change: null, changePct: null });
    expect(changeAgainst(131.2, 0)).toEqual({ change: null, changePct: null });
  });

  it("says the exchange did not trade on a weekend, and is not open yet before the session", async () => {
    // Friday's session, read on Saturday 7 March (New York).
    server.set("WKND", { price: 50, previousClose: 48, session: SESSION });
    const saturday = Date.UTC(2026, 2, 7, 16, 0);
    const market = createYahooChartMarketData({ baseUrl: server.url, fetcher: fetcher(), now: () => saturday });
    const quote = await market.quote("WKND", "1d");
    expect(quote.marketState).toBe("closed");
    expect(quote.tradedToday).toBe(false);
    expect(closedDayNote(quote, saturday)).toBe("closed_today");
    // Monday before the open: the session is later today.
    const monday = Date.UTC(2026, 2, 9, 13, 0);
    const mondaySession = { start: Date.UTC(2026, 2, 9, 13, 30), end: Date.UTC(2026, 2, 9, 20, 0) };
    expect(closedDayNote({ ...quote, regularSession: mondaySession }, monday)).toBe("pre_open");
    expect(closedDayNote({ ...quote, tradedToday: true }, monday)).toBeUndefined();
  });
});

describe("configuration", () => {
  it("defaults to Yahoo's public query host; off turns prices off; anything else must be a URL", () => {
    expect(loadConfig({}).marketData).toEqual({ baseUrl: "https://query1.finance.yahoo.com" });
    expect(loadConfig({ MARKET_DATA_URL: "off" }).marketData).toBeUndefined();
    expect(loadConfig({ MARKET_DATA_URL: "http://127.0.0.1:9999/" }).marketData).toEqual({ baseUrl: "http://127.0.0.1:9999" });
    expect(() => loadConfig({ MARKET_DATA_URL: "yahoo" })).toThrow(/MARKET_DATA_URL must be an http/);
  });
});

const FIXTURES = new URL("../../shared/fixtures/yahoo-finance2/", import.meta.url);
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) console.warn("skipping the captured chart responses: ../shared/fixtures is absent");

describe.skipIf(!haveFixtures)("captured Yahoo chart responses", () => {
  it("reads every captured chart response into a quote", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith("chart-"));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const capture = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as { response: { bodyJson: { chart: { result: unknown[] } } } };
      const raw = capture.response.bodyJson.chart.result[0] as { meta: { regularMarketPrice: number; chartPreviousClose: number; currency: string } };
      const quote: Quote = toQuote(raw as never, "1mo", Date.UTC(2025, 1, 20));
      expect(quote.price, file).toBe(raw.meta.regularMarketPrice);
      expect(quote.currency, file).toBe(raw.meta.currency);
      expect(quote.chartPreviousClose, file).toBe(raw.meta.chartPreviousClose);
      expect(quote.bars.length, file).toBeGreaterThan(0);
      expect(quote.exchangeTimeZone, file).toMatch(/^[A-Z][a-z]+\//);
    }
  });
});
