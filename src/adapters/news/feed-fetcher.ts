import { urlIdentityKey, hostOf } from "../../core/canonical-url.ts";
import { createKeyedLimiter } from "../../core/limiter.ts";
import type { FeedItem, FeedReadResult, FeedSource, SeenFeedItem } from "../../core/ports.ts";
import { isUserFacingError } from "../../core/errors.ts";
import type { Metrics } from "../../core/metrics.ts";
import type { PageFetcher } from "../../core/ports.ts";
import type { FeedState, Store } from "../../core/store.ts";
import type { Logger } from "../../logger.ts";
import { parseFeedItems } from "./feed-parser.ts";

/**
 * Polite feed reading: every request through the SSRF-guarded PageFetcher (its User-Agent,
 * timeouts and size cap) accepting feed types only; conditional GET from the stored validators
 * (304 reuses the stored items without parsing); a concurrency limit and a least interval
 * between requests per host; exponential backoff of a feed that keeps failing (failures,
 * nextAttemptAt and lastError kept in the store); one request per feed for all concurrent
 * callers; and a feed read within `freshForMs` is not requested again.
 */

/** RSS, Atom and RDF media types; HTML is refused (an error page or a paywall, not a feed). */
export const FEED_ACCEPT: readonly string[] = [
  "application/rss+xml",
  "application/atom+xml",
  "application/rdf+xml",
  "application/x-rss+xml",
  "application/xml",
  "text/xml",
];

export interface FeedFetcherOptions {
  fetcher: PageFetcher;
  store: Store;
  logger?: Logger;
  /** Counts every read by status. */
  metrics?: Metrics;
  /** Requests to one host at once (default 2). */
  perHostConcurrency?: number;
  /** Least time between the starts of two requests to one host (default 1000 ms). */
  minIntervalMs?: number;
  /** A feed read successfully this recently is served from the store without a request (default 5 min). */
  freshForMs?: number;
  /** Wait after the first failure, doubled with each further one (default 60 s). */
  backoffBaseMs?: number;
  /** Longest wait between attempts (default 6 h). */
  backoffMaxMs?: number;
  /** Items kept per feed (default 100). */
  maxItems?: number;
  now?: () => Date;
}

export interface FeedFetchStats {
  /** HTTP requests made. */
  requests: number;
  /** Bodies parsed (a 304 or a fresh/backed-off feed is not parsed). */
  parsed: number;
  notModified: number;
  failures: number;
  /** Reads answered from the store without a request (fresh or backing off). */
  skipped: number;
}

export interface FeedFetcher extends FeedSource {
  readonly stats: Readonly<FeedFetchStats>;
}

export const DEFAULT_FEED_MIN_INTERVAL_MS = 1_000;
export const DEFAULT_FEED_FRESH_MS = 5 * 60_000;
export const DEFAULT_BACKOFF_BASE_MS = 60_000;
export const DEFAULT_BACKOFF_MAX_MS = 6 * 3_600_000;

