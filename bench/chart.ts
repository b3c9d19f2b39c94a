/**
 * Chart rendering: a /quote chart (800×400, a day of 5-minute bars) and the digest's compact
 * day chart (10 tickers), median and p95 ms (target: a quote chart under 50 ms), and memory.
 * Run: npx node bench/chart.ts
 */
import { pathToFileURL } from "node:url";
import { createChartRenderer } from "../src/adapters/chart/price-chart.ts";
import type { Quote } from "../src/core/market.ts";
import { seededRandom } from "./lib/seeded-random.ts";
import { formatRows, percentile, round, type BenchRow } from "./lib/table.ts";

const START = Date.UTC(2026, 2, 6, 14, 30);

function sampleQuote(symbol: string, random: () => number): Quote {
  let price = 100 + random() * 50;
  const previousClose = price;
  const bars = Array.from({ length: 78 }, (_, i) => {
    price *= 1 + (random() - 0.5) * 0.004;
    return { time: START + i * 300_000, close: price };
  });
  const change = price - previousClose;
  return {
    symbol, name: `${symbol} Holdings`, price, previousClose, change, changePct: (change / previousClose) * 100, currency: "USD", exchange: "NYSE",
    exchangeTimeZone: "America/New_York", dayRange: { low: Math.min(...bars.map((b) => b.close)), high: Math.max(...bars.map((b) => b.close)) },
    marketTime: new Date(START + 77 * 300_000).toISOString(), marketState: "open", regularSession: { start: START, end: START + 6.5 * 3_600_000 },
    tradedToday: true, range: "1d", interval: "5m", chartPreviousClose: previousClose, bars, fetchedAt: new Date(START).toISOString(),
  };
}

const mb = (bytes: number) => round(bytes / 1_048_576, 1);

export async function runChartBench(options: { quoteCharts?: number; dayCharts?: number } = {}): Promise<BenchRow[]> {
  const random = seededRandom(12);
  const quotes = Array.from({ length: 20 }, (_, i) => sampleQuote(`T${i}`, random));
  const charts = createChartRenderer();
  const rssBefore = process.memoryUsage().rss;
  const firstStart = performance.now();
  await charts.renderQuote(quotes[0] as Quote, { locale: "de" });
  const first = performance.now() - firstStart;
  let peak = process.memoryUsage().rss;
  const quoteTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < (options.quoteCharts ?? 300); i++) {
    const started = performance.now();
    const png = await charts.renderQuote(quotes[i % quotes.length] as Quote, { locale: i % 2 === 0 ? "en-US" : "de" });
    quoteTimes.push(performance.now() - started);
    bytes += png.byteLength;
    if (i % 25 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const dayTimes: number[] = [];
  let dayBytes = 0;
  for (let i = 0; i < (options.dayCharts ?? 60); i++) {
    const started = performance.now();
    const png = await charts.renderDay(quotes.slice(i % 10, (i % 10) + 10));
    dayTimes.push(performance.now() - started);
    dayBytes += png.byteLength;
    if (i % 10 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  quoteTimes.sort((a, b) => a - b);
  dayTimes.sort((a, b) => a - b);
  const median = percentile(quoteTimes, 50);
  return [
    { metric: "first chart (loads canvas + font)", value: round(first), unit: "ms", target: "", pass: "" },
    { metric: "quote chart 800x400, median", value: round(median), unit: "ms", target: "< 50", pass: median < 50 },
    { metric: "quote chart p95", value: round(percentile(quoteTimes, 95)), unit: "ms", target: "", pass: "" },
    { metric: "quote chart PNG size, mean", value: round(bytes / quoteTimes.length / 1024), unit: "KiB", target: "", pass: "" },
    { metric: "digest day chart (10 tickers, 900x520), median", value: round(percentile(dayTimes, 50)), unit: "ms", target: "", pass: "" },
    { metric: "digest day chart p95", value: round(percentile(dayTimes, 95)), unit: "ms", target: "", pass: "" },
    { metric: "digest day chart PNG size, mean", value: round(dayBytes / dayTimes.length / 1024), unit: "KiB", target: "< 10240 (Discord)", pass: dayBytes / dayTimes.length < 10 * 1_048_576 },
    { metric: "RSS before the first chart", value: mb(rssBefore), unit: "MB", target: "", pass: "" },
    { metric: "RSS growth, peak while rendering", value: mb(peak - rssBefore), unit: "MB", target: "", pass: "" },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatRows(await runChartBench())}\n`);
}
