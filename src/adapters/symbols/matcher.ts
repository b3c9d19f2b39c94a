/**
 * Finding listed companies in news text: explicit tickers ("(NYSE: BABA)", "$AAPL") and company
 * names, matched token by token against the directory's name keys and curated brands.
 */
import type { SymbolMatch } from "../../core/ports.ts";
import { MARKET_INDEX_PATTERN } from "../../core/price-moves.ts";
import { foldForMatching } from "../../core/fold.ts";
import { createListingChooser } from "./listing-choice.ts";
import type { Listings } from "./listings.ts";
import { KeyIndex } from "./name-key-index.ts";

// Acronyms and words that look like tickers or short names in news text.
const ACRONYMS = new Set([
  "AG", "AI", "KI", "CEO", "CFO", "CTO", "COO", "CIO", "USA", "US", "UK", "EU", "EZB", "ECB", "FED", "IWF", "IMF",
  "IT", "IPO", "ETF", "ETFs", "GDP", "BIP", "OPEC", "NATO", "UN", "UNO", "WHO", "CNBC", "BBC", "CNN", "ARD", "ZDF",
  "DPA", "AFP", "SEC", "FDA", "FBI", "CIA", "NYSE", "HK", "HKEX", "PR", "TV", "PC", "API", "APP", "EV", "EVs",
  "SUV", "CPU", "GPU", "SE", "OTC", "ADR", "ADRs", "ISIN", "WKN", "KGV", "EPS", "ROI", "ESG", "NEW", "THE", "AND",
  "FOR", "DAS", "DIE", "DER", "UND", "VON", "MIT", "IN", "ON", "OF", "TO", "AT", "BY", "OR", "AN", "IS", "IT",
  "USD", "EUR", "HKD", "GBP", "CHF", "JPY", "CNY", "RMB", "CAD", "AUD", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "YTD",
  "GmbH", "LLM", "LLMs", "ML", "AR", "VR", "XR", "IoT", "SaaS", "DIY", "OK", "CO", "PS", "AM", "PM", "ID", "DNA",
  "RNA", "GPS", "HR", "NGO", "PDF", "AP", "UPI", "AFX", "DJ", "RTRS", "WSJ", "FT", "NYT", "ANSA", "SDA", "APA",
]);

const TICKER_CONTEXT =
  /(?:\((?:(?<ex>NYSE|NASDAQ|Nasdaq|NasdaqGS|NASDAQGS|OTC|OTCQX|OTCMKTS|HKEX|HKG|SEHK|HK|ETR|XETRA|FRA|LSE|LON|TSE|TYO|ASX|TSX|SIX|SWX|EPA|AMS|BIT|BME)\s*:\s*)?(?<paren>[A-Z0-9][A-Z0-9.-]{0,9})\)|\b(?<ex2>NYSE|NASDAQ|Nasdaq|OTC|HKEX|HKG|SEHK|ETR|XETRA|LSE|LON|TSX|ASX|TYO)\s*:\s*(?<sym>[A-Z0-9][A-Z0-9.-]{0,9})\b|(?<![\w$])\$(?<cash>[A-Z]{1,5})\b)/gu;

const CUE_AFTER = new Set([
  "aktie", "aktien", "ag", "se", "inc", "corp", "corporation", "konzern", "group", "gruppe", "shares", "stock",
  "plc", "ltd", "papiere", "titel", "chef", "ceo", "holding",
]);

// Lower-case words inside a company name: "Bank of America", "Moët et Chandon".
const NAME_PARTICLES = new Set(["of", "and", "de", "der", "la", "le", "du", "des", "und", "the", "for", "y", "e", "di", "et", "van", "von", "am", "im", "s"]);

const CUE_BEFORE = new Set([
  "konzern", "versicherer", "autobauer", "hersteller", "chipkonzern", "chiphersteller", "zulieferer", "dax-konzern",
  "company", "firm", "insurer", "carrier", "retailer", "maker", "chipmaker", "lender", "bank", "rivale", "rival",
]);

// Suffixes of German inflection and English genitive after a name: "Alibabas", "Apple's".
const GENITIVE = /^(.{3,})s$/u;

interface TextToken {
  raw: string;
  folded: string;
  start: number;
  end: number;
}

interface Found {
  groups: number[];
  matched: string;
  index: number;
  symbol?: number;
  cluster?: number;
}

export type FindInText = (text: string, options?: { preferCurrencies?: readonly string[] }) => SymbolMatch[];

