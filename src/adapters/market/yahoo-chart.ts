import type { z } from "zod";
import { createKeyedLimiter } from "../../core/limiter.ts";
import { isUserFacingError } from "../../core/errors.ts";
import {
  MarketDataError,
  noPriceData,
  PRICES_UNAVAILABLE,
  RANGE_SETTINGS,
  type ChartRange,
  type MarketData,
  type Quote,
} from "../../core/market.ts";
import type { Metrics } from "../../core/metrics.ts";
import type { PageFetcher } from "../../core/ports.ts";
import type { Store } from "../../core/store.ts";
import type { Logger } from "../../logger.ts";

import { ChartResponseSchema, toQuote } from "./yahoo-chart-response.ts";

export { toQuote } from "./yahoo-chart-response.ts";

/**
 * Market data from a Yahoo-Finance-compatible chart API:
 * `GET {base}/v8/finance/chart/{symbol}?range=…&interval=…`.
 *
 * Polite and cheap: one request per (symbol, range) however many callers ask at once
 * (coalesced), the answer kept for a while (a minute for intraday bars, longer for daily),
 * a few requests at a time, through the SSRF-guarded fetcher with its declared User-Agent.
 * A 429 or 5xx (or a network failure) starts an exponential backoff kept in the store, during
 * which no request is sent and callers get "prices unavailable" at once.
 */

