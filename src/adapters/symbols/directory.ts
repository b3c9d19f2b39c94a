/**
 * The offline symbol directory: ~22,700 listings from assets/symbols, with a name index for
 * finding companies in German and English news text and a precomputed search for autocomplete.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SymbolDirectory, SymbolEntry, SymbolMatch } from "../../core/ports.ts";
import { MARKET_INDEX_PATTERN } from "../../core/price-moves.ts";
import { BRAND_ALIASES } from "./brands.ts";
import { COMMON_WORDS } from "./common-words.ts";
import { PROMINENT_SYMBOLS } from "./prominent.ts";

export interface SymbolRow {
  symbol: string;
  name: string;
  exchange: string;
  country: string;
  currency: string;
  isin?: string;
  cik?: string;
  /** Other symbols of the same company, as listed in the data. */
  aliases: string[];
  source?: string;
}

const SHIPPED_DIR = resolve(import.meta.dirname, "../../../assets/symbols");
const DATA_FILES = ["symbols.csv", "adr-supplement.csv"];

const cache = new Map<string, SymbolDirectory>();

/**
 * Loads the directory from a folder holding symbols.csv (+ adr-supplement.csv) or from one CSV
 * file; by default the project's shipped copy. Loaded once per path.
 */
export function loadSymbolDirectory(path?: string): SymbolDirectory {
  const target = resolve(path ?? SHIPPED_DIR);
  const cached = cache.get(target);
  if (cached) return cached;
  if (!existsSync(target)) throw new Error(`Symbol directory not found at ${target}: set the path to a folder with symbols.csv.`);
  const files = statSync(target).isDirectory()
    ? DATA_FILES.map((f) => join(target, f)).filter((f) => existsSync(f))
    : [target];
  if (files.length === 0) throw new Error(`No symbols.csv in ${target}.`);
  const rows = files.flatMap((f) => parseSymbolCsv(readFileSync(f, "utf8")));
  const directory = createSymbolDirectory(rows);
  cache.set(target, directory);
  return directory;
}

/** Parses the directory CSV (symbol,name,exchange,country,currency,isin,cik,aliases,source). */
export function parseSymbolCsv(csv: string): SymbolRow[] {
  const records = parseCsv(csv);
  const header = records.shift()?.map((h) => h.trim().toLowerCase()) ?? [];
  const col = (name: string) => header.indexOf(name);
  const at = (record: string[], name: string) => (col(name) >= 0 ? (record[col(name)] ?? "").trim() : "");
  const rows: SymbolRow[] = [];
  for (const record of records) {
    const symbol = at(record, "symbol");
    const name = at(record, "name");
    if (!symbol || !name) continue;
    const row: SymbolRow = {
      symbol,
      name,
      exchange: at(record, "exchange"),
      country: at(record, "country"),
      currency: at(record, "currency"),
      aliases: at(record, "aliases").split(";").map((a) => a.trim()).filter(Boolean),
    };
    const isin = at(record, "isin");
    const cik = at(record, "cik");
    const source = at(record, "source");
    if (isin) row.isin = isin;
    if (cik) row.cik = cik;
    if (source) row.source = source;
    rows.push(row);
  }
  return rows;
}

/** One record per line (the directory has no line breaks inside fields); quoted fields as in RFC 4180. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length === 0) continue;
    records.push(line.includes('"') ? parseQuotedLine(line) : line.split(","));
  }
  return records;
}

function parseQuotedLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Name normalization

/** Lower case, German umlauts transliterated (ö → oe), other accents removed. */
export function foldText(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFD")
    .replace(/\p{M}/gu, "");
}

