/**
 * Finding listed companies in news text: explicit tickers ("(NYSE: BABA)", "$AAPL") and company
 * names, matched token by token against the directory's name keys and curated brands.
 */
import type { SymbolMatch } from "../../core/ports.ts";
import { MARKET_INDEX_PATTERN } from "../../core/price-moves.ts";
import { BRAND_ALIASES } from "./brands.ts";
import { COMMON_WORDS } from "./common-words.ts";
import { membersOf, type Listings } from "./listings.ts";
import { foldForMatching } from "../../core/fold.ts";
import { isAscii } from "./names.ts";
import { PROMINENT_SYMBOLS } from "./prominent.ts";

/** Listings preferred among equals (the liquid share class). */
const PREFERRED_LINES = new Set(["GOOGL", "BRK-B", "VOW3.DE", "MBG.DE", "HEN3.DE", "P911.DE"]);

// Exchange names, as venues, are not mentions of the exchange operator.
const VENUE_KEYS = new Set([
  "nasdaq", "euronext", "london stock exchange", "japan exchange", "tradegate", "cboe", "six", "nyse",
  "boerse stuttgart",
]);

// Names of major companies that are also everyday words in German or English news
// ("Block-Handel", "eine Allianz", "Southern California"): matched only next to a company cue.
const AMBIGUOUS_NAMES = new Set([
  "strategy", "news", "pool", "ball", "coherent", "dover", "mosaic", "progressive", "southern", "waters", "block",
  "trip", "admiral", "berkeley", "compass", "diploma", "next", "phoenix", "sage", "weir", "fox", "allianz",
  "linde", "bayer", "puma", "continental", "smiths", "match",
]);

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

/** What a name key stands for. */
interface KeyInfo {
  groups: number[];
  /** A curated brand names one company's listings (alias cluster), not everything of that name. */
  cluster?: number;
  /** Lower-case spellings the name has in the data ("eBay"): the only lower-case forms that match. */
  forms?: ReadonlySet<string>;
  /** Single short token ("SAP", "HP"): must appear in capitals exactly like this. */
  exact?: string;
  /** A common word ("Block", "Target"): counts only next to a company cue ("Block Inc", "Target-Aktie"). */
  needsCue: boolean;
}

/**
 * Name keys as one map from the key's folded tokens joined by spaces to its number; every shorter
 * run of leading tokens is in the map too (as -1), so a text can be walked token by token as in a
 * trie, without a node object per token.
 */
class KeyIndex {
  readonly phrases = new Map<string, number>();
  /** Per key: its group, or its groups when there are several. */
  readonly #groups: Array<number | number[]> = [];
  readonly #cluster: number[] = [];
  readonly #needsCue: boolean[] = [];
  readonly #exact = new Map<number, string>();
  readonly #forms = new Map<number, Set<string>>();

  /** Adds every listing's name key and the curated brands. */
  fill(listings: Listings): void {
    const tokensOf = new Map<string, string[]>();
    for (let i = 0; i < listings.count; i += 1) {
      const key = listings.keys[i] ?? "";
      let tokens = tokensOf.get(key);
      if (!tokens) {
        tokens = key === "" ? [] : key.split(" ");
        tokensOf.set(key, tokens);
      }
      this.#add(listings, key, tokens, listings.group[i] ?? i, listings.name(i), false);
    }
    for (const [brand, symbol] of BRAND_ALIASES) {
      const i = listings.bySymbol.get(symbol.toUpperCase());
      if (i === undefined) continue;
      const tokens = foldForMatching(brand).split(/[^a-z0-9]+/).filter(Boolean);
      this.#add(listings, tokens.join(" "), tokens, listings.group[i] ?? i, brand, true, listings.cluster[i]);
    }
  }

