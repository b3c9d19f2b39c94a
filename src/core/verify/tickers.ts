/**
 * Tickers and their moves against the article: the symbol must be listed in the offline
 * directory and its company mentioned in the article (name, alias, brand or symbol); every
 * price and change must be an article figure of the right kind, stated for that company (its
 * name or symbol in the same sentence, or in a neighbouring one when this one speaks of the
 * share and names no other company or index),
 * and the currency stated or implied there.
 */
import type { PriceMove, Ticker } from "../brief.ts";
import type { Span } from "../extractive/sentences.ts";
import type { SymbolDirectory, SymbolEntry } from "../ports.ts";
import { type ArticleFacts, occurrences, sentenceAt } from "./article-facts.ts";
import { type Figure, isDollar, sameValue } from "./figures.ts";
import { isIsoCurrency } from "./iso-4217.ts";
import type { RemovedItem } from "./types.ts";

export interface CompanyInArticle {
  entry: SymbolEntry;
  /** Ids of the article's company mentions that are this company. */
  ids: Set<string>;
  /** Every span of the article naming the company. */
  spans: Span[];
}

const NAME_SUFFIXES =
  /\b(?:inc|incorporated|corp|corporation|co|company|ltd|limited|plc|ag|se|sa|nv|n\.v|holdings?|group|gruppe|adr|ads|the|class [a-z]|kgaa|gmbh)\b/gu;

