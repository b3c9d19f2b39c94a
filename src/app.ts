import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createChartRenderer } from "./adapters/chart/price-chart.ts";
import { createArticleExtractor } from "./adapters/extractor/index.ts";
import { createPageFetcher } from "./adapters/fetch/guarded-fetcher.ts";
import { createLinkPolicy } from "./adapters/fetch/link-policy.ts";
import { createOpenAiEngine } from "./adapters/llm/openai-engine.ts";
import { createOpenAiSynthesizer } from "./adapters/llm/openai-synthesis.ts";
import { createYahooChartMarketData } from "./adapters/market/yahoo-chart.ts";
import { createFeedFetcher } from "./adapters/news/feed-fetcher.ts";
import { DEFAULT_FEED_TEMPLATES, expandFeedTemplates } from "./adapters/news/feed-templates.ts";
import { openStore } from "./adapters/store/open-store.ts";
import { loadSymbolDirectory } from "./adapters/symbols/directory.ts";
import { createExtractiveEngine } from "./core/extractive/engine.ts";
import { createDigestBuilder } from "./core/digest-builder.ts";
import type { DigestBuilder } from "./core/digest.ts";
import type { ChartRenderer, MarketData } from "./core/market.ts";
import type { BriefEngine, PageFetcher, SymbolDirectory } from "./core/ports.ts";
import { noMetrics, type Metrics } from "./core/metrics.ts";
import type { Store } from "./core/store.ts";
import { createSharedWork } from "./core/shared-work.ts";
import { createSummarizer, type Summarizer } from "./core/summarize.ts";
import type { CommandServices } from "./discord/command.ts";
import { createBriefLimits } from "./discord/limits.ts";
import { gatewayReady } from "./discord/client.ts";
import { storePing } from "./http/health.ts";
import { startOpsServer, type OpsServer } from "./http/server.ts";
import type { PrometheusMetrics } from "./adapters/metrics/prometheus.ts";
import type { Client } from "discord.js";
import { deliverDigest } from "./jobs/delivery.ts";

/**
 * Everything the CLI and the bot share, built once from validated config. Everything loads here,
 * before the bot logs in: a bot is a long-running process, and first-use latency is a user's wait.
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

export async function createApp(config: Config, logger: Logger, options: { metrics?: Metrics } = {}): Promise<App> {
  const metrics = options.metrics ?? noMetrics;
  const store = await openStore(config.database, { logger });
  const fetcher = createPageFetcher({ ...config.fetch, logger });
  const symbols = loadSymbolDirectory(config.symbolsPath);
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

/** What the bot's commands may use (each command declares the few it does use). */
export function commandServices(app: App): CommandServices {
  const { config, store } = app;
  return {
    store,
    symbols: app.symbols,
    summarizer: app.summarizer,
    digestBuilder: app.digestBuilder,
    links: createLinkPolicy(config.fetch.allowPrivate),
    limits: createBriefLimits(store, {
      cooldownS: config.discord.summarizeCooldownS,
      guildDailyBriefs: config.discord.guildDailyBriefs,
      digestPostCooldownS: config.digest.nowCooldownS,
    }),
    watchLimit: config.digest.watchLimit,
    ...(app.market ? { market: app.market } : {}),
    charts: app.charts,
    feedUrlsFor: app.feedUrlsFor,
    deliverDigest: (sender, owner, request) =>
      deliverDigest({ store, sender, log: app.logger, owner, policy: { leaseMs: config.digest.leaseS * 1000 } }, request),
    engine: app.llm ? { name: "llm", model: app.llm.model } : { name: "extractive" },
  };
}

/** /healthz and /metrics for the running bot (HTTP_PORT set); undefined when off. */
export async function startBotOpsServer(app: App, client: Client, metrics: PrometheusMetrics): Promise<OpsServer | undefined> {
  const http = app.config.http;
  if (http === undefined) return undefined;
  return startOpsServer({
    port: http.port,
    host: http.host,
    log: app.logger.child({ component: "http" }),
    metrics: () => metrics.render(),
    health: {
      gatewayReady: () => gatewayReady(client),
      pingStore: storePing(app.store),
      lastSchedulerTick: () => metrics.lastSchedulerTick,
    },
  });
}
