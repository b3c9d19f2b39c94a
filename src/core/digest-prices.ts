import type { TickerDigest } from "./digest.ts";
import { PRICES_UNAVAILABLE, priceOutcome, type MarketData, type PriceOutcome } from "./market.ts";

/** The ticker's price, read beside its news; a failing source only costs the price line. Undefined when market data is off. */
export function readTickerPrice(market: MarketData | undefined, symbol: string, signal: AbortSignal | undefined): Promise<PriceOutcome> | undefined {
  return market ? priceOutcome(market, symbol, "1d", signal) : undefined;
}

/** The digest's warning when the market-data source did not answer for some ticker. */
export function pricesWarning(tickers: readonly TickerDigest[]): string | undefined {
  return tickers.some((t) => t.price !== undefined && "unavailable" in t.price && t.price.unavailable === "unavailable") ? PRICES_UNAVAILABLE : undefined;
}