  #add(listings: Listings, key: string, tokens: readonly string[], group: number, original: string, brand: boolean, cluster?: number): void {
    if (tokens.every((t) => /^\d+$/.test(t))) return;
    if (tokens.length === 1 && key.length < 2) return;
    let prefix = "";
    for (let t = 0; t < tokens.length - 1; t += 1) {
      prefix = t === 0 ? (tokens[0] ?? "") : `${prefix} ${tokens[t] ?? ""}`;
      if (!this.phrases.has(prefix)) this.phrases.set(prefix, -1);
    }
    const known = this.phrases.get(key) ?? -1;
    const k = known >= 0 ? known : this.#groups.length;
    if (known < 0) {
      this.phrases.set(key, k);
      this.#groups.push([]);
      this.#cluster.push(-1);
      this.#needsCue.push(false);
    }
    // A curated brand names one company outright ("Meta" is Meta Platforms, whatever else is called Meta).
    if (brand) {
      this.#groups[k] = group;
      if (cluster !== undefined) this.#cluster[k] = cluster;
    } else {
      const groups = this.groupsOf(k);
      if (!groups.includes(group)) this.#groups[k] = groups.length === 0 ? group : [...groups, group];
    }
    const single = tokens[0] ?? "";
    const isShort = tokens.length === 1 && single.length <= 3;
    const surface = surfaceOf(original, single);
    if (isShort) this.#exact.set(k, surface.toUpperCase());
    // Names written in lower case ("eBay", "adidas") keep their spelling; others match capitalised words.
    if (/^\p{Ll}/u.test(surface)) {
      const forms = this.#forms.get(k) ?? new Set<string>();
      forms.add(surface);
      this.#forms.set(k, forms);
    }
    const prominent = listings.prominentGroups.has(group);
    const common =
      VENUE_KEYS.has(key) ||
      AMBIGUOUS_NAMES.has(key) ||
      (tokens.length === 1 && !prominent && !brand && (COMMON_WORDS.has(single) || isShort));
    // A key needs a cue only if every company owning it does: a prominent owner lifts the requirement.
    this.#needsCue[k] = known >= 0 ? (this.#needsCue[k] ?? false) && common : common;
    if (brand) this.#needsCue[k] = VENUE_KEYS.has(key) || AMBIGUOUS_NAMES.has(key);
  }

  groupsOf(k: number): number[] {
    const g = this.#groups[k];
    return g === undefined ? [] : typeof g === "number" ? [g] : g;
  }

  info(k: number): KeyInfo {
    const info: KeyInfo = { groups: this.groupsOf(k), needsCue: this.#needsCue[k] ?? false };
    const cluster = this.#cluster[k] ?? -1;
    if (cluster >= 0) info.cluster = cluster;
    const forms = this.#forms.get(k);
    if (forms) info.forms = forms;
    const exact = this.#exact.get(k);
    if (exact !== undefined) info.exact = exact;
    return info;
  }
}

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
  const { bySymbol } = listings;

  const rankFor = (i: number, prefer: readonly string[] | undefined): number[] => {
    if (i < 0 || i >= listings.count) return [Number.MAX_SAFE_INTEGER];
    const symbol = listings.symbol(i);
    const currencyRank = prefer && prefer.length > 0 ? indexOrEnd(prefer, listings.currency(i).toUpperCase()) : 0;
    const prominence = listings.prominentClusters.has(listings.cluster[i] ?? -1) ? 0 : 1;
    const mainLine = PROMINENT_SYMBOLS.has(symbol) ? 0 : 1;
    return [currencyRank, prominence, mainLine, listings.baseRank[i] ?? 0, PREFERRED_LINES.has(symbol) ? 0 : 1, symbol.length];
  };
  const bestListing = (groups: readonly number[], prefer: readonly string[] | undefined, cluster?: number): number | undefined => {
    let best: number | undefined;
    let bestRank: number[] = [];
    const pools = cluster !== undefined ? [membersOf(listings.clusterMembers, cluster)] : groups.map((g) => membersOf(listings.groupMembers, g));
    for (const pool of pools) {
      for (const i of pool) {
        const rank = rankFor(i, prefer);
        if (best === undefined || compareRanks(rank, bestRank) < 0 || (compareRanks(rank, bestRank) === 0 && listings.symbol(i) < listings.symbol(best))) {
          best = i;
          bestRank = rank;
        }
      }
    }
    return best;
  };

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
      const preferred = bestListing(value.groups, prefer, value.cluster);
      const explicit = value.symbol;
      // A ticker written in the text wins unless the article's currency points to another line.
      const chosen =
        explicit !== undefined && (prefer === undefined || rankFor(explicit, prefer)[0] === rankFor(preferred ?? explicit, prefer)[0])
          ? explicit
          : preferred;
      const entry = chosen === undefined ? undefined : listings.entry(chosen);
      if (entry) matches.push({ entry, matched: value.matched, index: value.index });
    }
    return matches.toSorted((a, b) => a.index - b.index);
  };
}

function indexOrEnd(list: readonly string[], value: string): number {
  const i = list.indexOf(value);
  return i < 0 ? list.length : i;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
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

/** How `original` spells the folded word `single` ("eBay" for "ebay"); `single` itself when it does not. */
function surfaceOf(original: string, single: string): string {
  // ASCII letters and digits are all of ASCII's \p{L}\p{N}, and folding ASCII is lower-casing.
  if (isAscii(original)) return original.split(/[^A-Za-z0-9]+/).find((w) => w.toLowerCase() === single) ?? single;
  return original.split(/[^\p{L}\p{N}]+/u).find((w) => foldForMatching(w) === single) ?? single;
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
