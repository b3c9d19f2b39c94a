import { UserFacingError } from "./errors.ts";

/**
 * Market data: what the market did, beside what the news said. The port (MarketData) and the
 * pure rules on its values (market state from trading periods, change against the previous
 * close, "was the exchange open today"). Adapters fill a Quote; nothing here does I/O.
 */

export const CHART_RANGES = ["1d", "5d", "1mo", "6mo", "1y", "5y"] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

export function isChartRange(value: string): value is ChartRange {
  return (CHART_RANGES as readonly string[]).includes(value);
}

/** open: regular session; pre/post: extended hours; closed: none of them. */
export type MarketState = "open" | "closed" | "pre" | "post";

/** One bar of the chart: its start (epoch ms) and close; bars without a close are dropped. */
export interface PriceBar {
  time: number;
  close: number;
}

/** A session as [start, end) in epoch ms. */
export interface TradingPeriod {
  start: number;
  end: number;
}

export interface TradingPeriods {
  pre?: TradingPeriod;
  regular?: TradingPeriod;
  post?: TradingPeriod;
}

export interface Quote {
  symbol: string;
  name?: string;
  /** Last price (the server's regularMarketPrice). */
  price: number;
  /** The previous session's close; null when the source did not give one. */
  previousClose: number | null;
  /** price − previousClose, and the same in percent of previousClose. */
  change: number | null;
  changePct: number | null;
  currency: string;
  /** Exchange as the source names it ("NYSE", "HKSE", "XETRA"). */
  exchange: string;
  /** IANA zone of the exchange ("America/New_York"); the chart's time axis is drawn in it. */
  exchangeTimeZone: string;
  dayRange: { low: number; high: number } | null;
  /** When the last price was set (ISO). */
  marketTime: string;
  marketState: MarketState;
  /** The exchange's current (or next) regular session, when the source gives it. */
  regularSession: TradingPeriod | null;
  /** False when the exchange has not traded on its current local day (weekend, holiday, before the open). */
  tradedToday: boolean;
  range: ChartRange;
  /** Bar interval asked for ("5m", "1d", "1wk"). */
  interval: string;
  /** The close before the chart's first bar: the reference of a multi-day chart. */
  chartPreviousClose: number | null;
  bars: PriceBar[];
  /** When this process read it (ISO). */
  fetchedAt: string;
}

/** Why there is no quote: the symbol has no data (unknown, delisted), or the source failed. */
export type MarketDataFailure = "no_data" | "unavailable";

export class MarketDataError extends Error {
  readonly kind: MarketDataFailure;
  readonly symbol: string;
  constructor(kind: MarketDataFailure, symbol: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MarketDataError";
    this.kind = kind;
    this.symbol = symbol;
  }
}

export function isMarketDataError(err: unknown): err is MarketDataError {
  return err instanceof MarketDataError;
}

export const PRICES_UNAVAILABLE = "Prices unavailable: the market-data source is not answering right now.";

export function noPriceData(symbol: string): string {
  return `No price data for ${symbol}: the market-data source knows no such listing (unknown or delisted symbol).`;
}

/** The market-data port. Throws MarketDataError, and nothing else for an expected failure. */
export interface MarketData {
  quote(symbol: string, range: ChartRange, signal?: AbortSignal): Promise<Quote>;
}

/** Where a quote stands in a digest or brief: a quote, or why there is none. */
export type PriceOutcome = { quote: Quote } | { unavailable: MarketDataFailure; message: string };

/** A quote for a digest or brief: failures (an abort too) become a line of text, never a failed digest. */
export async function priceOutcome(market: MarketData, symbol: string, range: ChartRange = "1d", signal?: AbortSignal): Promise<PriceOutcome> {
  try {
    return { quote: await market.quote(symbol, range, signal) };
  } catch (err) {
    if (isMarketDataError(err)) return { unavailable: err.kind, message: err.message };
    return { unavailable: "unavailable", message: PRICES_UNAVAILABLE };
  }
}

