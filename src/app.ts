import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createChartRenderer } from "./adapters/chart/price-chart.ts";
import { createArticleExtractor } from "./adapters/extractor/index.ts";
import { createPageFetcher } from "./adapters/fetch/guarded-fetcher.ts";
import { createOpenAiEngine } from "./adapters/llm/openai-engine.ts";
import { createOpenAiSynthesizer } from "./adapters/llm/openai-synthesis.ts";
import { createYahooChartMarketData } from "./adapters/market/yahoo-chart.ts";
import { createFeedFetcher } from "./adapters/news/feed-fetcher.ts";
import { DEFAULT_FEED_TEMPLATES, expandFeedTemplates } from "./adapters/news/feed-templates.ts";
import { openStore } from "./adapters/store/open-store.ts";
import { loadSymbolDirectory, loadSymbolDirectoryOnFirstUse } from "./adapters/symbols/directory.ts";
import { createExtractiveEngine } from "./core/extractive/engine.ts";
import { createDigestBuilder } from "./core/digest-builder.ts";
import type { DigestBuilder } from "./core/digest.ts";
import type { ChartRenderer, MarketData } from "./core/market.ts";
import type { BriefEngine, PageFetcher, SymbolDirectory } from "./core/ports.ts";
import { noMetrics, type Metrics } from "./core/metrics.ts";
import type { Store } from "./core/store.ts";
import { createSharedWork } from "./core/shared-work.ts";
import { createSummarizer, type Summarizer } from "./core/summarize.ts";

/**
 * Everything the CLI and the bot share, built once from validated config. For the bot everything
 * loads here, before it logs in: a bot is a long-running process, and first-use latency is a
 * user's wait. Nothing here loads discord.js (the bot's wiring is in bot-services.ts).
 */
export interface App {
  config: Config;
  logger: Logger;
  /** What the bot counts (Prometheus when HTTP_PORT is set; otherwise nothing). */
  metrics: Metrics;
  store: Store;
  fetcher: PageFetcher;
  symbols: SymbolDirectory;
  extractive: BriefEngine;
  llm?: BriefEngine;
  summarizer: Summarizer;
  digestBuilder: DigestBuilder;
  /** Prices and chart bars; absent with MARKET_DATA_URL=off. */
  market?: MarketData;
  /** PNG price charts. */
  charts: ChartRenderer;
  /** The news feeds read for a ticker (empty for a symbol the directory does not know). */
  feedUrlsFor(symbol: string): string[];
  close(): Promise<void>;
}

export interface AppOptions {
  metrics?: Metrics;
  /** "at start" (default) for the bot; "on first use" for one-shot CLI runs that may not need it. */
  symbols?: "at start" | "on first use";
}

export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const metrics = options.metrics ?? noMetrics;
  const store = await openStore(config.database, { logger });
  const fetcher = createPageFetcher({ ...config.fetch, logger });
  const symbols =
    options.symbols === "on first use" ? loadSymbolDirectoryOnFirstUse(config.symbolsPath) : loadSymbolDirectory(config.symbolsPath);
  const extractive = createExtractiveEngine({ symbols });
  const llmOptions = config.llm ? { ...config.llm, logger, metrics } : undefined;
  const llm = llmOptions ? createOpenAiEngine(llmOptions) : undefined;
  const summarizer = createSummarizer({
    fetcher,
    extractor: createArticleExtractor(),
    extractive,
    store,
    symbols,
    log: logger,
    metrics,
    ...(llm ? { llm } : {}),
  });
  const market = config.marketData
    ? createYahooChartMarketData({ baseUrl: config.marketData.baseUrl, fetcher, store, logger, metrics })
    : undefined;

  const feedTemplates = config.newsFeeds ?? DEFAULT_FEED_TEMPLATES;
  const digestBuilder = createDigestBuilder({
    symbols,
    store,
    summarizer,
    feeds: createFeedFetcher({ fetcher, store, logger, metrics }),
    feedUrls: (entry) => expandFeedTemplates(feedTemplates, entry),
    ...(llmOptions ? { synthesizer: createOpenAiSynthesizer(llmOptions) } : {}),
    ...(market ? { market } : {}),
    // Processes sharing a PostgreSQL summarize each story (and synthesize each ticker) once between them.
    ...(store.kind === "postgres" ? { sharedWork: createSharedWork(store) } : {}),
    log: logger,
    metrics,
  });
  return {
    config,
    logger,
    metrics,
    store,
    fetcher,
    symbols,
    extractive,
    ...(llm ? { llm } : {}),
    summarizer,
    digestBuilder,
    ...(market ? { market } : {}),
    charts: createChartRenderer(),
    feedUrlsFor(symbol) {
      const entry = symbols.get(symbol);
      return entry ? expandFeedTemplates(feedTemplates, entry) : [];
    },
    close: () => store.close(),
  };
}