/** A company name without legal suffixes and punctuation: "Alibaba Group Holding Ltd" → "alibaba". */
export function nameKey(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/\(.*?\)/g, " ")
    .replace(/[.,&'’/-]/g, " ")
    .replace(NAME_SUFFIXES, " ")
    .replace(/\s+/g, " ")
    .trim();
}

// First words that say nothing about which company is meant.
const GENERIC_FIRST_WORDS = new Set([
  "advanced", "american", "bank", "china", "chinese", "deutsche", "first", "general", "global", "international",
  "national", "new", "united", "the", "great", "royal", "southern", "northern", "western", "eastern", "digital",
  "public", "capital", "central", "energy", "hong", "kong", "japan", "korea",
]);

export function sameCompany(a: SymbolEntry, b: SymbolEntry): boolean {
  if (a.symbol === b.symbol || a.aliases.includes(b.symbol) || b.aliases.includes(a.symbol)) return true;
  if ((a.cik && a.cik === b.cik) || (a.isin && a.isin === b.isin)) return true;
  const ka = nameKey(a.name);
  return ka.length >= 3 && ka === nameKey(b.name);
}

/** Where the article names the company of `entry`; undefined when it does not. */
export function findCompany(facts: ArticleFacts, entry: SymbolEntry): CompanyInArticle | undefined {
  const ids = new Set<string>();
  facts.matches.forEach((m, i) => {
    if (sameCompany(m.entry, entry)) ids.add(`c${i}`);
  });
  const spans: Span[] = facts.mentions.filter((m) => ids.has(m.id)).map(({ start, end }) => ({ start, end }));
  const symbolForms = [entry.symbol, ...entry.aliases].flatMap((s) => {
    const hk = /^(\d{3,5})\.HK$/.exec(s);
    return hk?.[1] ? [s, hk[1]] : [s];
  });
  for (const form of symbolForms) {
    for (const span of occurrences(facts.text, form)) {
      if (/[\p{L}\p{N}]/u.test(facts.text[span.end] ?? "")) continue;
      spans.push(span);
    }
  }
  const key = nameKey(entry.name);
  const words = key.split(" ").filter(Boolean);
  const phrases = new Set<string>();
  if (key.length >= 4 && words.length > 1) phrases.add(key);
  const first = words[0];
  if (first && first.length >= 4 && !GENERIC_FIRST_WORDS.has(first)) phrases.add(first);
  const lower = facts.text.toLowerCase();
  for (const phrase of phrases) {
    for (const span of occurrences(lower, phrase)) spans.push(span);
  }
  if (ids.size === 0 && spans.length === 0) return undefined;
  return { entry, ids, spans: spans.toSorted((a, b) => a.start - b.start) };
}

export interface TickerCheck {
  ticker?: Ticker;
  company?: CompanyInArticle;
  figures: number;
  removed: RemovedItem[];
}

/** Checks one ticker; `ticker` is absent when the whole ticker goes. */
export function checkTicker(ticker: Ticker, index: number, facts: ArticleFacts, symbols: SymbolDirectory | undefined): TickerCheck {
  const field = `tickers[${index}]`;
  const figures = ticker.moves.reduce((n, m) => n + (m.price !== null ? 1 : 0) + (m.changePct !== null ? 1 : 0), 0);
  const entry = symbols?.get(ticker.symbol);
  if (entry === undefined || entry.symbol !== ticker.symbol.trim().toUpperCase()) {
    return { figures, removed: [{ field, value: ticker.symbol, reason: "symbol not in the symbol directory" }] };
  }
  const company = findCompany(facts, entry);
  if (company === undefined) {
    return { figures, removed: [{ field, value: ticker.symbol, reason: `the article does not mention ${entry.name}` }] };
  }
  const removed: RemovedItem[] = [];
  const moves: PriceMove[] = [];
  ticker.moves.forEach((move, j) => {
    const kept = checkMove(move, `${field}.moves[${j}]`, company, facts, removed);
    if (kept) moves.push(kept);
  });
  return { ticker: { ...ticker, moves }, company, figures, removed };
}

function checkMove(move: PriceMove, field: string, company: CompanyInArticle, facts: ArticleFacts, removed: RemovedItem[]): PriceMove | undefined {
  let { price, currency, changePct } = move;
  if (changePct !== null && !changeStated(changePct, company, facts)) {
    removed.push({ field: `${field}.changePct`, value: String(changePct), reason: "change not stated for this company" });
    changePct = null;
  }
  if (price !== null) {
    const source = priceSource(price, company, facts);
    if (source === undefined) {
      removed.push({ field: `${field}.price`, value: String(price), reason: "price not stated for this company" });
      price = null;
    } else if (currency !== null && !currencyFits(currency, source, company, facts)) {
      removed.push({ field: `${field}.currency`, value: currency, reason: "currency not stated for this price" });
      currency = null;
    }
  }
  if (price === null && currency !== null) {
    if (move.price === null) removed.push({ field: `${field}.currency`, value: currency, reason: "currency without a price" });
    currency = null;
  }
  if (currency !== null && !isIsoCurrency(currency)) {
    removed.push({ field: `${field}.currency`, value: currency, reason: "not an ISO 4217 code" });
    currency = null;
  }
  if (price === null && changePct === null) return undefined;
  return { price, currency, changePct };
}

function changeStated(changePct: number, company: CompanyInArticle, facts: ArticleFacts): boolean {
  return facts.figures.some((f) => {
    if (f.kind !== "percent" || !f.values.some((v) => sameValue(Math.abs(v), Math.abs(changePct)))) return false;
    if (!statedFor(f, company, facts)) return false;
    const attributed = attributedMove(f, facts);
    const stated = attributed?.move.changePct ?? f.signed;
    // A percentage without a direction supports either sign; a stated direction must agree.
    return stated === undefined || stated === null || stated === 0 || Math.sign(stated) === Math.sign(changePct);
  });
}

function priceSource(price: number, company: CompanyInArticle, facts: ArticleFacts): Figure | undefined {
  return facts.figures.find((f) => {
    if (!f.values.some((v) => sameValue(v, price))) return false;
    if (f.kind === "percent" || f.scaled) return false;
    if (f.kind === "number") {
      // A bare number is a price only beside a share word, and a year never is.
      if (Number.isInteger(price) && price >= 1900 && price <= 2100) return false;
      const sentence = facts.sentences[sentenceAt(facts, f.start)];
      if (!sentence || !SHARE_WORDS.test(sentence.text)) return false;
    }
    return statedFor(f, company, facts);
  });
}

const SHARE_WORDS = /(?:aktie|kurs|papier|notier|schloss|shares?|stock|closed at|trad(?:ed|ing) at|price)/iu;

function currencyFits(currency: string, source: Figure, company: CompanyInArticle, facts: ArticleFacts): boolean {
  if (source.currency !== undefined) {
    if (source.currency === currency) return true;
    // A bare "$" or "Dollar" is whichever dollar the article is about.
    return source.looseCurrency && isDollar(currency) && (facts.currencies.has(currency) || company.entry.currency === currency);
  }
  return company.entry.currency === currency || (facts.currencies.size === 1 && facts.currencies.has(currency));
}

/** The parser's move holding this figure, if it attributed one. */
function attributedMove(f: Figure, facts: ArticleFacts) {
  return facts.moves.find((m) => f.start >= m.start && f.end <= m.end);
}

/**
 * A figure is stated for the company when the price-move parser attributes it to the company;
 * when the parser attributes it to no one, when the company is named in its sentence, or in a
 * neighbouring sentence while its own names no other company and no index.
 */
function statedFor(f: Figure, company: CompanyInArticle, facts: ArticleFacts): boolean {
  const attributed = attributedMove(f, facts);
  if (attributed) return company.ids.has(attributed.id) || company.spans.some((s) => s.start === mentionStart(attributed.id, facts, f));
  const index = sentenceAt(facts, f.start);
  const sentence = facts.sentences[index];
  if (!sentence) return false;
  const names = (s: { start: number; end: number } | undefined) =>
    s !== undefined && company.spans.some((span) => span.start >= s.start && span.end <= s.end);
  if (names(sentence)) return true;
  const inside = (span: Span) => span.start >= sentence.start && span.end <= sentence.end;
  const others = facts.mentions.some((m) => !company.ids.has(m.id) && inside(m) && !company.spans.some((s) => s.start === m.start));
  if (others || facts.indexSpans.some(inside)) return false;
  // A neighbour's company owns only a share price or move ("The stock fell 2 %"), not any percentage.
  if (!SHARE_WORDS.test(sentence.text)) return false;
  return names(facts.sentences[index - 1]) || names(facts.sentences[index + 1]);
}

/** Start of the mention nearest before the figure with this id (a company found only by name or symbol). */
function mentionStart(id: string, facts: ArticleFacts, f: Figure): number {
  return facts.mentions.filter((m) => m.id === id && m.start <= f.start).at(-1)?.start ?? -1;
}
