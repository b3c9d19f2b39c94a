/**
 * Briefs of older articles say where the stock is now ("now 131.20 HKD, +0.38 % since"): the
 * real Yahoo-chart adapter through the SSRF guard against the local chart server, and the real
 * CLI. Days come from an injected clock; the CLI (a child process) reads fixtures dated long ago.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { createYahooChartMarketData } from "../src/adapters/market/yahoo-chart.ts";
import { loadConfig } from "../src/config.ts";
import type { BriefResult } from "../src/core/brief.ts";
import { articleDay, isBeforeToday, marketNowFor } from "../src/core/brief-market-now.ts";
import type { MarketData } from "../src/core/market.ts";
import { startChartServer, type ChartListing, type ChartServer } from "./support/chart-server.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { runCli } from "./support/run-cli.ts";
import { EMBED_LIMITS, embedLength, renderBriefEmbeds } from "../src/discord/render-brief.ts";
import { articleHtml } from "./fixtures/alibaba-dated-article.ts";

// Monday 9 March 2026, 12:00 in Hong Kong (04:00 UTC): the injected "now".
const NOW = Date.UTC(2026, 2, 9, 4, 0);
const SESSION = { start: Date.UTC(2026, 2, 9, 1, 30) / 1000, end: Date.UTC(2026, 2, 9, 8, 0) / 1000 };
const HK: ChartListing = { price: 131.2, previousClose: 130.1, session: SESSION, currency: "HKD", exchange: "HKSE", timeZone: "Asia/Hong_Kong" };

let dir: string;
let chart: ChartServer;

function marketFor(baseUrl: string): MarketData {
  const { fetch } = loadConfig({ FETCH_ALLOW_PRIVATE: "127.0.0.1" });
  return createYahooChartMarketData({ baseUrl, fetcher: createPageFetcher(fetch), backoffBaseMs: 1 });
}

function briefOf(publishedAt: string | undefined, tickers: BriefResult["brief"]["tickers"]): BriefResult {
  return {
    source: { title: "Alibaba-Aktie springt an", language: "de", ...(publishedAt !== undefined ? { publishedAt } : {}) },
    brief: { headline: "Alibaba rises", keyPoints: [{ text: "Alibaba rose.", evidence: "Alibaba stieg." }], tickers, whyItMatters: "Cloud growth." },
    language: "en",
    engine: "extractive",
    cached: false,
    warnings: [],
  };
}

const ALIBABA_HK = [{ symbol: "9988.HK", name: "Alibaba Group Holding Limited", sentiment: "bullish" as const, moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] }];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-market-now-"));
  chart = await startChartServer();
  chart.set("9988.HK", HK);
});

afterAll(async () => {
  await chart?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the article's day", () => {
  it("is the stated day for a date alone or a local time, and the exchange's day for an instant", () => {
    expect(articleDay("2026-03-06", "Asia/Hong_Kong")).toBe("2026-03-06");
    expect(articleDay("2026-03-06T23:30:00", "Asia/Hong_Kong")).toBe("2026-03-06");
    expect(articleDay("2026-03-08T23:30:00Z", "Asia/Hong_Kong")).toBe("2026-03-09");
    expect(articleDay("2026-03-09T07:30:00+08:00", "America/New_York")).toBe("2026-03-08");
    expect(articleDay("last Friday", "UTC")).toBeUndefined();
  });

  it("is before today in the exchange's zone, or in UTC when the zone is unknown", () => {
    // 23:30 UTC on Sunday is Monday morning in Hong Kong: today there, yesterday in UTC.
    expect(isBeforeToday("2026-03-08T23:30:00Z", "Asia/Hong_Kong", NOW)).toBe(false);
    expect(isBeforeToday("2026-03-08T23:30:00Z", undefined, NOW)).toBe(true);
    expect(isBeforeToday("2026-03-08T23:30:00Z", "Not/A_Zone", NOW)).toBe(true);
    expect(isBeforeToday("2026-03-09", "UTC", NOW)).toBe(false);
    expect(isBeforeToday(undefined, "UTC", NOW)).toBe(false);
  });
});

describe("the line in Discord", () => {
  it("goes under its own ticker's move only, and many tickers stay within Discord's limits", () => {
    const tickers = Array.from({ length: 14 }, (_, i) => ({
      symbol: `${1000 + i}.HK`,
      name: `Company number ${i} with a rather long registered name Holdings Limited`,
      sentiment: "neutral" as const,
      moves: [{ price: 10 + i, currency: "HKD", changePct: 1.5 }],
    }));
    const marketNow = tickers.map((t, i) => ({ symbol: t.symbol, price: 11 + i, currency: "HKD", changePctSince: (100 * 1) / (10 + i), at: new Date(NOW).toISOString() }));
    const [embed] = renderBriefEmbeds(briefOf("2026-03-06", tickers), { language: "de", marketNow: marketNow.slice(1) });
    const field = embed?.fields?.find((f) => f.name === "Werte")?.value ?? "";
    expect(field.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(embedLength(embed ?? {})).toBeLessThanOrEqual(EMBED_LIMITS.totalPerMessage);
    expect(field).toMatch(/\*\*1000\.HK\*\* [^\n]+ · \+1,50 % bei 10,00 HKD\n.*\*\*1001\.HK\*\*/);
    expect(field).toMatch(/\*\*1001\.HK\*\* [^\n]+ · \+1,50 % bei 11,00 HKD\n↳ jetzt 12,00 HKD, \+9,09 % seitdem\n/);
    expect(field).toMatch(/…und \d+ weitere$/);
  });
});

