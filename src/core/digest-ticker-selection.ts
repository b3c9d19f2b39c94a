import type { Digest } from "./digest.ts";

/** The TickerDigests of `symbols` out of a digest built for more tickers, with their warnings. */
export function selectTickers(digest: Digest, symbols: readonly string[]): Digest {
  const wanted = new Set(symbols.map((s) => s.toUpperCase()));
  const others = new Set(digest.tickers.map((t) => t.symbol).filter((s) => !wanted.has(s.toUpperCase())));
  return {
    ...digest,
    tickers: digest.tickers.filter((t) => wanted.has(t.symbol.toUpperCase())),
    warnings: digest.warnings.filter((w) => !others.has(w.slice(0, w.indexOf(": ")))),
  };
}