/** The name matcher over the listings' name keys and the curated brands. */
export function createNameMatcher(listings: Listings): FindInText {
  const keys = new KeyIndex();
  keys.fill(listings);
  const chooseListing = createListingChooser(listings);
  const { bySymbol } = listings;

  return (text, options) => {
    const prefer = options?.preferCurrencies?.map((c) => c.toUpperCase());
    const found = new Map<number, Found>();
    const note = (groups: number[], matched: string, index: number, symbol?: number, cluster?: number) => {
      const key = groups[0] ?? -1;
      const known = [...found.entries()].find(([, v]) => v.groups.some((g) => groups.includes(g)));
      if (known) {
        const value = known[1];
        if (symbol !== undefined && value.symbol === undefined) value.symbol = symbol;
        if (cluster !== undefined && value.cluster === undefined) value.cluster = cluster;
        if (index < value.index) {
          value.index = index;
          value.matched = matched;
        }
        return;
      }
      const value: Found = { groups, matched, index };
      if (symbol !== undefined) value.symbol = symbol;
      if (cluster !== undefined) value.cluster = cluster;
      found.set(key, value);
    };

    // Explicit tickers: "(BABA)", "(NYSE: BABA)", "NASDAQ: MSFT", "$AAPL", "(9988.HK)", "(HKG: 9988)".
    for (const m of text.matchAll(TICKER_CONTEXT)) {
      const g = m.groups ?? {};
      const exchange = g["ex"] ?? g["ex2"];
      let raw = g["paren"] ?? g["sym"] ?? g["cash"] ?? "";
      if (exchange && /^(?:HKEX|HKG|SEHK|HK)$/.test(exchange) && /^\d{1,5}$/.test(raw)) raw = `${raw.padStart(4, "0").slice(-4)}.HK`;
      if (!exchange && g["paren"] !== undefined && !/^\d{4}\.HK$/.test(raw)) {
        // A bare "(XYZ)" is a ticker only right after a name: "Lowe's (LOW)", not "WASHINGTON (AP)".
        const before = text.slice(Math.max(0, m.index - 40), m.index);
        if (raw.length < 2 || ACRONYMS.has(raw) || !/[A-Z]/.test(raw)) continue;
        if (!/[\p{Ll}\d'’.]\s*$/u.test(before) && !/\p{Lu}\p{Ll}+[\s'’s]*$/u.test(before)) continue;
      }
      const i = bySymbol.get(raw.toUpperCase());
      if (i === undefined) continue;
      note([listings.group[i] ?? i], m[0], m.index, i);
    }

    const tokens = tokenize(text);
    const blocked = blockedByIndices(text);
    for (let t = 0; t < tokens.length; t += 1) {
      const token = tokens[t];
      if (!token || blocked(token.start)) continue;
      const lowerStart = !/^[\p{Lu}\p{N}]/u.test(token.raw);
      const hit = longestKey(keys.phrases, text, tokens, t);
      if (!hit) continue;
      const first = tokens[t];
      const last = tokens[hit.end - 1];
      if (!first || !last) continue;
      const info = keys.info(hit.key);
      if (lowerStart && !info.forms?.has(first.raw)) continue;
      if (!tokens.slice(t + 1, hit.end).every((x) => /^[\p{Lu}\p{N}]/u.test(x.raw) || NAME_PARTICLES.has(x.raw))) continue;
      if (info.exact !== undefined && (first.raw !== info.exact || hit.end - t !== 1)) continue;
      if (hit.end - t === 1 && ACRONYMS.has(first.raw)) continue;
      const ownsSymbol = (raw: string) => {
        const i = bySymbol.get(raw.toUpperCase());
        return i !== undefined && info.groups.includes(listings.group[i] ?? -1);
      };
      if (info.needsCue && !hasCompanyCue(text, tokens, t, hit.end, ownsSymbol)) continue;
      const matched = text.slice(first.start, hit.genitive ? last.end - hit.genitive : last.end);
      note(info.groups, matched, first.start, undefined, info.cluster);
      t = hit.end - 1;
    }

    const matches: SymbolMatch[] = [];
    for (const value of found.values()) {
      const chosen = chooseListing(value.groups, prefer, value.cluster, value.symbol);
      const entry = chosen === undefined ? undefined : listings.entry(chosen);
      if (entry) matches.push({ entry, matched: value.matched, index: value.index });
    }
    return matches.toSorted((a, b) => a.index - b.index);
  };
}

function tokenize(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    tokens.push({ raw: m[0], folded: foldForMatching(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

function blockedByIndices(text: string): (offset: number) => boolean {
  const spans = [...text.matchAll(MARKET_INDEX_PATTERN)].map((m) => [m.index, m.index + m[0].length] as const);
  return (offset) => spans.some(([s, e]) => offset >= s && offset < e);
}

/** The longest name key starting at token `start`, walking the key map like a trie. */
function longestKey(
  phrases: ReadonlyMap<string, number>,
  text: string,
  tokens: readonly TextToken[],
  start: number,
): { key: number; end: number; genitive: number } | undefined {
  let path: string | undefined;
  let best: { key: number; end: number; genitive: number } | undefined;
  for (let t = start; t < tokens.length; t += 1) {
    const token = tokens[t];
    if (!token) break;
    // Tokens of one name are separated by spaces, hyphens, "&" or dots only.
    if (t > start && !joinsName(text.slice(tokens[t - 1]?.end ?? 0, token.start))) break;
    const here = path === undefined ? token.folded : `${path} ${token.folded}`;
    const exact = phrases.get(here);
    if (exact === undefined) {
      const stem = GENITIVE.exec(token.folded)?.[1];
      const viaStem = stem ? phrases.get(path === undefined ? stem : `${path} ${stem}`) : undefined;
      if (viaStem !== undefined && viaStem >= 0) best = { key: viaStem, end: t + 1, genitive: token.folded.length - (stem?.length ?? 0) };
      break;
    }
    if (exact >= 0) best = { key: exact, end: t + 1, genitive: 0 };
    path = here;
  }
  return best;
}

function joinsName(gap: string): boolean {
  return /^(?:\s+|-|&|\.|\s&\s|\.\s|'|’)$/u.test(gap);
}

function hasCompanyCue(
  text: string,
  tokens: readonly TextToken[],
  start: number,
  end: number,
  ownsSymbol: (symbol: string) => boolean,
): boolean {
  const previous = tokens[start - 1];
  if (previous && CUE_BEFORE.has(previous.folded) && /^[\s-]+$/.test(text.slice(previous.end, tokens[start]?.start ?? 0))) {
    return true;
  }
  const next = tokens[end];
  if (!next) return false;
  const gap = text.slice(tokens[end - 1]?.end ?? 0, next.start);
  if (/^\s*\(\s*$/.test(gap)) {
    const symbol = /^[A-Z0-9][A-Z0-9.-]*/.exec(text.slice(next.start))?.[0] ?? "";
    if (ownsSymbol(symbol)) return true;
  }
  return /^(?:\s|-)$/.test(gap) && CUE_AFTER.has(next.folded);
}
