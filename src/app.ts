import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createPageFetcher } from "./adapters/fetch/guarded-fetcher.ts";
import { DEFAULT_FEED_TEMPLATES, expandFeedTemplates } from "./adapters/news/feed-templates.ts";
import { openStore } from "./adapters/store/open-store.ts";
import { openSymbolDirectory, type SymbolUse } from "./adapters/symbols/directory.ts";
import { createExtractiveEngine } from "./core/extractive/engine.ts";
import { createDigestBuilder, type FeedSource, type TickerSynthesizer } from "./core/digest-builder.ts";
import type { DigestBuilder } from "./core/digest.ts";
import { noMetrics, type Metrics } from "./core/metrics.ts";
import type { ArticleExtractor, BriefEngine, PageFetcher, SymbolDirectory } from "./core/ports.ts";
import { loadPrompt } from "./core/prompt.ts";
import type { Store } from "./core/store.ts";
import { createSharedWork } from "./core/shared-work.ts";
import { createSummarizer, type Summarizer } from "./core/summarize.ts";
import { importGradually } from "./gradual-import.ts";

/**
 * Everything the CLI and the bot share, built once from validated config.
 *
 * The heavy parts load on first use, so an idle bot holds only what it needs to answer Discord:
 * the article extractor (linkedom, Readability, language detection) on the first summary, the
 * OpenAI SDK on the first model call, the feed parsers on the first feed read, and the symbol
 * directory on the first lookup (autocomplete, /watch, the extractive engine, digests). Each
 * loads in steps with the event loop free in between, so interactions arriving meanwhile are
 * still acknowledged at once.
 */
