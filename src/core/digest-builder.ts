import { unshared, type SharedWork } from "./shared-work.ts";
import { createHash } from "node:crypto";
import type { Brief } from "./brief.ts";
import { hostOf } from "./canonical-url.ts";
import { clusterStories, type StoryCluster } from "./cluster.ts";
import {
  TickerSynthesisSchema,
  type Digest,
  type DigestBuilder,
  type DigestRequest,
  type DigestStory,
  type TickerDigest,
  type TickerSynthesis,
} from "./digest.ts";
import { digestStoryReason, publishedBeforeWindow } from "./digest-story-reasons.ts";
import { isUserFacingError } from "./errors.ts";
import { createKeyedLimiter, forEachLimit } from "./limiter.ts";
import type {
  FeedReadResult,
  FeedSource,
  SeenFeedItem,
  SymbolDirectory,
  SymbolEntry,
  SynthesisStoryInput,
  TickerSynthesizer,
} from "./ports.ts";
import { PRICES_UNAVAILABLE, priceOutcome, type MarketData } from "./market.ts";
import type { Store } from "./store.ts";
import type { Summarizer } from "./summarize.ts";
import type { Metrics } from "./metrics.ts";
import { recordRemovals } from "./verify/removal-metrics.ts";
import { verifySynthesis } from "./verify/verify-digest.ts";

/**
 * The DigestBuilder: per ticker, the items of its feeds newer than `since`, clustered across
 * outlets into stories, each story's article summarized once (the summarizer's brief cache,
 * keyed by canonical URL), and one synthesis per ticker per day cached in the store, so every
 * channel following the ticker shares it and a repeat costs no model request.
 *
 * Undated feed items: an item without a date counts as new when the feed fetcher first saw it
 * after `since` (its `firstSeenAt`); on a feed read for the first time every item is first seen
 * now, so its undated items count as new (the per-ticker cap still keeps the digest short).
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
export const SYNTHESIS_CACHE_KIND = "synthesis";
export const HEADLINES_ONLY_WARNING = "No language model is configured: this digest is headlines and links only.";

const DAY_MS = 86_400_000;

/** A chosen story without its feed items: what the digest shows and the links to read. */
type StoryShell = Pick<StoryCluster, "id" | "title" | "url" | "publishedAt" | "sources">;

interface TickerStory {
  story: StoryShell;
  /** The story's brief, shared by every ticker that carries it; absent for headlines only. */
  brief?: Promise<BriefOutcome>;
}

interface FailedFeed {
  url: string;
  error?: string;
  /** Position of the feed among the build's feeds, so the warning does not depend on timing. */
  position: number;
}

interface BriefOutcome {
  brief?: Brief;
  briefError?: string;
  /** Publication date the article page states. */
  articlePublishedAt?: string;
}

