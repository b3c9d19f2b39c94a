/**
 * The measured process of the digest-scale bench: only the product's code (store, symbol
 * directory, page fetcher, feed fetcher, extractor, summarizer, digest builder) and the planning
 * of each channel's messages. The stand-ins run elsewhere (digest-world-server.ts); the bench
 * starts this file with the node flags of `npm start`, so its memory is the bot's.
 *
 * Protocol (JSON lines): reads a WorkerRequest from stdin, subscribes the channels, builds the
 * digest of their tickers once, plans the messages and prints a WorkerBuilt line; on a "repeat"
 * line it builds again (everything cached) and prints a WorkerRepeated line; it exits when stdin
 * closes.
 */
import { createInterface } from "node:readline";
import { createArticleExtractor } from "../../src/adapters/extractor/index.ts";
import { createPageFetcher } from "../../src/adapters/fetch/guarded-fetcher.ts";
import { createOpenAiEngine } from "../../src/adapters/llm/openai-engine.ts";
import { createOpenAiSynthesizer } from "../../src/adapters/llm/openai-synthesis.ts";
import { createFeedFetcher } from "../../src/adapters/news/feed-fetcher.ts";
import { expandFeedTemplates } from "../../src/adapters/news/feed-templates.ts";
import { openSqliteStore } from "../../src/adapters/store/sqlite-store.ts";
import { loadSymbolDirectory } from "../../src/adapters/symbols/directory.ts";
import { createDigestBuilder, digestSince } from "../../src/core/digest-builder.ts";
import type { TickerDigest } from "../../src/core/digest.ts";
import { createExtractiveEngine } from "../../src/core/extractive/engine.ts";
import { createSummarizer } from "../../src/core/summarize.ts";
import { seededRandom } from "./seeded-random.ts";

export interface WorkerRequest {
  symbols: string[];
  templates: string[];
  llmUrl: string;
  dbPath: string;
  channels: number;
  tickersPerChannel: number;
  seed: number;
  nowMs: number;
  /** Stories summarized per ticker (the builder's default when absent). */
  storyCap?: number;
  articleConcurrency: number;
  /** Overrides the store's own `PRAGMA synchronous`. */
  sqliteSynchronous?: "FULL" | "NORMAL";
}

export interface WorkerBuilt {
  phase: "built";
  node: string;
  execArgv: string[];
  sqlite: { journalMode: string; synchronous: string };
  channels: number;
  buildMs: number;
  planMs: number;
  messages: number;
  rssBeforeBuild: number;
  /** The process's RSS high-water mark (kernel maxrss) after the build and the planning. */
  peakRss: number;
  uniqueStories: number;
  summarizedStories: number;
  synthesizedTickers: number;
}

export interface WorkerRepeated {
  phase: "repeated";
  repeatMs: number;
  peakRss: number;
}

const EMBED_LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, fields: 25, perMessage: 10, totalChars: 6000 };
const SYNCHRONOUS = ["OFF", "NORMAL", "FULL", "EXTRA"];

/** Characters one ticker's embed would take: title, bullets, one field per story with its links. */
function tickerEmbedChars(ticker: TickerDigest): number {
  const title = Math.min(EMBED_LIMITS.title, `${ticker.symbol}: ${ticker.name}${ticker.tone ? ` (${ticker.tone})` : ""}`.length);
  const description = Math.min(EMBED_LIMITS.description, ticker.bullets.reduce((n, b) => n + b.length + 3, 0));
  let fields = 0;
  for (const story of ticker.stories.slice(0, EMBED_LIMITS.fields)) {
    const name = Math.min(EMBED_LIMITS.fieldName, story.title.length);
    const value = Math.min(EMBED_LIMITS.fieldValue, story.sources.reduce((n, s) => n + s.outlet.length + s.url.length + 6, 0));
    fields += name + value;
  }
  return title + description + fields;
}