export interface App {
  config: Config;
  logger: Logger;
  /** What the bot counts (Prometheus when HTTP_PORT is set; otherwise nothing). */
  metrics: Metrics;
  store: Store;
  fetcher: PageFetcher;
  /** The article extractor, loaded on the first call (the summarizer calls it for you). */
  loadExtractor(): Promise<ArticleExtractor>;
  /**
   * The symbol directory, its listings and the indexes of `uses` built (in slices, once): it
   * then answers those synchronously. The extractive engine and the digest builder load it for you.
   */
  loadSymbols(...uses: SymbolUse[]): Promise<SymbolDirectory>;
  extractive: BriefEngine;
  llm?: BriefEngine;
  summarizer: Summarizer;
  digestBuilder: DigestBuilder;
  /** The news feeds read for a ticker (empty for a symbol the directory does not know). */
  feedUrlsFor(symbol: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function createApp(config: Config, logger: Logger, options: { metrics?: Metrics } = {}): Promise<App> {
  const metrics = options.metrics ?? noMetrics;
  const store = await openStore(config.database, { logger });
  const fetcher = createPageFetcher({ ...config.fetch, logger });
  const symbolSource = openSymbolDirectory(config.symbolsPath);
  const loadSymbols = (...uses: SymbolUse[]) => symbolSource.load(uses);
  const symbols = symbolSource.directory;
  const extractive = withSymbols(createExtractiveEngine({ symbols }), () => loadSymbols("text"));
  const llmConfig = config.llm;
  const llm = llmConfig ? lazyLlmEngine({ ...llmConfig, logger, metrics }) : undefined;

  // ArticleExtractor is synchronous: the summarizer loads it before every call that may extract.
  const loadExtractor = once(async () => (await import("./adapters/extractor/load.ts")).loadArticleExtractor());
  let extractor: ArticleExtractor | undefined;
  const loadedExtractor = (): ArticleExtractor => {
    if (extractor === undefined) throw new Error("the article extractor was used before it was loaded (await app.loadExtractor())");
    return extractor;
  };
  const summarizeWithExtractor = createSummarizer({
    fetcher,
    extractor: {
      extractHtml: (html, baseUrl) => loadedExtractor().extractHtml(html, baseUrl),
      fromText: (text) => loadedExtractor().fromText(text),
    },
    extractive,
    store,
    log: logger,
    ...(llm ? { llm } : {}),
  });
  const extractorReady = async () => {
    extractor ??= await loadExtractor();
  };
  const summarizer: Summarizer = {
    async summarize(input, options) {
      await extractorReady();
      return summarizeWithExtractor.summarize(input, options);
    },
    async loadArticle(input, signal) {
      await extractorReady();
      return summarizeWithExtractor.loadArticle(input, signal);
    },
  };

  const feedTemplates = config.newsFeeds ?? DEFAULT_FEED_TEMPLATES;
  const loadFeeds = once(async () => (await import("./adapters/news/feed-fetcher.ts")).createFeedFetcher({ fetcher, store, logger, metrics }));
  const feeds: FeedSource = { fetchFeed: async (url, signal) => (await loadFeeds()).fetchFeed(url, signal) };
  const digestBuilderWithSymbols = createDigestBuilder({
    symbols,
    store,
    summarizer,
    feeds,
    feedUrls: (entry) => expandFeedTemplates(feedTemplates, entry),
    ...(llmConfig ? { synthesizer: lazySynthesizer({ ...llmConfig, logger, metrics }) } : {}),
    // Processes sharing a PostgreSQL summarize each story (and synthesize each ticker) once between them.
    ...(store.kind === "postgres" ? { sharedWork: createSharedWork(store) } : {}),
    log: logger,
  });
  const digestBuilder: DigestBuilder = {
    async build(request) {
      await loadSymbols();
      return digestBuilderWithSymbols.build(request);
    },
  };
  return {
    config,
    logger,
    metrics,
    store,
    fetcher,
    loadExtractor,
    loadSymbols,
    extractive,
    ...(llm ? { llm } : {}),
    summarizer,
    digestBuilder,
    async feedUrlsFor(symbol) {
      const entry = (await loadSymbols()).get(symbol);
      return entry ? expandFeedTemplates(feedTemplates, entry) : [];
    },
    close: () => store.close(),
  };
}

/** Runs `load` once, on the first call; a failed load is tried again on the next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** The engine, with `load` awaited before each brief (the extractive engine looks tickers up synchronously). */
function withSymbols(engine: BriefEngine, load: () => Promise<unknown>): BriefEngine {
  return {
    name: engine.name,
    model: engine.model,
    promptVersion: engine.promptVersion,
    summarize: async (request) => {
      await load();
      return engine.summarize(request);
    },
  };
}

type LlmOptions = NonNullable<Config["llm"]> & { logger: Logger; metrics: Metrics };

/**
 * An adapter built on the OpenAI SDK: the SDK alone is ~240 modules (~0.15 s of compiling), so
 * they are imported a few at a time with the event loop free in between.
 */
function importLlmAdapter<T>(path: string): Promise<T> {
  return importGradually<T>(new URL(path, import.meta.url).href);
}

/** The OpenAI brief engine; the SDK loads on the first brief. Its name, model and prompt version are known before. */
function lazyLlmEngine(options: LlmOptions): BriefEngine {
  const engine = once(async () =>
    (await importLlmAdapter<typeof import("./adapters/llm/openai-engine.ts")>("./adapters/llm/openai-engine.ts")).createOpenAiEngine(options),
  );
  return {
    name: "llm",
    model: options.model,
    promptVersion: loadPrompt("brief").version,
    summarize: async (request) => (await engine()).summarize(request),
  };
}

/** The OpenAI ticker synthesizer of digests; the SDK loads on the first synthesis. */
function lazySynthesizer(options: LlmOptions): TickerSynthesizer {
  const synthesizer = once(async () =>
    (await importLlmAdapter<typeof import("./adapters/llm/openai-synthesis.ts")>("./adapters/llm/openai-synthesis.ts")).createOpenAiSynthesizer(options),
  );
  return {
    model: options.model,
    promptVersion: loadPrompt("digest").version,
    synthesize: async (request) => (await synthesizer()).synthesize(request),
  };
}
