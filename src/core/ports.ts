import type { Article } from "./article.ts";
import type { Brief, EngineName } from "./brief.ts";

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

export interface SymbolDirectory {
  get(symbol: string): SymbolEntry | undefined;
  /** Listed companies mentioned in a text, best listing per company, in order of first mention. */
  findInText(text: string, options?: { preferCurrencies?: readonly string[] }): SymbolMatch[];
  /** Prefix and fuzzy search by symbol or company name, for autocomplete and "did you mean". */
  search(query: string, limit?: number): SymbolEntry[];
  readonly size: number;
}