export function createFeedFetcher(options: FeedFetcherOptions): FeedFetcher {
  const hosts = createKeyedLimiter({
    concurrency: options.perHostConcurrency ?? 2,
    minIntervalMs: options.minIntervalMs ?? DEFAULT_FEED_MIN_INTERVAL_MS,
  });
  const freshForMs = options.freshForMs ?? DEFAULT_FEED_FRESH_MS;
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const backoffMaxMs = options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const maxItems = options.maxItems ?? 100;
  const now = options.now ?? (() => new Date());
  const { store, logger } = options;
  const stats: FeedFetchStats = { requests: 0, parsed: 0, notModified: 0, failures: 0, skipped: 0 };
  const inFlight = new Map<string, Promise<FeedReadResult>>();

  async function read(url: string, signal: AbortSignal | undefined): Promise<FeedReadResult> {
    const state = await store.getFeedState(url);
    const stored = storedItems(state);
    const startedAt = now();
    if (state?.nextAttemptAt !== undefined && Date.parse(state.nextAttemptAt) > startedAt.getTime()) {
      stats.skipped += 1;
      return { url, items: stored, status: "backoff", ...(state.lastError ? { error: state.lastError } : {}) };
    }
    if (state?.lastFetchedAt !== undefined && state.failures === 0 && startedAt.getTime() - Date.parse(state.lastFetchedAt) < freshForMs) {
      stats.skipped += 1;
      return { url, items: stored, status: "fresh" };
    }
    const headers: Record<string, string> = {};
    if (state?.etag !== undefined) headers["if-none-match"] = state.etag;
    if (state?.lastModified !== undefined) headers["if-modified-since"] = state.lastModified;
    try {
      const page = await hosts.run(
        hostOf(url) ?? url,
        () => {
          stats.requests += 1;
          return options.fetcher.fetch(url, {
            accept: FEED_ACCEPT,
            headers,
            allowNotModified: true,
            ...(signal ? { signal } : {}),
          });
        },
        signal,
      );
      const fetchedAt = now().toISOString();
      if (page.status === 304) {
        stats.notModified += 1;
        await store.putFeedState({ ...withoutFailure(state, url), lastFetchedAt: fetchedAt, ...validators(page.headers, state) });
        return { url, items: stored, status: "not_modified" };
      }
      stats.parsed += 1;
      const itemsJson = JSON.stringify(markFirstSeen(parseFeedItems(page.body, { feedUrl: page.url, maxItems }), stored, fetchedAt));
      const next: FeedState = { ...withoutFailure(state, url), lastFetchedAt: fetchedAt, itemsJson };
      delete next.etag;
      delete next.lastModified;
      await store.putFeedState({ ...next, ...validators(page.headers, undefined) });
      // The items as stored, parsed back: the parser's strings are slices of the body, and V8
      // keeps a whole body alive behind any slice of it while a digest holds a title or a link.
      return { url, items: parseItems(itemsJson), status: "fetched" };
    } catch (err) {
      if (signal?.aborted) throw err;
      const message = isUserFacingError(err) ? err.message : `unexpected error (${(err as Error).message ?? String(err)})`;
      const failures = (state?.failures ?? 0) + 1;
      const waitMs = Math.min(backoffBaseMs * 2 ** (failures - 1), backoffMaxMs);
      stats.failures += 1;
      logger?.warn({ feed: url, failures, waitMs, err: isUserFacingError(err) ? undefined : err, reason: message }, "feed read failed");
      const failedAt = now();
      // The first failure of a run starts it; a run recorded before the column existed stays without one.
      const failingSince = failures === 1 ? failedAt.toISOString() : state?.failingSince;
      await store.putFeedState({
        ...(state ?? { url }),
        url,
        failures,
        lastError: message,
        nextAttemptAt: new Date(failedAt.getTime() + waitMs).toISOString(),
        ...(failingSince !== undefined ? { failingSince } : {}),
      });
      return { url, items: stored, status: "failed", error: message };
    }
  }

  return {
    stats,
    fetchFeed(url, signal) {
      const existing = inFlight.get(url);
      if (existing) return existing;
      const running = read(url, signal)
        .then((result) => {
          options.metrics?.feedFetch(result.status);
          return result;
        })
        .finally(() => inFlight.delete(url));
      inFlight.set(url, running);
      return running;
    },
  };
}

function withoutFailure(state: FeedState | undefined, url: string): FeedState {
  const next: FeedState = { ...(state ?? { url }), url, failures: 0 };
  delete next.nextAttemptAt;
  delete next.lastError;
  delete next.failingSince;
  return next;
}

/** The response's validators; on a 304 without them, the stored ones stay. */
function validators(headers: Record<string, string>, previous: FeedState | undefined): Pick<FeedState, "etag" | "lastModified"> {
  const etag = headers["etag"] ?? previous?.etag;
  const lastModified = headers["last-modified"] ?? previous?.lastModified;
  return { ...(etag !== undefined ? { etag } : {}), ...(lastModified !== undefined ? { lastModified } : {}) };
}

function storedItems(state: FeedState | undefined): SeenFeedItem[] {
  return state?.itemsJson === undefined ? [] : parseItems(state.itemsJson);
}

function parseItems(json: string): SeenFeedItem[] {
  try {
    const items = JSON.parse(json) as unknown;
    return Array.isArray(items) ? (items as SeenFeedItem[]) : [];
  } catch {
    return [];
  }
}

function itemKey(item: FeedItem): string {
  return item.guid ?? urlIdentityKey(item.url);
}

/** Items with the instant they were first seen: kept from the stored copy, else now. */
function markFirstSeen(items: readonly FeedItem[], stored: readonly SeenFeedItem[], at: string): SeenFeedItem[] {
  const seen = new Map(stored.map((item) => [itemKey(item), item.firstSeenAt]));
  return items.map((item) => ({ ...item, firstSeenAt: seen.get(itemKey(item)) ?? at }));
}