export function createDigestBuilder(deps: DigestBuilderDeps): DigestBuilder {
  const storiesPerTicker = deps.storiesPerTicker ?? DEFAULT_STORIES_PER_TICKER;
  const linkedStoriesPerTicker = deps.linkedStoriesPerTicker ?? DEFAULT_LINKED_STORIES_PER_TICKER;
  const articleSlots = createKeyedLimiter({ concurrency: deps.articleConcurrency ?? 4 });
  const articleHosts = createKeyedLimiter({
    concurrency: deps.articlesPerHost ?? 2,
    minIntervalMs: deps.articleHostIntervalMs ?? 250,
  });
  const feedSlots = createKeyedLimiter({ concurrency: deps.feedConcurrency ?? 8 });
  const synthesisSlots = createKeyedLimiter({ concurrency: deps.synthesisConcurrency ?? 4 });
  const tickerConcurrency = Math.max(1, Math.floor(deps.tickerConcurrency ?? DEFAULT_TICKER_CONCURRENCY));
  // Concurrent builds (several channels at once) share briefs and syntheses still running.
  const briefsInFlight = new Map<string, Promise<BriefOutcome>>();
  const synthesesInFlight = new Map<string, Promise<TickerSynthesis>>();
  const shared = deps.sharedWork ?? unshared;

  async function summarizeStory(story: StoryShell, run: Run): Promise<BriefOutcome> {
    let lastError = digestStoryReason(undefined);
    // The representative first; another outlet's page when it cannot be read.
    for (const source of story.sources) {
      const url = source.url;
      const host = hostOf(url) ?? url;
      try {
        const outcome = await articleHosts.run(
          host,
          () =>
            articleSlots.run(
              "*",
              () =>
                deps.summarizer.summarize(
                  { kind: "url", url, canonicalUrl: url },
                  {
                    language: run.language,
                    ...(run.signal ? { signal: run.signal } : {}),
                    ...(run.beforeNewLlmCall ? { beforeNewLlmBrief: run.beforeNewLlmCall } : {}),
                  },
                ),
              run.signal,
            ),
          run.signal,
        );
        const articlePublishedAt = outcome.result.source.publishedAt;
        return { brief: outcome.result.brief, ...(articlePublishedAt ? { articlePublishedAt } : {}) };
      } catch (err) {
        if (run.signal?.aborted) throw run.signal.reason;
        if (isUserFacingError(err)) {
          lastError = digestStoryReason(err.code, err.message);
          deps.log?.info({ url, code: err.code }, "digest story article unavailable");
        } else {
          lastError = digestStoryReason(undefined);
          deps.log?.warn({ err, url }, "digest story summary failed");
        }
      }
    }
    return { briefError: lastError };
  }

  function briefFor(story: StoryShell, run: Run): Promise<BriefOutcome> {
    const key = `${story.url}|${run.language}`;
    let running = briefsInFlight.get(key);
    if (!running) {
      running = shared.once(`brief|${run.now.toISOString().slice(0, 10)}|${key}`, () => summarizeStory(story, run), run.signal).finally(() => briefsInFlight.delete(key));
      briefsInFlight.set(key, running);
    }
    return running;
  }

  function synthesisFor(entry: SymbolEntry, stories: DigestStory[], run: Run, synthesizer: TickerSynthesizer): Promise<TickerSynthesis> {
    const ids = stories.map((s) => s.id).toSorted().join(",");
    const storiesHash = createHash("sha256").update(ids).digest("hex").slice(0, 16);
    const key = [entry.symbol, run.now.toISOString().slice(0, 10), run.language, synthesizer.promptVersion, synthesizer.model, storiesHash].join("|");
    const existing = synthesesInFlight.get(key);
    if (existing) return existing;
    const running = shared.once(`synthesis|${key}`, async () => {
      const cached = await deps.store.getCached(SYNTHESIS_CACHE_KIND, key);
      if (cached !== undefined) {
        const parsed = TickerSynthesisSchema.safeParse(parseJson(cached));
        if (parsed.success) return parsed.data;
      }
      await run.beforeNewLlmCall?.();
      const output = await synthesisSlots.run(
        "*",
        () =>
          synthesizer.synthesize({
            symbol: entry.symbol,
            name: entry.name,
            language: run.language,
            stories: stories.map(synthesisInput),
            ...(run.signal ? { signal: run.signal } : {}),
          }),
        run.signal,
      );
      // Counted once, when written: every build re-verifies the cached synthesis (below).
      if (deps.metrics) recordRemovals(deps.metrics, verifySynthesis(output.synthesis, entry.symbol, stories).removed);
      await deps.store.putCached(SYNTHESIS_CACHE_KIND, key, JSON.stringify(output.synthesis));
      return output.synthesis;
    }, run.signal).finally(() => synthesesInFlight.delete(key));
    synthesesInFlight.set(key, running);
    return running;
  }

  async function tickerDigest(entry: SymbolEntry, tickerStories: TickerStory[], run: Run): Promise<TickerDigest> {
    const outcomes: BriefOutcome[] = await Promise.all(tickerStories.map(({ brief }) => brief ?? {}));
    const stories = tickerStories
      .map(({ story }, i) => toDigestStory(story, outcomes[i] ?? {}))
      .filter((story, i) => {
        const stale = publishedBeforeWindow(outcomes[i]?.articlePublishedAt, run.since);
        if (stale) deps.log?.info({ url: story.url, publishedAt: outcomes[i]?.articlePublishedAt }, "digest story is older than the window; left out");
        return !stale;
      });
    const headlines: TickerDigest = { symbol: entry.symbol, name: entry.name, tone: null, bullets: [], stories, mode: "headlines" };
    const synthesizer = deps.synthesizer;
    if (synthesizer === undefined) return headlines;
    if (stories.length === 0) return { ...headlines, mode: "llm" };
    if (!stories.some((story) => story.brief !== undefined)) {
      run.warnings.push(`${entry.symbol}: none of its articles could be read, so there is no overview; headlines and links only.`);
      return headlines;
    }
    try {
      const written = await synthesisFor(entry, stories, run, synthesizer);
      const { synthesis, removed } = verifySynthesis(written, entry.symbol, stories);
      for (const item of removed) {
        deps.log?.warn({ ...item, symbol: entry.symbol, model: synthesizer.model, promptVersion: synthesizer.promptVersion }, "verifier removed an unsupported digest item");
      }
      if (synthesis.bullets.length === 0) {
        run.warnings.push(`${entry.symbol}: the overview stated figures its stories do not support and was left out; headlines and links only.`);
        return headlines;
      }
      return {
        ...headlines,
        tone: synthesis.tone,
        bullets: synthesis.bullets,
        stories: driversFirst(stories, synthesis.driverStoryIds),
        mode: "llm",
      };
    } catch (err) {
      if (run.signal?.aborted) throw run.signal.reason;
      const reason = (err as { reason?: string }).reason ?? "error";
      deps.log?.warn({ err, symbol: entry.symbol, reason }, "ticker synthesis failed");
      run.warnings.push(`${entry.symbol}: the model could not write the overview (${reason}); headlines and links only.`);
      return headlines;
    }
  }

  async function build(request: DigestRequest): Promise<Digest> {
    // A refused model call (budget) stops the rest of the build through this controller. Without
    // a hook or a caller's signal there is nothing to abort: no signal (cheaper at scale).
    const hook = request.beforeNewLlmCall;
    const stop = new AbortController();
    const signal = hook ? (request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal) : request.signal;
    const run: Run = {
      language: request.language,
      now: request.now ?? new Date(),
      since: request.since,
      ...(signal ? { signal } : {}),
      warnings: [],
      ...(hook
        ? {
            beforeNewLlmCall: async () => {
              try {
                await hook();
              } catch (err) {
                stop.abort(err);
                throw err;
              }
            },
          }
        : {}),
    };
    const entries = resolveSymbols(request.symbols, deps.symbols, run.warnings);
    if (deps.synthesizer === undefined && entries.length > 0) run.warnings.push(HEADLINES_ONLY_WARNING);
    const feedWarningAt = run.warnings.length;

    // Tickers stream through a bounded pool: each reads its feeds, keeps its chosen stories and
    // lets the feed items go, so the items of all feeds are never held at once. A feed several
    // tickers list is read once and kept only until the last of them has chosen its stories.
    const feedUrls = entries.map((entry) => deps.feedUrls(entry));
    const readersLeft = new Map<string, number>();
    const positions = new Map<string, number>();
    for (const urls of feedUrls) {
      for (const url of new Set(urls)) {
        readersLeft.set(url, (readersLeft.get(url) ?? 0) + 1);
        if (!positions.has(url)) positions.set(url, positions.size);
      }
    }
    const feedReads = new Map<string, Promise<FeedReadResult>>();
    const failedFeeds: FailedFeed[] = [];

    function readFeed(url: string): Promise<FeedReadResult> {
      let read = feedReads.get(url);
      if (read === undefined) {
        read = feedSlots.run("*", () => deps.feeds.fetchFeed(url, signal), signal).then((result) => {
          if (result.status === "failed" || result.status === "backoff") {
            failedFeeds.push({ url: result.url, ...(result.error !== undefined ? { error: result.error } : {}), position: positions.get(url) ?? 0 });
          }
          return result;
        });
        feedReads.set(url, read);
      }
      return read;
    }

    function doneWithFeed(url: string): void {
      const left = (readersLeft.get(url) ?? 1) - 1;
      if (left > 0) {
        readersLeft.set(url, left);
      } else {
        readersLeft.delete(url);
        feedReads.delete(url);
      }
    }

    // One brief per story URL across tickers, so an article two tickers share is read once.
    const briefs = new Map<string, Promise<BriefOutcome>>();

    async function storiesOf(urls: readonly string[]): Promise<TickerStory[]> {
      const distinct = [...new Set(urls)];
      const results = await Promise.all(distinct.map(readFeed));
      const byUrl = new Map(distinct.map((url, i) => [url, results[i]]));
      const fresh = urls.flatMap((url) => (byUrl.get(url)?.items ?? []).filter((item) => isNewSince(item, request.since)));
      for (const url of distinct) doneWithFeed(url);
      const clusters = clusterStories(fresh);
      // The best-covered stories are read and summarized; the rest are linked as headlines.
      const summarized = new Set(pickStories(clusters, storiesPerTicker).map((c) => c.id));
      const chosen = pickStories(clusters, Math.max(storiesPerTicker, linkedStoriesPerTicker));
      return chosen.map((cluster): TickerStory => {
        const story = storyShell(cluster);
        if (!summarized.has(cluster.id)) return { story };
        let brief = briefs.get(story.url);
        if (brief === undefined) {
          brief = briefFor(story, run);
          briefs.set(story.url, brief);
        }
        return { story, brief };
      });
    }

    const tickers: TickerDigest[] = [];
    let failure: { err: unknown } | undefined;
    try {
      await forEachLimit(entries, tickerConcurrency, async (entry, index) => {
        // The price is read beside the news; a failing source only costs the price line.
        const price = deps.market ? priceOutcome(deps.market, entry.symbol, "1d", signal) : undefined;
        const digest = await tickerDigest(entry, await storiesOf(feedUrls[index] ?? []), run);
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
    if (tickers.some((t) => t.price !== undefined && "unavailable" in t.price && t.price.unavailable === "unavailable")) {
      run.warnings.push(PRICES_UNAVAILABLE);
    }
    if (failedFeeds.length > 0) {
      run.warnings.splice(feedWarningAt, 0, feedWarning(failedFeeds.toSorted((a, b) => a.position - b.position)));
    }
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

interface Run {
  language: string;
  now: Date;
  /** Start of the digest's window. */
  since: Date;
  signal?: AbortSignal;
  warnings: string[];
  beforeNewLlmCall?: () => Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The TickerDigests of `symbols` out of a digest built for more tickers, with their warnings. */
export function selectTickers(digest: Digest, symbols: readonly string[]): Digest {
  const wanted = new Set(symbols.map((s) => s.toUpperCase()));
  const others = new Set(digest.tickers.map((t) => t.symbol).filter((s) => !wanted.has(s.toUpperCase())));
  return {
    ...digest,
    tickers: digest.tickers.filter((t) => wanted.has(t.symbol.toUpperCase())),
    warnings: digest.warnings.filter((w) => !others.has(w.slice(0, w.indexOf(": ")))),
  };
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

function isNewSince(item: SeenFeedItem, since: Date): boolean {
  const at = Date.parse(item.publishedAt ?? item.firstSeenAt);
  return !Number.isNaN(at) && at > since.getTime();
}

function timeOf(story: { publishedAt?: string }): number {
  const ms = story.publishedAt === undefined ? Number.NaN : Date.parse(story.publishedAt);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** The `limit` most covered stories (newest first among equals), then newest first. */
export function pickStories<T extends { sources: unknown[]; publishedAt?: string; id: string }>(clusters: readonly T[], limit: number): T[] {
  return clusters
    .toSorted((a, b) => b.sources.length - a.sources.length || timeOf(b) - timeOf(a) || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .toSorted((a, b) => timeOf(b) - timeOf(a) || (a.id < b.id ? -1 : 1));
}

function driversFirst(stories: DigestStory[], driverIds: readonly string[]): DigestStory[] {
  const rank = new Map<string, number>();
  driverIds.forEach((id, i) => {
    if (!rank.has(id)) rank.set(id, i);
  });
  return stories
    .map((story, index) => ({ story, index }))
    .toSorted((a, b) => (rank.get(a.story.id) ?? Infinity) - (rank.get(b.story.id) ?? Infinity) || a.index - b.index)
    .map(({ story }) => story);
}

function storyShell(cluster: StoryCluster): StoryShell {
  const shell: StoryShell = {
    id: cluster.id,
    title: cluster.title,
    url: cluster.url,
    sources: cluster.sources.map((s) => ({ outlet: s.outlet, url: s.url })),
  };
  if (cluster.publishedAt !== undefined) shell.publishedAt = cluster.publishedAt;
  return shell;
}

function toDigestStory(shell: StoryShell, outcome: BriefOutcome): DigestStory {
  const story: DigestStory = { id: shell.id, title: shell.title, url: shell.url, sources: shell.sources };
  if (shell.publishedAt !== undefined) story.publishedAt = shell.publishedAt;
  if (outcome.brief !== undefined) story.brief = outcome.brief;
  if (outcome.briefError !== undefined) story.briefError = outcome.briefError;
  return story;
}

function synthesisInput(story: DigestStory): SynthesisStoryInput {
  const input: SynthesisStoryInput = { id: story.id, title: story.title, outlets: story.sources.map((s) => s.outlet) };
  if (story.publishedAt !== undefined) input.publishedAt = story.publishedAt;
  if (story.brief !== undefined) input.brief = story.brief;
  return input;
}

function feedWarning(failed: ReadonlyArray<{ url: string; error?: string }>): string {
  const hosts = [...new Set(failed.map((r) => hostOf(r.url) ?? r.url))];
  const shown = hosts.slice(0, 3).join(", ") + (hosts.length > 3 ? ` and ${hosts.length - 3} more` : "");
  const first = failed[0]?.error;
  return `${failed.length} news feed(s) could not be read (${shown})${first ? `: ${first}` : ""}; stories from them may be missing.`;
}

/** `since` for a digest: the channel's last digest, else 24 hours before `now`. */
export function digestSince(lastDigestAt: string | undefined, now: Date = new Date()): Date {
  const last = lastDigestAt === undefined ? Number.NaN : Date.parse(lastDigestAt);
  return Number.isNaN(last) ? new Date(now.getTime() - DAY_MS) : new Date(last);
}