describe("marketNowFor against the chart server", () => {
  it("gives the price now and the move since the stated price for an older article", async () => {
    const before = chart.requests.length;
    const market = marketFor(chart.url);
    const lines = await marketNowFor(briefOf("2026-03-06T10:15:00+08:00", ALIBABA_HK), market, { now: NOW });
    expect(chart.requests.slice(before).map((r) => [r.symbol, r.range])).toEqual([["9988.HK", "1d"]]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ symbol: "9988.HK", price: 131.2, currency: "HKD" });
    expect(lines[0]?.changePctSince).toBeCloseTo(((131.2 - 130.7) / 130.7) * 100, 10);
    // When the price was set: the quote's own time (from the adapter's cache, no second request).
    expect(lines[0]?.at).toBe((await market.quote("9988.HK", "1d")).marketTime);
  });

  it("gives nothing for an article from today in the exchange's zone, even when it is yesterday in UTC", async () => {
    const lines = await marketNowFor(briefOf("2026-03-08T23:30:00Z", ALIBABA_HK), marketFor(chart.url), { now: NOW });
    expect(lines).toEqual([]);
  });

  it("gives nothing for an article from earlier today, in Hong Kong and in UTC", async () => {
    // 03:00 UTC could still be yesterday on some exchange (New York): the quote's zone decides.
    expect(await marketNowFor(briefOf("2026-03-09T11:00:00+08:00", ALIBABA_HK), marketFor(chart.url), { now: NOW })).toEqual([]);
  });

  it("asks nothing for an article dated today or later, without a date, or with prices off", async () => {
    const before = chart.requests.length;
    const market = marketFor(chart.url);
    expect(await marketNowFor(briefOf("2026-03-09", ALIBABA_HK), market, { now: NOW })).toEqual([]);
    expect(await marketNowFor(briefOf("2026-03-09T05:00:00Z", ALIBABA_HK), market, { now: NOW })).toEqual([]);
    expect(await marketNowFor(briefOf(undefined, ALIBABA_HK), market, { now: NOW })).toEqual([]);
    expect(await marketNowFor(briefOf("2026-03-06", ALIBABA_HK), undefined, { now: NOW })).toEqual([]);
    expect(chart.requests.length).toBe(before);
  });

  it("skips a ticker whose stated price is in another currency or missing", async () => {
    const tickers = [
      { symbol: "9988.HK", name: "Alibaba Group Holding Limited", sentiment: "bullish" as const, moves: [{ price: 17.2, currency: "USD", changePct: 3.48 }] },
      { symbol: "BABA", name: "Alibaba Group Holding Limited", sentiment: "bullish" as const, moves: [{ price: null, currency: null, changePct: 2.1 }] },
    ];
    expect(await marketNowFor(briefOf("2026-03-06", tickers), marketFor(chart.url), { now: NOW })).toEqual([]);
  });

  it("leaves the line out when the source answers 500", async () => {
    const failing = await startChartServer();
    try {
      failing.set("9988.HK", HK);
      failing.fail(500);
      expect(await marketNowFor(briefOf("2026-03-06", ALIBABA_HK), marketFor(failing.url), { now: NOW })).toEqual([]);
      expect(failing.requests.map((r) => r.status)).toEqual([500]);
    } finally {
      await failing.close();
    }
  });

  it("stops waiting for a source that does not answer", async () => {
    const silent: TestServer = await startTestServer({ "/v8/finance/chart/9988.HK": () => {} });
    try {
      const lines = await marketNowFor(briefOf("2026-03-06", ALIBABA_HK), marketFor(silent.url), { now: NOW, timeoutMs: 200 });
      expect(lines).toEqual([]);
      expect(silent.requests.map((r) => r.path)).toEqual(["/v8/finance/chart/9988.HK"]);
    } finally {
      await silent.close();
    }
  });
});