export function marketStateAt(now: number, periods: TradingPeriods): MarketState {
  const within = (p: TradingPeriod | undefined) => p !== undefined && now >= p.start && now < p.end;
  if (within(periods.regular)) return "open";
  if (within(periods.pre)) return "pre";
  if (within(periods.post)) return "post";
  return "closed";
}

export function changeAgainst(price: number, previousClose: number | null): { change: number | null; changePct: number | null } {
  if (previousClose === null || !Number.isFinite(previousClose) || previousClose === 0) return { change: null, changePct: null };
  const change = price - previousClose;
  return { change, changePct: (change / previousClose) * 100 };
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Whether the exchange traded on its current local day: the last price was set today, local time. */
export function tradedOnDay(now: number, marketTime: number, timeZone: string): boolean {
  try {
    return localDay(now, timeZone) === localDay(marketTime, timeZone);
  } catch {
    return localDay(now, "UTC") === localDay(marketTime, "UTC");
  }
}

/** What a price line says about the day when the exchange has not traded today. */
export function closedDayNote(quote: Pick<Quote, "tradedToday" | "regularSession" | "exchangeTimeZone">, now: number): "pre_open" | "closed_today" | undefined {
  if (quote.tradedToday) return undefined;
  const session = quote.regularSession;
  if (session !== null && session.start > now && tradedOnDay(now, session.start, quote.exchangeTimeZone)) return "pre_open";
  return "closed_today";
}

/** Bar interval and cache lifetime per range: intraday data for a minute, daily bars longer. */
export const RANGE_SETTINGS: Record<ChartRange, { interval: string; ttlMs: number }> = {
  "1d": { interval: "5m", ttlMs: 60_000 },
  "5d": { interval: "15m", ttlMs: 60_000 },
  "1mo": { interval: "1d", ttlMs: 15 * 60_000 },
  "6mo": { interval: "1d", ttlMs: 30 * 60_000 },
  "1y": { interval: "1d", ttlMs: 30 * 60_000 },
  "5y": { interval: "1wk", ttlMs: 60 * 60_000 },
};

/** The move from a stated price to now ("+0.4 %"), for a brief quoting an older article. */
export function moveSince(statedPrice: number, quote: Pick<Quote, "price">): number | null {
  if (!Number.isFinite(statedPrice) || statedPrice <= 0) return null;
  return ((quote.price - statedPrice) / statedPrice) * 100;
}

export interface ChartOptions {
  /** BCP 47 locale of the reader: numbers as they write them ("130,70" in German). */
  locale?: string;
  width?: number;
  height?: number;
  /** False draws no text at all (tests compare against it to prove the text is there). */
  labels?: boolean;
}

/** Panels in one compact day chart. */
export const DAY_CHART_MAX_TICKERS = 12;

/** Draws price charts as PNG images. */
export interface ChartRenderer {
  /** One quote's chart for its range: price line, previous-close reference, local time axis. */
  renderQuote(quote: Quote, options?: ChartOptions): Promise<Uint8Array>;
  /** A compact grid of several tickers' day, one small panel each. */
  renderDay(quotes: readonly Quote[], options?: ChartOptions): Promise<Uint8Array>;
}

export const PRICES_OFF = "Prices are turned off on this marketbrief (MARKET_DATA_URL=off).";

/** A quote for someone who asked for one: every expected failure becomes a UserFacingError. */
export async function quoteForUser(market: MarketData | undefined, symbol: string, range: ChartRange, signal?: AbortSignal): Promise<Quote> {
  if (market === undefined) throw new UserFacingError("unreachable", PRICES_OFF, { key: "error.pricesOff" });
  try {
    return await market.quote(symbol, range, signal);
  } catch (err) {
    if (!isMarketDataError(err)) throw err;
    throw new UserFacingError(err.kind === "no_data" ? "not_found" : "unreachable", err.message, {
      cause: err,
      key: err.kind === "no_data" ? "price.noData" : "price.unavailable",
      params: { symbol: err.symbol },
    });
  }
}
