import type { Digest, DigestBuilder, DigestRequest, TickerDigest } from "./digest.ts";
import { createDigestFeedReads } from "./digest-feed-reads.ts";
import { pricesWarning, readTickerPrice } from "./digest-prices.ts";
import { startDigestRun } from "./digest-run.ts";
import { createStoryBriefs } from "./digest-story-briefs.ts";
import { tickerDigest } from "./digest-ticker.ts";
import { createTickerStories } from "./digest-ticker-stories.ts";
import { createTickerSyntheses } from "./digest-ticker-synthesis.ts";
import { createKeyedLimiter, forEachLimit } from "./limiter.ts";
import type { MarketData } from "./market.ts";
import type { Metrics } from "./metrics.ts";
import type { FeedSource, SymbolDirectory, SymbolEntry, TickerSynthesizer } from "./ports.ts";
import { unshared, type SharedWork } from "./shared-work.ts";
import type { Store } from "./store.ts";
import type { Summarizer } from "./summarize.ts";

export { pickStories } from "./digest-story-picking.ts";
export { selectTickers } from "./digest-ticker-selection.ts";
export { SYNTHESIS_CACHE_KIND } from "./digest-ticker-synthesis.ts";
export { digestSince } from "./digest-window.ts";

/**
 * The DigestBuilder: per ticker, the items of its feeds newer than `since`, clustered across
 * outlets into stories, each story's article summarized once (the summarizer's brief cache,
 * keyed by canonical URL), and one synthesis per ticker per day cached in the store, so every
 * channel following the ticker shares it and a repeat costs no model request.
 */

export interface DigestBuilderDeps {
  symbols: SymbolDirectory;
  store: Store;
  summarizer: Summarizer;
  feeds: FeedSource;
  /** Feed URLs of a listing (the configured templates, filled in). */
  feedUrls: (entry: SymbolEntry) => string[];
  /** Absent: digests are headlines and links only. */
  synthesizer?: TickerSynthesizer;
  /** Absent: digests carry no prices. */
  market?: MarketData;
  /** Counts what the verifier removes from a newly written synthesis (default: nothing). */
  metrics?: Pick<Metrics, "verifierRemoval">;
  /** Several processes on one store: a story or synthesis is done by one of them (default: this process only). */
  sharedWork?: SharedWork;
  log?: {
    warn(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
    debug?(obj: object, msg?: string): void;
  };
  /** Stories kept per ticker, most covered then newest (default 5). */
  storiesPerTicker?: number;
  /** Stories linked per ticker, summarized or not (default 15). */
  linkedStoriesPerTicker?: number;
  /** Feeds read at once, all hosts together (default 8); the feed source limits each host. */
  feedConcurrency?: number;
  /** Articles fetched and summarized at once (default 4). */
  articleConcurrency?: number;
  /** Articles of one host fetched and summarized at once (default 2). */
  articlesPerHost?: number;
  /** Least time between the starts of two article fetches on one host (default 250 ms). */
  articleHostIntervalMs?: number;
  /** Ticker syntheses requested at once (default 4). */
  synthesisConcurrency?: number;
  /**
   * Tickers in progress at once: feeds read, stories chosen, articles summarized, synthesis
   * written (default 32). Bounds the feed items held; enough to keep the article slots busy.
   */
  tickerConcurrency?: number;
}

export const DEFAULT_STORIES_PER_TICKER = 5;
export const DEFAULT_TICKER_CONCURRENCY = 32;
/** Stories linked per ticker: the summarized ones first, then further headlines (Discord fits them). */
export const DEFAULT_LINKED_STORIES_PER_TICKER = 15;
export const HEADLINES_ONLY_WARNING = "No language model is configured: this digest is headlines and links only.";

export function createDigestBuilder(deps: DigestBuilderDeps): DigestBuilder {
  const storiesPerTicker = deps.storiesPerTicker ?? DEFAULT_STORIES_PER_TICKER;
  const linkedStoriesPerTicker = deps.linkedStoriesPerTicker ?? DEFAULT_LINKED_STORIES_PER_TICKER;
  const feedSlots = createKeyedLimiter({ concurrency: deps.feedConcurrency ?? 8 });
  const tickerConcurrency = Math.max(1, Math.floor(deps.tickerConcurrency ?? DEFAULT_TICKER_CONCURRENCY));
  const sharedWork = deps.sharedWork ?? unshared;
  const briefFor = createStoryBriefs({
    summarizer: deps.summarizer,
    sharedWork,
    ...(deps.log ? { log: deps.log } : {}),
    articleConcurrency: deps.articleConcurrency ?? 4,
    articlesPerHost: deps.articlesPerHost ?? 2,
    articleHostIntervalMs: deps.articleHostIntervalMs ?? 250,
  });
  const synthesisFor = createTickerSyntheses({
    store: deps.store,
    sharedWork,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    synthesisConcurrency: deps.synthesisConcurrency ?? 4,
  });
  const tickerOptions = {
    ...(deps.synthesizer ? { synthesizer: deps.synthesizer } : {}),
    synthesisFor,
    ...(deps.log ? { log: deps.log } : {}),
  };

  async function build(request: DigestRequest): Promise<Digest> {
    const { run, stop } = startDigestRun(request);
    const signal = run.signal;
    const entries = resolveSymbols(request.symbols, deps.symbols, run.warnings);
    if (deps.synthesizer === undefined && entries.length > 0) run.warnings.push(HEADLINES_ONLY_WARNING);
    const feedWarningAt = run.warnings.length;

    // Tickers stream through a bounded pool: each reads its feeds, keeps its chosen stories and
    // lets the feed items go, so the items of all feeds are never held at once.
    const feedUrls = entries.map((entry) => deps.feedUrls(entry));
    const feedReads = createDigestFeedReads(feedUrls, deps.feeds, feedSlots, signal);
    const storiesOf = createTickerStories({ feedReads, briefFor, run, storiesPerTicker, linkedStoriesPerTicker });

    const tickers: TickerDigest[] = [];
    let failure: { err: unknown } | undefined;
    try {
      await forEachLimit(entries, tickerConcurrency, async (entry, index) => {
        const price = readTickerPrice(deps.market, entry.symbol, signal);
        const digest = await tickerDigest(entry, await storiesOf(feedUrls[index] ?? []), run, tickerOptions);
        tickers[index] = price ? { ...digest, price: await price } : digest;
      });
    } catch (err) {
      failure = { err };
    }

    if (failure !== undefined) {
      // A refusal aborted the run: report the caller's own error, not an abort.
      if (stop.signal.aborted && !request.signal?.aborted) throw stop.signal.reason;
      throw failure.err;
    }
    const noPrices = pricesWarning(tickers);
    if (noPrices !== undefined) run.warnings.push(noPrices);
    const feedWarning = feedReads.warning();
    if (feedWarning !== undefined) run.warnings.splice(feedWarningAt, 0, feedWarning);
    return {
      generatedAt: run.now.toISOString(),
      language: request.language,
      since: request.since.toISOString(),
      tickers,
      warnings: run.warnings,
    };
  }

  return { build };
}

function resolveSymbols(symbols: readonly string[], directory: SymbolDirectory, warnings: string[]): SymbolEntry[] {
  const entries = new Map<string, SymbolEntry>();
  const unknown: string[] = [];
  for (const symbol of symbols) {
    const entry = directory.get(symbol);
    if (entry === undefined) unknown.push(symbol);
    else entries.set(entry.symbol, entry);
  }
  if (unknown.length > 0) warnings.push(`Unknown symbol(s) left out: ${unknown.join(", ")}.`);
  return [...entries.values()];
}
