import type { Article } from "./article.ts";
import type { Brief, EngineName } from "./brief.ts";
import type { TickerSynthesis } from "./digest.ts";

/** A fetched page, already decoded to text with its charset. */
export interface FetchedPage {
  /** URL requested first. */
  requestedUrl: string;
  /** URL of the final response after redirects. */
  url: string;
  status: number;
  contentType: string;
  charset: string;
  body: string;
  headers: Record<string, string>;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Content types accepted (defaults: HTML and XHTML; feeds pass XML types). */
  accept?: readonly string[];
  /** Extra request headers, e.g. conditional GET validators. */
  headers?: Record<string, string>;
  /** Accept 304 Not Modified as a result instead of an error. */
  allowNotModified?: boolean;
}

/** SSRF-guarded HTTP GET. Throws UserFacingError for every expected failure. */
export interface PageFetcher {
  fetch(url: string, options?: FetchOptions): Promise<FetchedPage>;
}

export interface ArticleExtractor {
  /**
   * Extracts the article from HTML with an `assessment` of what it found (article, short,
   * paywalled, not_article); it does not refuse. Throws UserFacingError("not_article") only when
   * the page has no text at all.
   */
  extractHtml(html: string, baseUrl?: string): Article;
  /** Builds an article from plain text (first line as title when it looks like one). */
  fromText(text: string): Article;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface EngineOutput {
  brief: Brief;
  engine: EngineName;
  model?: string;
  warnings: string[];
  usage?: TokenUsage;
  /** Model requests this brief cost (0 for the extractive engine). */
  requests: number;
}

export interface BriefRequest {
  article: Article;
  /** ISO 639-1 language the brief must be written in. */
  language: string;
  signal?: AbortSignal;
  /**
   * The verifier's verdict on an answer: undefined when it can be posted (after removals), else
   * what was unsupported, for the engine's one repair request.
   */
  check?: (brief: Brief) => string | undefined;
}

export interface BriefEngine {
  readonly name: EngineName;
  /** Model id for the cache key ("extractive-v1" for the extractive engine). */
  readonly model: string;
  readonly promptVersion: string;
  summarize(request: BriefRequest): Promise<EngineOutput>;
}

export interface SymbolEntry {
  symbol: string;
  name: string;
  exchange: string;
  country: string;
  currency: string;
  isin?: string;
  cik?: string;
  aliases: string[];
}

export interface SymbolMatch {
  entry: SymbolEntry;
  /** Text in the article that matched (company name or symbol). */
  matched: string;
  /** Offset of the first mention. */
  index: number;
}

/**
 * Checks a user's link before any work is done: parses it (http/https only, no credentials) and
 * refuses hosts the fetcher would refuse without a DNS lookup (literal private IPs, localhost).
 * Throws UserFacingError. The fetcher still checks every resolved address at connect time.
 */
export interface LinkPolicy {
  check(raw: string): URL;
}

export interface SymbolDirectory {
  get(symbol: string): SymbolEntry | undefined;
  /** Listed companies mentioned in a text, best listing per company, in order of first mention. */
  findInText(text: string, options?: { preferCurrencies?: readonly string[] }): SymbolMatch[];
  /** Prefix and fuzzy search by symbol or company name, for autocomplete and "did you mean". */
  search(query: string, limit?: number): SymbolEntry[];
  /** The listings of the one company a name denotes ("alibaba", "Siemens"), best first; [] when none or ambiguous. */
  company(name: string): SymbolEntry[];
  readonly size: number;
}

// ---- digests: feeds in, ticker syntheses out ------------------------------------------------

/** One entry of a news feed (RSS item, Atom entry), as a news-source adapter reports it. */
export interface FeedItem {
  title: string;
  /** Absolute http(s) link to the story. */
  url: string;
  /** ISO 8601 instant. */
  publishedAt?: string;
  /** Plain-text teaser. */
  summary?: string;
  /** Outlet name: RSS <source>, else the feed's title, else the link's host. */
  source?: string;
  guid?: string;
  /** The article's text, when it was fetched before clustering (helps reworded and translated reports). */
  articleText?: string;
}

/** A feed item with the instant this process first saw it in its feed (ISO). */
export interface SeenFeedItem extends FeedItem {
  firstSeenAt: string;
}

export interface FeedReadResult {
  url: string;
  /** Current items, or the last good ones when the feed was not fetched or failed. */
  items: SeenFeedItem[];
  /**
   * fetched: a new body was parsed; not_modified: 304, stored items reused; fresh: read recently,
   * stored items reused without a request; backoff: skipped after failures; failed: this read failed.
   */
  status: "fetched" | "not_modified" | "fresh" | "backoff" | "failed";
  error?: string;
}

/** Where feeds come from (the polite feed fetcher in production). */
export interface FeedSource {
  fetchFeed(url: string, signal?: AbortSignal): Promise<FeedReadResult>;
}

export interface SynthesisStoryInput {
  id: string;
  title: string;
  outlets: string[];
  publishedAt?: string;
  brief?: Brief;
}

export interface TickerSynthesisRequest {
  symbol: string;
  name: string;
  /** ISO 639-1 language of the bullets. */
  language: string;
  stories: SynthesisStoryInput[];
  signal?: AbortSignal;
}

export interface TickerSynthesisOutput {
  synthesis: TickerSynthesis;
  /** Model requests it cost (retries and the repair included). */
  requests: number;
}

/** Writes a ticker's daily synthesis with a model. Throws (with `reason`) when it gives up. */
export interface TickerSynthesizer {
  readonly model: string;
  readonly promptVersion: string;
  synthesize(request: TickerSynthesisRequest): Promise<TickerSynthesisOutput>;
}