/** Messages a channel's digest needs: embeds packed under 10 per message and 6,000 characters. */
function planMessages(embedChars: readonly number[]): number {
  let messages = 0;
  let embeds = 0;
  let chars = 0;
  for (const size of embedChars) {
    if (messages === 0 || embeds === EMBED_LIMITS.perMessage || chars + size > EMBED_LIMITS.totalChars) {
      messages += 1;
      embeds = 0;
      chars = 0;
    }
    embeds += 1;
    chars += size;
  }
  return Math.max(messages, 1);
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;
const send = (line: WorkerBuilt | WorkerRepeated) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) return;
  const request = JSON.parse(first.value) as WorkerRequest;
  const now = new Date(request.nowMs);

  const directory = loadSymbolDirectory();
  const store = openSqliteStore(request.dbPath);
  if (request.sqliteSynchronous !== undefined) store.db.exec(`PRAGMA synchronous = ${request.sqliteSynchronous}`);
  const journal = store.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
  const sync = store.db.prepare("PRAGMA synchronous").get() as { synchronous: number };
  const fetcher = createPageFetcher({
    allowPrivate: ["127.0.0.0/8"],
    timeoutMs: 30_000,
    connectTimeoutMs: 5_000,
    maxBytes: 2_000_000,
    userAgent: "marketbrief-bench",
  });
  const llmOptions = { apiKey: "bench", baseURL: request.llmUrl, model: "bench-model", timeoutMs: 30_000 };
  const summarizer = createSummarizer({
    fetcher,
    extractor: createArticleExtractor(),
    extractive: createExtractiveEngine({ symbols: directory }),
    symbols: directory,
    llm: createOpenAiEngine({ ...llmOptions, maxInputTokens: 6_000 }),
    store,
  });
  // Politeness intervals are 0 (local servers); the per-host concurrency limits stay on.
  const feeds = createFeedFetcher({ fetcher, store, perHostConcurrency: 4, minIntervalMs: 0 });
  const builder = createDigestBuilder({
    symbols: directory,
    store,
    summarizer,
    feeds,
    feedUrls: (entry) => expandFeedTemplates(request.templates, entry),
    synthesizer: createOpenAiSynthesizer(llmOptions),
    feedConcurrency: 8,
    articleConcurrency: request.articleConcurrency,
    articlesPerHost: 4,
    articleHostIntervalMs: 0,
    synthesisConcurrency: 4,
    ...(request.storyCap !== undefined ? { storiesPerTicker: request.storyCap } : {}),
  });

  // Subscriptions: channel c follows ticker c mod N first (so every ticker is followed), then random others.
  const { symbols } = request;
  const random = seededRandom(request.seed);
  for (let c = 0; c < request.channels; c++) {
    const channelId = String(100_000_000_000_000_000n + BigInt(c));
    const chosen = new Set([c % symbols.length]);
    while (chosen.size < Math.min(request.tickersPerChannel, symbols.length)) chosen.add(Math.floor(random() * symbols.length));
    for (const index of chosen) await store.addWatch(channelId, "1", symbols[index] ?? "", 25);
    await store.setSchedule(channelId, "1", { time: "08:00", timeZone: "Europe/Berlin", weekdaysOnly: true });
  }

  const rssBeforeBuild = process.memoryUsage.rss();
  const started = performance.now();
  const channels = await store.listScheduledChannels();
  const union = [...new Set(channels.flatMap((c) => c.symbols))];
  const digest = await builder.build({ symbols: union, since: digestSince(undefined, now), language: "en", now });
  const built = performance.now();
  const embedChars = new Map(digest.tickers.map((t) => [t.symbol, tickerEmbedChars(t)]));
  let messages = 0;
  for (const channel of channels) messages += planMessages(channel.symbols.map((s) => embedChars.get(s) ?? 0));
  const planned = performance.now();
  const peakRss = maxRss();

  send({
    phase: "built",
    node: process.version,
    execArgv: process.execArgv,
    sqlite: { journalMode: journal.journal_mode, synchronous: SYNCHRONOUS[sync.synchronous] ?? String(sync.synchronous) },
    channels: channels.length,
    buildMs: built - started,
    planMs: planned - built,
    messages,
    rssBeforeBuild,
    peakRss,
    uniqueStories: new Set(digest.tickers.flatMap((t) => t.stories.map((s) => s.url))).size,
    summarizedStories: new Set(digest.tickers.flatMap((t) => t.stories.filter((s) => s.brief).map((s) => s.url))).size,
    synthesizedTickers: digest.tickers.filter((t) => t.mode === "llm" && t.stories.length > 0).length,
  });

  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    if (next.value.trim() !== "repeat") continue;
    const repeatStart = performance.now();
    await builder.build({ symbols: union, since: digestSince(undefined, now), language: "en", now });
    send({ phase: "repeated", repeatMs: performance.now() - repeatStart, peakRss: maxRss() });
  }
  await store.close();
}

if (import.meta.main) {
  await main();
  process.exit(0);
}
