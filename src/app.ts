import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createArticleExtractor } from "./adapters/extractor/index.ts";
import { createPageFetcher } from "./adapters/fetch/guarded-fetcher.ts";
import { createOpenAiEngine } from "./adapters/llm/openai-engine.ts";
import { createOpenAiSynthesizer } from "./adapters/llm/openai-synthesis.ts";
import { createFeedFetcher } from "./adapters/news/feed-fetcher.ts";
import { DEFAULT_FEED_TEMPLATES, expandFeedTemplates } from "./adapters/news/feed-templates.ts";
import { openStore } from "./adapters/store/open-store.ts";
import { loadSymbolDirectory } from "./adapters/symbols/directory.ts";
import { createExtractiveEngine } from "./core/extractive/engine.ts";
import { createDigestBuilder } from "./core/digest-builder.ts";
import type { DigestBuilder } from "./core/digest.ts";
import type { ArticleExtractor, BriefEngine, PageFetcher, SymbolDirectory } from "./core/ports.ts";
import type { Store } from "./core/store.ts";
import { createSummarizer, type Summarizer } from "./core/summarize.ts";

/** Everything the CLI and the bot share, built once from validated config. */
export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  fetcher: PageFetcher;
  extractor: ArticleExtractor;
  symbols: SymbolDirectory;
  extractive: BriefEngine;
  llm?: BriefEngine;
  summarizer: Summarizer;
  digestBuilder: DigestBuilder;
  close(): Promise<void>;
}

export async function createApp(config: Config, logger: Logger): Promise<App> {
  const store = await openStore(config.database);
  const fetcher = createPageFetcher({ ...config.fetch, logger });
  const extractor = createArticleExtractor();
  const symbols = loadSymbolDirectory(config.symbolsPath);
  const extractive = createExtractiveEngine({ symbols });
  const llm = config.llm ? createOpenAiEngine({ ...config.llm, logger }) : undefined;
  const summarizer = createSummarizer({
    fetcher,
    extractor,
    extractive,
    store,
    log: logger,
    ...(llm ? { llm } : {}),
  });
  const feedTemplates = config.newsFeeds ?? DEFAULT_FEED_TEMPLATES;
  const digestBuilder = createDigestBuilder({
    symbols,
    store,
    summarizer,
    feeds: createFeedFetcher({ fetcher, store, logger }),
    feedUrls: (entry) => expandFeedTemplates(feedTemplates, entry),
    ...(config.llm ? { synthesizer: createOpenAiSynthesizer({ ...config.llm, logger }) } : {}),
    log: logger,
  });
  return {
    config,
    logger,
    store,
    fetcher,
    extractor,
    symbols,
    extractive,
    ...(llm ? { llm } : {}),
    summarizer,
    digestBuilder,
    close: () => store.close(),
  };
}