function env(chartUrl: string, db: string): Record<string, string> {
  return { MARKET_DATA_URL: chartUrl, FETCH_ALLOW_PRIVATE: "127.0.0.1", DATABASE_URL: `sqlite:${join(dir, db)}` };
}

describe("marketbrief summarize with prices", () => {
  // Dated long before any run of this test: older than today whatever the wall clock says.
  const OLD = "2026-03-06T10:15:00+08:00";

  it("adds marketNow beside the brief for an older article, priced at run time (the cached brief unchanged)", async () => {
    const file = join(dir, "old.html");
    writeFileSync(file, articleHtml(OLD));
    const first = await runCli(["summarize", file, "--json"], { env: env(chart.url, "cli.db") });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.brief.tickers[0]).toMatchObject({ symbol: "9988.HK", moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] });
    expect(out.marketNow).toHaveLength(1);
    expect(out.marketNow[0]).toMatchObject({ symbol: "9988.HK", price: 131.2, currency: "HKD" });
    expect(out.marketNow[0].changePctSince).toBeCloseTo(0.3826, 4);
    expect(Date.parse(out.marketNow[0].at)).toBeGreaterThan(0);
    expect(out.brief.marketNow).toBeUndefined();

    chart.set("9988.HK", { ...HK, price: 128 });
    try {
      const text = await runCli(["summarize", file], { env: env(chart.url, "cli.db") });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/9988\.HK +Alibaba Group Holding Limited \(bullish\) +\+3\.48 % at 130\.70 HKD\n +now 128\.00 HKD, -2\.07 % since\n/);
      expect(text.stdout).toContain(", cached.");
    } finally {
      chart.set("9988.HK", HK);
    }
  });

  it("keeps the brief and leaves marketNow empty when the chart server answers 500", async () => {
    const failing = await startChartServer();
    try {
      failing.set("9988.HK", HK);
      failing.fail(500);
      const file = join(dir, "old-500.html");
      writeFileSync(file, articleHtml(OLD));
      const run = await runCli(["summarize", file, "--json"], { env: env(failing.url, "cli-500.db") });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(out.brief.tickers.map((t: { symbol: string }) => t.symbol)).toEqual(["9988.HK"]);
      expect(out.marketNow).toEqual([]);
      expect(failing.requests.map((r) => r.status)).toEqual([500]);
    } finally {
      await failing.close();
    }
  });
});