export interface YahooChartOptions {
  /** MARKET_DATA_URL, e.g. https://query1.finance.yahoo.com */
  baseUrl: string;
  fetcher: PageFetcher;
  /** Keeps the backoff state across restarts (optional). */
  store?: Pick<Store, "getCached" | "putCached">;
  logger?: Logger;
  /** Counts each quote asked for by outcome: ok, cached (or joined a request in flight), backoff, failed, not_found. */
  metrics?: Pick<Metrics, "marketDataFetch">;
  now?: () => number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface MarketDataStats {
  /** HTTP requests sent. */
  requests: number;
  /** Answers served from the cache or a request already in flight. */
  shared: number;
  /** Refused at once because of the backoff. */
  backedOff: number;
  failures: number;
}

export interface YahooChartMarketData extends MarketData {
  readonly stats: MarketDataStats;
}

export const DEFAULT_MARKET_BACKOFF_BASE_MS = 30_000;
export const DEFAULT_MARKET_BACKOFF_MAX_MS = 15 * 60_000;
const BACKOFF_CACHE_KIND = "market_backoff";
const JSON_TYPES: readonly string[] = ["application/json", "text/javascript", "text/json"];


interface BackoffState {
  failures: number;
  /** Epoch ms before which no request is sent. */
  until: number;
  lastError?: string;
}

interface CacheEntry {
  quote: Quote;
  expiresAt: number;
}

export function chartUrl(baseUrl: string, symbol: string, range: ChartRange): string {
  const { interval } = RANGE_SETTINGS[range];
  const base = baseUrl.replace(/\/+$/, "");
  return `${base}/v8/finance/chart/${encodeURIComponent(symbol)}?range=${range}&interval=${interval}&includePrePost=false`;
}

export function createYahooChartMarketData(options: YahooChartOptions): YahooChartMarketData {
  const now = options.now ?? Date.now;
  const limiter = createKeyedLimiter({ concurrency: options.concurrency ?? 4 });
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_MARKET_BACKOFF_BASE_MS;
  const backoffMaxMs = options.backoffMaxMs ?? DEFAULT_MARKET_BACKOFF_MAX_MS;
  const backoffKey = options.baseUrl.replace(/\/+$/, "");
  const stats: MarketDataStats = { requests: 0, shared: 0, backedOff: 0, failures: 0 };
  const counted = (status: "ok" | "cached" | "backoff" | "failed" | "not_found") => options.metrics?.marketDataFetch(status);
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<Quote>>();
  let backoff: BackoffState | undefined;
  let backoffLoaded: Promise<void> | undefined;

  function loadBackoff(): Promise<void> {
    backoffLoaded ??= (async () => {
      const stored = await options.store?.getCached(BACKOFF_CACHE_KIND, backoffKey).catch(() => undefined);
      if (stored === undefined) return;
      try {
        const parsed = JSON.parse(stored) as BackoffState;
        if (typeof parsed.failures === "number" && typeof parsed.until === "number") backoff ??= parsed;
      } catch {
        // A corrupt entry is no backoff.
      }
    })();
    return backoffLoaded;
  }

  async function saveBackoff(): Promise<void> {
    await options.store
      ?.putCached(BACKOFF_CACHE_KIND, backoffKey, JSON.stringify(backoff ?? { failures: 0, until: 0 }))
      .catch((err: unknown) => options.logger?.warn({ err }, "market data: could not keep the backoff state"));
  }

  async function fail(symbol: string, reason: string, retryAfterMs: number | undefined): Promise<never> {
    const failures = (backoff?.failures ?? 0) + 1;
    const waitMs = Math.max(retryAfterMs ?? 0, Math.min(backoffBaseMs * 2 ** (failures - 1), backoffMaxMs));
    backoff = { failures, until: now() + waitMs, lastError: reason };
    stats.failures += 1;
    counted("failed");
    options.logger?.warn({ symbol, failures, waitMs, reason }, "market data unavailable; backing off");
    await saveBackoff();
    throw new MarketDataError("unavailable", symbol, PRICES_UNAVAILABLE);
  }

  async function request(symbol: string, range: ChartRange, signal: AbortSignal | undefined): Promise<Quote> {
    await loadBackoff();
    if (backoff !== undefined && backoff.until > now()) {
      stats.backedOff += 1;
      counted("backoff");
      throw new MarketDataError("unavailable", symbol, PRICES_UNAVAILABLE);
    }
    const url = chartUrl(options.baseUrl, symbol, range);
    let body: string;
    try {
      const page = await limiter.run(
        "*",
        () => {
          stats.requests += 1;
          return options.fetcher.fetch(url, { accept: JSON_TYPES, ...(signal ? { signal } : {}) });
        },
        signal,
      );
      body = page.body;
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason;
      const status = failedStatus(err);
      // Yahoo answers an unknown or delisted symbol with 404 ("No data found, symbol may be delisted").
      if (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408) {
        counted("not_found");
        throw new MarketDataError("no_data", symbol, noPriceData(symbol));
      }
      const reason = isUserFacingError(err) ? err.message : (err as Error).message;
      return fail(symbol, reason, status === 429 ? retryAfterMs(err) : undefined);
    }
    if (backoff !== undefined) {
      backoff = undefined;
      await saveBackoff();
    }
    let parsed: z.infer<typeof ChartResponseSchema>;
    try {
      parsed = ChartResponseSchema.parse(JSON.parse(body));
    } catch (err) {
      options.logger?.warn({ symbol, err }, "market data: unexpected chart response");
      counted("failed");
      throw new MarketDataError("unavailable", symbol, PRICES_UNAVAILABLE, { cause: err });
    }
    const result = parsed.chart.result?.[0];
    if (result === undefined || result.meta.regularMarketPrice == null) {
      counted("not_found");
      throw new MarketDataError("no_data", symbol, noPriceData(symbol));
    }
    counted("ok");
    return toQuote(result, range, now());
  }

  return {
    stats,
    quote(rawSymbol, range, signal) {
      const symbol = rawSymbol.trim().toUpperCase();
      const key = `${symbol}|${range}`;
      const cached = cache.get(key);
      if (cached !== undefined && cached.expiresAt > now()) {
        stats.shared += 1;
        counted("cached");
        return Promise.resolve(cached.quote);
      }
      const running = inFlight.get(key);
      if (running !== undefined) {
        stats.shared += 1;
        counted("cached");
        return running;
      }
      // The shared request is not tied to the first caller's signal: others may still want it.
      const task = request(symbol, range, undefined)
        .then((quote) => {
          cache.set(key, { quote, expiresAt: now() + RANGE_SETTINGS[range].ttlMs });
          return quote;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, task);
      return signal === undefined ? task : abortable(task, signal);
    },
  };
}

function abortable<T>(task: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    task.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** The HTTP status of a failed fetch, from the guarded fetcher's error. */
function failedStatus(err: unknown): number | undefined {
  if (!isUserFacingError(err)) return undefined;
  if (err.code === "rate_limited") return 429;
  if (err.code !== "http_status") return undefined;
  const match = /HTTP (\d{3})/.exec(err.message);
  return match ? Number(match[1]) : undefined;
}

function retryAfterMs(err: unknown): number | undefined {
  const match = /in (\d+(?:\.\d+)?) s\b/.exec((err as Error).message);
  return match ? Number(match[1]) * 1000 : undefined;
}
