/**
 * Market-data requests at scale: the real digest builder with the Yahoo chart adapter (through
 * the SSRF guard) against a local chart server: one digest of 1,000 tickers, then 10,000
 * channels' digests of 5 of those tickers each. Target: one request per ticker.
 * Feeds are empty here: this counts the price requests only (digest-scale measures the news side).
 * Run: npx node bench/market-data.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { createYahooChartMarketData } from "../src/adapters/market/yahoo-chart.ts";
import { openStore } from "../src/adapters/store/open-store.ts";
import { createDigestBuilder } from "../src/core/digest-builder.ts";
import type { SymbolDirectory, SymbolEntry } from "../src/core/ports.ts";
import type { Summarizer } from "../src/core/summarize.ts";
import { startChartServer } from "../test/support/chart-server.ts";
import { seededRandom } from "./lib/seeded-random.ts";
import { formatRows, round, type BenchRow } from "./lib/table.ts";

/** A directory of generated listings (T0000…T0999). */
function directoryOf(entries: SymbolEntry[]): SymbolDirectory {
  const bySymbol = new Map(entries.map((e) => [e.symbol, e]));
  return { get: (s) => bySymbol.get(s.toUpperCase()), findInText: () => [], search: () => [], company: () => [], size: entries.length };
}

export async function runMarketDataBench(options: { tickers?: number; channels?: number; perChannel?: number } = {}): Promise<BenchRow[]> {
  const tickerCount = options.tickers ?? 1_000;
  const channelCount = options.channels ?? 10_000;
  const perChannel = options.perChannel ?? 5;
  const random = seededRandom(7);
  const server = await startChartServer();
  const session = { start: Date.UTC(2026, 2, 6, 14, 30) / 1000, end: Date.UTC(2026, 2, 6, 21, 0) / 1000 };
  const entries: SymbolEntry[] = Array.from({ length: tickerCount }, (_, i) => {
    const symbol = `T${String(i).padStart(4, "0")}`;
    server.set(symbol, { price: 50 + random() * 100, previousClose: 50 + random() * 100, session });
    return { symbol, name: `${symbol} Corp`, exchange: "NYSE", country: "US", currency: "USD", aliases: [] };
  });
  const dir = mkdtempSync(join(tmpdir(), "mb-bench-market-"));
  const store = await openStore({ kind: "sqlite", path: join(dir, "bench.db") });
  const fetcher = createPageFetcher({ allowPrivate: ["127.0.0.1"], timeoutMs: 10_000, connectTimeoutMs: 2_000, maxBytes: 1_000_000, userAgent: "marketbrief-bench" });
  const market = createYahooChartMarketData({ baseUrl: server.url, fetcher, store });
  const unused: Summarizer = {
    summarize: () => Promise.reject(new Error("no stories in this benchmark")),
    loadArticle: () => Promise.reject(new Error("no stories in this benchmark")),
  };
  const builder = createDigestBuilder({
    symbols: directoryOf(entries),
    store,
    summarizer: unused,
    feeds: { fetchFeed: (url) => Promise.resolve({ url, items: [], status: "fresh" }) },
    feedUrls: () => [],
    market,
  });
  const now = new Date();
  const since = new Date(now.getTime() - 86_400_000);
  try {
    const started = performance.now();
    const all = await builder.build({ symbols: entries.map((e) => e.symbol), since, language: "en", now });
    const firstMs = performance.now() - started;
    const priced = all.tickers.filter((t) => t.price !== undefined && "quote" in t.price).length;
    const afterFirst = server.requests.length;
    const channelsStarted = performance.now();
    let next = 0;
    let channelPriced = 0;
    const worker = async () => {
      while (next < channelCount) {
        next++;
        const symbols = Array.from({ length: perChannel }, () => entries[Math.floor(random() * tickerCount)]?.symbol ?? "T0000");
        const digest = await builder.build({ symbols: [...new Set(symbols)], since, language: "en", now });
        channelPriced += digest.tickers.filter((t) => t.price !== undefined && "quote" in t.price).length;
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    const channelsMs = performance.now() - channelsStarted;
    const total = server.requests.length;
    return [
      { metric: "tickers", value: tickerCount, unit: "", target: "", pass: "" },
      { metric: "digest of all tickers: requests", value: afterFirst, unit: "req", target: `= ${tickerCount}`, pass: afterFirst === tickerCount },
      { metric: "digest of all tickers: priced tickers", value: priced, unit: "", target: `= ${tickerCount}`, pass: priced === tickerCount },
      { metric: "digest of all tickers: wall time", value: round(firstMs / 1000, 2), unit: "s", target: "", pass: "" },
      { metric: `then ${channelCount} channels x ${perChannel}: new requests`, value: total - afterFirst, unit: "req", target: "= 0 (cached)", pass: total === afterFirst },
      { metric: "channels: priced ticker lines", value: channelPriced, unit: "", target: "", pass: "" },
      { metric: "channels: wall time", value: round(channelsMs / 1000, 2), unit: "s", target: "", pass: "" },
      { metric: "requests per ticker, overall", value: round(total / tickerCount, 2), unit: "req", target: "1", pass: total === tickerCount },
    ];
  } finally {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatRows(await runMarketDataBench())}\n`);
}
