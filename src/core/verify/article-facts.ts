/**
 * What an article states, indexed once per article for the verifier: its text (title, body and
 * metadata), every figure with its unit and direction, its sentences, the currencies it names,
 * the companies it mentions and the price moves the extractive parser attributes to them.
 */
import type { Article } from "../article.ts";
import { type Sentence, splitSentences, type Span } from "../extractive/sentences.ts";
import { normalizeForQuote } from "./quote-text.ts";
import { normalizeCurrency } from "../numbers.ts";
import type { SymbolDirectory, SymbolMatch } from "../ports.ts";
import { type CompanyMention, findIndexMentions, findPriceMoves, type FoundMove } from "../price-moves.ts";
import { type Figure, figuresIn, numberWordValues } from "./figures.ts";

export interface ArticleFacts {
  /** Title, body and metadata in one text; every offset below refers to it. */
  text: string;
  /** The text folded for quote comparison. */
  quoteText: string;
  figures: Figure[];
  /** Spelled-out numbers ("drei"), and those followed by a percent word. */
  wordNumbers: number[];
  wordPercents: number[];
  sentences: Sentence[];
  /** ISO codes of every currency the article names, with or without a number. */
  currencies: Set<string>;
  /** Listed companies the directory finds (absent without a directory). */
  matches: SymbolMatch[];
  /** Mentions of those companies (id `c<index in matches>`), and of index names (id ""). */
  mentions: CompanyMention[];
  indexSpans: Span[];
  /** Moves the price-move parser attributes to a company (ids as in `mentions`). */
  moves: FoundMove[];
  language: string;
}

const CURRENCY_WORDS =
  /(?<![\p{L}])(?:US-Dollar|US-Dollars|US dollars?|Hongkong-Dollar|Hong Kong dollars?|HK\$|US\$|Euro|Euros|euros?|Pfund|pounds? sterling|Franken|Swiss francs?|Yen|yen|Yuan|yuan|Renminbi|USD|HKD|EUR|GBP|CHF|JPY|CNY|CAD|AUD|SEK|NOK|DKK|€|£|¥)(?![\p{L}])/gu;

/** Indexes an article. The symbol directory, when given, finds the companies it mentions. */
export function articleFacts(article: Article, symbols?: SymbolDirectory): ArticleFacts {
  const meta = [article.siteName, article.byline, article.publishedAt?.replace(/[-:T.Z+]/g, " ")].filter((v): v is string => !!v);
  const text = [article.title.trim(), article.text.trim(), meta.join(" · ")].filter((p) => p !== "").join("\n\n");
  const figures = figuresIn(text);
  const words = numberWordValues(text);
  const currencies = new Set<string>();
  for (const f of figures) if (f.currency) currencies.add(f.currency);
  for (const m of text.matchAll(CURRENCY_WORDS)) {
    const code = normalizeCurrency(m[0]);
    if (code) currencies.add(code);
  }
  const matches = symbols ? symbols.findInText(text) : [];
  const indexSpans = findIndexMentions(text);
  const mentions = companyMentions(text, matches);
  const language = (article.language || "und").slice(0, 2).toLowerCase();
  return {
    text,
    quoteText: normalizeForQuote(text),
    figures,
    wordNumbers: words.numbers,
    wordPercents: words.percents,
    sentences: splitSentences(text),
    currencies,
    matches,
    mentions,
    indexSpans,
    moves: mentions.length > 0 ? findPriceMoves(text, mentions, { language }) : [],
    language,
  };
}

/** Every occurrence (at a word start) of each matched company's surface, longest surfaces first. */
function companyMentions(text: string, matches: readonly SymbolMatch[]): CompanyMention[] {
  const mentions: CompanyMention[] = [];
  const order = matches.map((m, i) => ({ m, i })).toSorted((a, b) => surfaceOf(b.m).length - surfaceOf(a.m).length);
  for (const { m, i } of order) {
    const id = `c${i}`;
    for (const span of occurrences(text, surfaceOf(m))) {
      if (mentions.some((x) => span.start < x.end && span.end > x.start)) continue;
      mentions.push({ id, ...span });
    }
    if (!mentions.some((x) => x.id === id)) mentions.push({ id, start: m.index, end: m.index + m.matched.length });
  }
  return mentions.toSorted((a, b) => a.start - b.start);
}

function surfaceOf(match: SymbolMatch): string {
  return match.matched.replace(/^[($]+|\)$/g, "").trim();
}

/** Spans where `needle` starts a word (case-sensitive); "Alibabas" counts for "Alibaba". */
export function occurrences(text: string, needle: string): Span[] {
  const spans: Span[] = [];
  if (needle.length < 2) return spans;
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) break;
    from = at + needle.length;
    if (at > 0 && /[\p{L}\p{N}]/u.test(text[at - 1] ?? "")) continue;
    spans.push({ start: at, end: at + needle.length });
  }
  return spans;
}

/** The sentence holding an offset. */
export function sentenceAt(facts: ArticleFacts, offset: number): number {
  return facts.sentences.findIndex((s) => s.start <= offset && offset < Math.max(s.end, s.start + 1));
}