const LEGAL_TAIL = new Set([
  "inc", "incorporated", "corp", "corporation", "co", "cos", "company", "ltd", "limited", "plc", "ag", "se", "sa",
  "nv", "bv", "gmbh", "kgaa", "kg", "spa", "sarl", "ab", "publ", "asa", "as", "oyj", "oy", "holding", "holdings",
  "group", "grp", "adr", "ads", "pref", "preferred", "com", "llc", "lp", "ltda", "bhd", "berhad", "tbk", "pcl", "kk",
  "the", "and", "ord", "shs", "reg", "new",
]);
const LEGAL_TAIL_SEQUENCES = [
  ["s", "a"], ["n", "v"], ["s", "p", "a"], ["s", "e"], ["a", "s"], ["p", "l", "c"], ["l", "p"], ["k", "k"],
  ["a", "g"], ["s", "a", "b"], ["co", "kgaa"], ["class", "a"], ["class", "b"], ["class", "c"], ["series", "a"],
  ["a", "b"],
];

/** Distinctive name tokens: "Alibaba Group Holding Ltd" → ["alibaba"], "Mercedes-Benz Group AG" → ["mercedes", "benz"]. */
export function nameKeyTokens(name: string): string[] {
  const cleaned = name
    .replace(/\([^)]*\)/g, " ")
    .replace(/\bA\/S\b/gi, "AS")
    .replace(/\s*\/[A-Za-z .]*\/?\s*$/, " ")
    .replace(/\.com\b/gi, " ");
  const tokens = foldText(cleaned).split(/[^a-z0-9]+/).filter(Boolean);
  while (tokens.length > 1 && tokens[0] === "the") tokens.shift();
  let changed = true;
  while (changed && tokens.length > 1) {
    changed = false;
    for (const seq of LEGAL_TAIL_SEQUENCES) {
      if (tokens.length > seq.length && seq.every((t, i) => tokens[tokens.length - seq.length + i] === t)) {
        tokens.splice(tokens.length - seq.length, seq.length);
        changed = true;
      }
    }
    const last = tokens.at(-1);
    if (tokens.length > 1 && last !== undefined && LEGAL_TAIL.has(last)) {
      tokens.pop();
      changed = true;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Curated knowledge that the data cannot give

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

// ---------------------------------------------------------------------------------------------

interface Listing {
  entry: SymbolEntry;
  source: string;
  group: number;
  /** Lower is better when nothing else decides: home listing, major exchange, ordinary share. */
  baseRank: number;
}

interface KeyInfo {
  groups: number[];
  /** A curated brand names one company's listings (alias cluster), not everything of that name. */
  cluster?: number;
  /** Lower-case spellings the name has in the data ("eBay"): the only lower-case forms that match. */
  forms?: Set<string>;
  /** Single short token ("SAP", "HP"): must appear in capitals exactly like this. */
  exact?: string;
  /** A common word ("Block", "Target"): counts only next to a company cue ("Block Inc", "Target-Aktie"). */
  needsCue: boolean;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  key?: KeyInfo;
}

interface TextToken {
  raw: string;
  folded: string;
  start: number;
  end: number;
}

export function createSymbolDirectory(rows: readonly SymbolRow[]): SymbolDirectory {
  const listings: Listing[] = [];
  const bySymbol = new Map<string, number>();
  for (const row of rows) {
    const upper = row.symbol.toUpperCase();
    if (bySymbol.has(upper)) continue;
    bySymbol.set(upper, listings.length);
    const entry: SymbolEntry = {
      symbol: row.symbol,
      name: row.name,
      exchange: row.exchange,
      country: row.country,
      currency: row.currency,
      aliases: [...row.aliases],
    };
    if (row.isin) entry.isin = row.isin;
    if (row.cik) entry.cik = row.cik;
    listings.push({ entry, source: row.source ?? "", group: -1, baseRank: 0 });
  }

  // Same company: linked by aliases (symmetric, transitive).
  const parent = listings.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let c = i;
    while (parent[c] !== r) {
      const n = parent[c] ?? r;
      parent[c] = r;
      c = n;
    }
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  listings.forEach((l, i) => {
    for (const alias of l.entry.aliases) {
      const j = bySymbol.get(alias.toUpperCase());
      if (j !== undefined) union(i, j);
    }
  });
  const members = new Map<number, number[]>();
  listings.forEach((_, i) => {
    const r = find(i);
    const list = members.get(r) ?? [];
    list.push(i);
    members.set(r, list);
  });
  for (const list of members.values()) {
    for (const i of list) {
      const listing = listings[i];
      if (!listing) continue;
      const others = list.filter((j) => j !== i).map((j) => listings[j]?.entry.symbol ?? "");
      listing.entry.aliases = [...new Set([...listing.entry.aliases, ...others])].filter((a) => a && a !== listing.entry.symbol).toSorted();
    }
  }

  const clusterOf = listings.map((_, i) => find(i));
  const prominentClusters = new Set<number>();
  listings.forEach((l, i) => {
    if (PROMINENT_SYMBOLS.has(l.entry.symbol)) prominentClusters.add(clusterOf[i] ?? i);
  });

  // Name keys. Listings that share a key are one company for matching purposes (union by key).
  const keyOf = listings.map((l) => nameKeyTokens(l.entry.name));
  const firstByKey = new Map<string, number>();
  keyOf.forEach((tokens, i) => {
    const key = tokens.join(" ");
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, i);
    else union(i, first);
  });
  listings.forEach((l, i) => {
    l.group = find(i);
    l.baseRank = baseRankOf(l);
  });
  const groupMembers = new Map<number, number[]>();
  listings.forEach((l, i) => {
    const list = groupMembers.get(l.group) ?? [];
    list.push(i);
    groupMembers.set(l.group, list);
  });
  const prominentGroups = new Set<number>();
  for (const l of listings) if (PROMINENT_SYMBOLS.has(l.entry.symbol)) prominentGroups.add(l.group);

  // The trie of name keys over folded tokens.
  const root: TrieNode = { next: new Map() };
  const addKey = (tokens: readonly string[], group: number, original: string, brand: boolean, cluster?: number) => {
    if (tokens.every((t) => /^\d+$/.test(t))) return;
    const key = tokens.join(" ");
    if (tokens.length === 1 && key.length < 2) return;
    let node = root;
    for (const t of tokens) {
      let child = node.next.get(t);
      if (!child) {
        child = { next: new Map() };
        node.next.set(t, child);
      }
      node = child;
    }
    const info = node.key ?? { groups: [], needsCue: false };
    // A curated brand names one company outright ("Meta" is Meta Platforms, whatever else is called Meta).
    if (brand) {
      info.groups = [group];
      if (cluster !== undefined) info.cluster = cluster;
    } else if (!info.groups.includes(group)) info.groups.push(group);
    const single = tokens[0] ?? "";
    const isShort = tokens.length === 1 && single.length <= 3;
    const surface = original.split(/[^\p{L}\p{N}]+/u).find((w) => foldText(w) === single) ?? single;
    if (isShort) info.exact = surface.toUpperCase();
    // Names written in lower case ("eBay", "adidas") keep their spelling; others match capitalised words.
    if (/^\p{Ll}/u.test(surface)) (info.forms ??= new Set()).add(surface);
    const prominent = prominentGroups.has(group);
    const common =
      VENUE_KEYS.has(key) ||
      AMBIGUOUS_NAMES.has(key) ||
      (tokens.length === 1 && !prominent && !brand && (COMMON_WORDS.has(single) || isShort));
    // A key needs a cue only if every company owning it does: a prominent owner lifts the requirement.
    info.needsCue = node.key ? info.needsCue && common : common;
    if (brand) info.needsCue = VENUE_KEYS.has(key) || AMBIGUOUS_NAMES.has(key);
    node.key = info;
  };
  keyOf.forEach((tokens, i) => addKey(tokens, listings[i]?.group ?? i, listings[i]?.entry.name ?? "", false));

  for (const [brand, symbol] of BRAND_ALIASES) {
    const i = bySymbol.get(symbol.toUpperCase());
    if (i === undefined) continue;
    addKey(foldText(brand).split(/[^a-z0-9]+/).filter(Boolean), listings[i]?.group ?? i, brand, true, clusterOf[i]);
  }

  const rankFor = (i: number, prefer: readonly string[] | undefined): number[] => {
    const l = listings[i];
    if (!l) return [Number.MAX_SAFE_INTEGER];
    const currencyRank = prefer && prefer.length > 0 ? indexOrEnd(prefer, l.entry.currency.toUpperCase()) : 0;
    const prominence = prominentClusters.has(clusterOf[i] ?? -1) ? 0 : 1;
    const mainLine = PROMINENT_SYMBOLS.has(l.entry.symbol) ? 0 : 1;
    return [currencyRank, prominence, mainLine, l.baseRank, PREFERRED_LINES.has(l.entry.symbol) ? 0 : 1, l.entry.symbol.length];
  };
  const clusterMembers = new Map<number, number[]>();
  clusterOf.forEach((c, i) => {
    const list = clusterMembers.get(c) ?? [];
    list.push(i);
    clusterMembers.set(c, list);
  });
  const bestListing = (groups: readonly number[], prefer: readonly string[] | undefined, cluster?: number): number | undefined => {
    let best: number | undefined;
    let bestRank: number[] = [];
    const pools = cluster !== undefined ? [clusterMembers.get(cluster) ?? []] : groups.map((g) => groupMembers.get(g) ?? []);
    for (const pool of pools) {
      for (const i of pool) {
        const rank = rankFor(i, prefer);
        if (best === undefined || compareRanks(rank, bestRank) < 0 || (compareRanks(rank, bestRank) === 0 && symbolOf(i) < symbolOf(best))) {
          best = i;
          bestRank = rank;
        }
      }
    }
    return best;
  };
  const symbolOf = (i: number) => listings[i]?.entry.symbol ?? "";

  const search = buildSearch(listings, keyOf, prominentGroups);

  const directory: SymbolDirectory = {
    size: listings.length,
    get(symbol: string): SymbolEntry | undefined {
      const i = bySymbol.get(symbol.trim().toUpperCase());
      return i === undefined ? undefined : listings[i]?.entry;
    },
    findInText(text: string, options?: { preferCurrencies?: readonly string[] }): SymbolMatch[] {
      const prefer = options?.preferCurrencies?.map((c) => c.toUpperCase());
      const found = new Map<number, { groups: number[]; matched: string; index: number; symbol?: number; cluster?: number }>();
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
        const value: { groups: number[]; matched: string; index: number; symbol?: number; cluster?: number } = { groups, matched, index };
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
        const listing = listings[i];
        if (!listing) continue;
        note([listing.group], m[0], m.index, i);
      }

      const tokens = tokenize(text);
      const blocked = blockedByIndices(text);
      for (let t = 0; t < tokens.length; t += 1) {
        const token = tokens[t];
        if (!token || blocked(token.start)) continue;
        const lowerStart = !/^[\p{Lu}\p{N}]/u.test(token.raw);
        const hit = longestKey(root, text, tokens, t);
        if (!hit) continue;
        const first = tokens[t];
        const last = tokens[hit.end - 1];
        if (!first || !last) continue;
        const info = hit.info;
        if (lowerStart && !info.forms?.has(first.raw)) continue;
        if (!tokens.slice(t + 1, hit.end).every((x) => /^[\p{Lu}\p{N}]/u.test(x.raw) || NAME_PARTICLES.has(x.raw))) continue;
        if (info.exact !== undefined && (first.raw !== info.exact || hit.end - t !== 1)) continue;
        if (hit.end - t === 1 && ACRONYMS.has(first.raw)) continue;
        const ownsSymbol = (raw: string) => {
          const i = bySymbol.get(raw.toUpperCase());
          return i !== undefined && info.groups.includes(listings[i]?.group ?? -1);
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
        const entry = chosen === undefined ? undefined : listings[chosen]?.entry;
        if (entry) matches.push({ entry, matched: value.matched, index: value.index });
      }
      return matches.toSorted((a, b) => a.index - b.index);
    },
    search(query: string, limit = 10): SymbolEntry[] {
      return search(query, limit).map((i) => listings[i]?.entry).filter((e): e is SymbolEntry => e !== undefined);
    },
  };
  return directory;
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

const MAJOR_US = new Set(["NYSE", "NASDAQ"]);

/**
 * Home listing (ISIN country = venue country) first, then the main US exchanges, then other
 * exchanges, then secondary foreign lines, then OTC (sponsored-style "…Y" ADRs before "…F" lines).
 */
function baseRankOf(l: Listing): number {
  const e = l.entry;
  let rank: number;
  const isinCountry = e.isin?.slice(0, 2).toUpperCase();
  if (e.exchange === "OTC") rank = e.symbol.endsWith("Y") || /ADR/i.test(e.name) ? 40 : 50;
  else if (isinCountry && isinCountry === e.country) rank = 0;
  else if (MAJOR_US.has(e.exchange)) rank = 10;
  else if (isinCountry && isinCountry !== e.country && !["KY", "BM", "VG", "JE", "GG", "IM"].includes(isinCountry)) rank = 30;
  else if (e.exchange === "") rank = 35;
  else rank = 20;
  // Secondary German lines of foreign companies (AHLA.DE for Alibaba) come after the real venues.
  if (e.exchange === "XETRA" && isinCountry !== "DE" && isinCountry !== undefined) rank = Math.max(rank, 30);
  if (e.exchange === "XETRA" && isinCountry === undefined && l.entry.aliases.length > 0 && !l.entry.aliases.some((a) => a.endsWith(".DE"))) {
    rank = Math.max(rank, 20);
  }
  // Warrants, units, rights and preferred lines of US registrants.
  if (MAJOR_US.has(e.exchange) && (/-P?[A-Z]$/.test(e.symbol) || /^[A-Z]{4}[WUR]$/.test(e.symbol) || /^[A-Z]{4}WS?$/.test(e.symbol))) rank += 5;
  return rank;
}

function tokenize(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    tokens.push({ raw: m[0], folded: foldText(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

function blockedByIndices(text: string): (offset: number) => boolean {
  const spans = [...text.matchAll(MARKET_INDEX_PATTERN)].map((m) => [m.index, m.index + m[0].length] as const);
  return (offset) => spans.some(([s, e]) => offset >= s && offset < e);
}

function longestKey(
  root: TrieNode,
  text: string,
  tokens: readonly TextToken[],
  start: number,
): { info: KeyInfo; end: number; genitive: number } | undefined {
  let node: TrieNode | undefined = root;
  let best: { info: KeyInfo; end: number; genitive: number } | undefined;
  for (let t = start; t < tokens.length && node; t += 1) {
    const token = tokens[t];
    if (!token) break;
    // Tokens of one name are separated by spaces, hyphens, "&" or dots only.
    if (t > start && !joinsName(text.slice(tokens[t - 1]?.end ?? 0, token.start))) break;
    const exact: TrieNode | undefined = node.next.get(token.folded);
    if (exact?.key) best = { info: exact.key, end: t + 1, genitive: 0 };
    if (!exact) {
      const stem = GENITIVE.exec(token.folded)?.[1];
      const viaStem = stem ? node.next.get(stem) : undefined;
      if (viaStem?.key) best = { info: viaStem.key, end: t + 1, genitive: token.folded.length - (stem?.length ?? 0) };
    }
    node = exact;
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

// ---------------------------------------------------------------------------------------------
// Search: symbol prefix, then name prefix, then trigram similarity.

function buildSearch(
  listings: readonly Listing[],
  keyOf: readonly string[][],
  prominentGroups: ReadonlySet<number>,
): (query: string, limit: number) => number[] {
  const order = (i: number) => {
    const l = listings[i];
    return l ? (prominentGroups.has(l.group) ? 0 : 1) * 1000 + l.baseRank : Number.MAX_SAFE_INTEGER;
  };
  const bySymbol = listings.map((l, i) => [l.entry.symbol.toLowerCase(), i] as const).toSorted((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const names: Array<readonly [string, number]> = [];
  listings.forEach((l, i) => {
    const full = foldText(l.entry.name).replace(/[^a-z0-9]+/g, " ").trim();
    names.push([full, i]);
    const key = keyOf[i]?.join(" ") ?? "";
    if (key && key !== full) names.push([key, i]);
  });
  names.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));

  // Trigram index over distinct key strings.
  const keyStrings = new Map<string, number[]>();
  listings.forEach((l, i) => {
    const key = keyOf[i]?.join(" ") || foldText(l.entry.name);
    const list = keyStrings.get(key) ?? [];
    list.push(i);
    keyStrings.set(key, list);
  });
  const keys = [...keyStrings.keys()];
  const keyTrigramCount: number[] = [];
  const postings = new Map<string, number[]>();
  keys.forEach((key, k) => {
    const grams = trigrams(key);
    keyTrigramCount.push(grams.size);
    for (const g of grams) {
      const list = postings.get(g) ?? [];
      list.push(k);
      postings.set(g, list);
    }
  });

  return (query: string, limit: number) => {
    const q = query.trim();
    if (!q || limit <= 0) return [];
    const out: number[] = [];
    const seen = new Set<number>();
    const push = (list: number[]) => {
      for (const i of list) {
        if (out.length >= limit) return;
        if (seen.has(i)) continue;
        seen.add(i);
        out.push(i);
      }
    };
    const lower = q.toLowerCase();
    // 1. Symbol prefix: exact symbol first, then shorter and more prominent.
    const closeness = (i: number) => {
      const symbol = listings[i]?.entry.symbol.toLowerCase() ?? "";
      return symbol === lower ? 0 : symbol.split(".")[0] === lower ? 1 : 2;
    };
    const symbolHits = prefixRange(bySymbol, lower, 400).toSorted((a, b) => {
      const sa = listings[a]?.entry.symbol.length ?? 0;
      const sb = listings[b]?.entry.symbol.length ?? 0;
      return closeness(a) - closeness(b) || sa - sb || order(a) - order(b) || a - b;
    });
    push(symbolHits);
    if (out.length >= limit) return out;
    // 2. Name prefix.
    const folded = foldText(q).replace(/[^a-z0-9]+/g, " ").trim();
    if (folded) {
      const nameHits = prefixRange(names, folded, 2000);
      const exactKey = (i: number) => ((keyOf[i]?.join(" ") ?? "") === folded ? 0 : 1);
      nameHits.sort((a, b) => exactKey(a) - exactKey(b) || order(a) - order(b) || (listings[a]?.entry.name.length ?? 0) - (listings[b]?.entry.name.length ?? 0) || a - b);
      push(nameHits);
    }
    if (out.length >= limit || folded.length < 3) return out;
    // 3. Fuzzy: Dice coefficient over trigrams.
    const grams = trigrams(folded);
    const shared = new Map<number, number>();
    for (const g of grams) for (const k of postings.get(g) ?? []) shared.set(k, (shared.get(k) ?? 0) + 1);
    const scored: Array<[number, number]> = [];
    for (const [k, common] of shared) {
      const score = (2 * common) / (grams.size + (keyTrigramCount[k] ?? 0));
      if (score >= 0.35) scored.push([k, score]);
    }
    scored.sort((a, b) => b[1] - a[1] || (keys[a[0]] ?? "").length - (keys[b[0]] ?? "").length || a[0] - b[0]);
    for (const [k] of scored) {
      if (out.length >= limit) break;
      const members = [...(keyStrings.get(keys[k] ?? "") ?? [])].toSorted((a, b) => order(a) - order(b) || a - b);
      push(members);
    }
    return out;
  };
}

function trigrams(s: string): Set<string> {
  const padded = `  ${s} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i += 1) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** Indices of entries whose text starts with prefix, from a sorted array (bounded). */
function prefixRange(sorted: ReadonlyArray<readonly [string, number]>, prefix: string, max: number): number[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid]?.[0] ?? "") < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < sorted.length && out.length < max; i += 1) {
    const row = sorted[i];
    if (!row || !row[0].startsWith(prefix)) break;
    out.push(row[1]);
  }
  return out;
}
