import { UserFacingError } from "./errors.ts";
import type { SymbolDirectory } from "./ports.ts";

/** What a listing symbol looks like at a Yahoo-compatible source: BABA, 9988.HK, BRK-B, ^GSPC, EURUSD=X. */
const SYMBOL_SHAPE = /^\^?[A-Z0-9][A-Z0-9.\-=]{0,19}$/i;

/** The text of a ticker option: an autocomplete label pasted as text still names its symbol first. */
export function tickerText(raw: string): string {
  const text = raw.trim();
  return text.includes(" — ") ? (text.split(" — ")[0] ?? text).trim() : text;
}

/**
 * The listing symbol a "symbol or company" input names: a directory symbol, a symbol-shaped
 * text the market-data source may still know, or the company the directory finds by name.
 */
export function quoteSymbol(symbols: SymbolDirectory, raw: string): string {
  const text = tickerText(raw);
  const known = symbols.get(text);
  if (known !== undefined) return known.symbol;
  // A company's name ("alibaba") before a symbol-shaped guess ("ALIBABA").
  const company = symbols.company(text)[0];
  if (company !== undefined) return company.symbol;
  if (SYMBOL_SHAPE.test(text)) return text.toUpperCase();
  const best = symbols.search(text, 1)[0];
  if (best !== undefined) return best.symbol;
  throw new UserFacingError(
    "invalid_input",
    `Unknown symbol or company "${text.slice(0, 40)}". Use a listing's symbol (e.g. BABA, 9988.HK, SAP.DE) or pick one from the list as you type.`,
    { key: "error.unknownQuote", params: { symbol: text.slice(0, 40) } },
  );
}
