import type { BriefResult } from "./brief.ts";
import { localDay, moveSince, priceOutcome, type MarketData, type PriceOutcome } from "./market.ts";

/**
 * Where a brief's tickers are now, when the article is older than today: "now 131.20 HKD,
 * +0.38 % since". Looked up when the brief is shown, never cached with it; prices that are off,
 * failing or slow only leave the line out.
 */

/** One ticker's price now and its move since the price the article stated. */
export interface MarketNow {
  symbol: string;
  price: number;
  currency: string;
  /** From the article's stated price to `price`, in percent. */
  changePctSince: number;
  /** When `price` was set (ISO). */
  at: string;
}

/** Longest a brief waits for the prices of its tickers, all at once. */
export const MARKET_NOW_TIMEOUT_MS = 3000;
/** Tickers looked up per brief (Discord shows at most 12). */
const MAX_TICKERS = 12;

export interface MarketNowOptions {
  /** The clock (epoch ms); Date.now() unless given. */
  now?: number;
  timeoutMs?: number;
  /** The caller's own deadline (an interaction's). */
  signal?: AbortSignal;
  log?: { debug(obj: object, msg?: string): void };
}

const ZONED = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * The article's calendar day in a time zone. A date alone, or a local time without a zone, is
 * taken as the day the page states; an instant is converted.
 */
export function articleDay(publishedAt: string, timeZone: string): string | undefined {
  const stated = /^(\d{4}-\d{2}-\d{2})/.exec(publishedAt.trim());
  if (stated === null) return undefined;
  const text = publishedAt.trim();
  if (!text.includes("T") || !ZONED.test(text)) return stated[1];
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? dayIn(ms, timeZone) : stated[1];
}

function dayIn(at: number, timeZone: string): string {
  try {
    return localDay(at, timeZone || "UTC");
  } catch {
    return localDay(at, "UTC");
  }
}

/** Whether an article dated `publishedAt` is from before today in `timeZone` (UTC when unknown). */
export function isBeforeToday(publishedAt: string | undefined, timeZone: string | undefined, now: number): boolean {
  if (publishedAt === undefined) return false;
  const zone = timeZone ?? "UTC";
  const day = articleDay(publishedAt, zone);
  return day !== undefined && day < dayIn(now, zone);
}

/**
 * Whether the article can be from before today in some exchange's zone, before asking for the
 * zone: an instant must lie in the past; a stated day must be before today where the day starts
 * first (UTC+14).
 */
function possiblyBeforeToday(publishedAt: string, now: number): boolean {
  const text = publishedAt.trim();
  if (text.includes("T") && ZONED.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms < now;
  }
  return isBeforeToday(text, "Pacific/Kiritimati", now);
}

/** A stated price the current quote can be compared with. */
function statedPrices(result: BriefResult): Array<{ symbol: string; price: number; currency: string }> {
  const seen = new Set<string>();
  const out: Array<{ symbol: string; price: number; currency: string }> = [];
  for (const ticker of result.brief.tickers.slice(0, MAX_TICKERS)) {
    const move = ticker.moves[0];
    if (move === undefined || move.price === null || move.currency === null || seen.has(ticker.symbol)) continue;
    seen.add(ticker.symbol);
    out.push({ symbol: ticker.symbol, price: move.price, currency: move.currency });
  }
  return out;
}

function deadline(ms: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** Settles when the signal aborts, so a source that ignores the signal cannot hold the brief. */
function whenAborted(signal: AbortSignal): Promise<PriceOutcome> {
  return new Promise((resolve) => {
    const settle = () => resolve({ unavailable: "unavailable", message: "timed out" });
    if (signal.aborted) settle();
    else signal.addEventListener("abort", settle, { once: true });
  });
}

/**
 * The current price of each ticker whose stated move gives a price, when the article is older
 * than today in the exchange's time zone. Same currency only; never throws.
 */
export async function marketNowFor(result: BriefResult, market: MarketData | undefined, options: MarketNowOptions = {}): Promise<MarketNow[]> {
  const publishedAt = result.source.publishedAt;
  if (market === undefined || publishedAt === undefined || articleDay(publishedAt, "UTC") === undefined) return [];
  const now = options.now ?? Date.now();
  if (!possiblyBeforeToday(publishedAt, now)) return [];
  const stated = statedPrices(result);
  if (stated.length === 0) return [];
  const signal = deadline(options.timeoutMs ?? MARKET_NOW_TIMEOUT_MS, options.signal);
  const aborted = whenAborted(signal);
  const outcomes = await Promise.all(stated.map((s) => Promise.race([priceOutcome(market, s.symbol, "1d", signal), aborted])));
  const lines: MarketNow[] = [];
  stated.forEach((s, i) => {
    const outcome = outcomes[i];
    if (outcome === undefined || !("quote" in outcome)) {
      options.log?.debug({ symbol: s.symbol, reason: outcome && "message" in outcome ? outcome.message : undefined }, "no current price for the brief");
      return;
    }
    const { quote } = outcome;
    if (quote.currency !== s.currency || !isBeforeToday(publishedAt, quote.exchangeTimeZone || undefined, now)) return;
    const changePctSince = moveSince(s.price, quote);
    if (changePctSince === null || !Number.isFinite(quote.price)) return;
    lines.push({ symbol: s.symbol, price: quote.price, currency: quote.currency, changePctSince, at: quote.marketTime });
  });
  return lines;
}
