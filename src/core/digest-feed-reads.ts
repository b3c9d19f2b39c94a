import { hostOf } from "./canonical-url.ts";
import type { KeyedLimiter } from "./limiter.ts";
import type { FeedReadResult, FeedSource } from "./ports.ts";

interface FailedFeed {
  url: string;
  error?: string;
  /** Position of the feed among the build's feeds, so the warning does not depend on timing. */
  position: number;
}

export interface DigestFeedReads {
  /** The feed's items, read once for every ticker that lists it. */
  read(url: string): Promise<FeedReadResult>;
  /** One ticker listing the feed has chosen its stories; the last one lets the items go. */
  done(url: string): void;
  /** The warning for the feeds that could not be read, or undefined when all were read. */
  warning(): string | undefined;
}

/**
 * The feed reads of one build. A feed several tickers list is read once and kept only until the
 * last of them has chosen its stories, so the items of all feeds are never held at once.
 */
export function createDigestFeedReads(
  feedUrls: readonly (readonly string[])[],
  feeds: FeedSource,
  feedSlots: KeyedLimiter,
  signal: AbortSignal | undefined,
): DigestFeedReads {
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

  function read(url: string): Promise<FeedReadResult> {
    let pending = feedReads.get(url);
    if (pending === undefined) {
      pending = feedSlots.run("*", () => feeds.fetchFeed(url, signal), signal).then((result) => {
        if (result.status === "failed" || result.status === "backoff") {
          failedFeeds.push({ url: result.url, ...(result.error !== undefined ? { error: result.error } : {}), position: positions.get(url) ?? 0 });
        }
        return result;
      });
      feedReads.set(url, pending);
    }
    return pending;
  }

  function done(url: string): void {
    const left = (readersLeft.get(url) ?? 1) - 1;
    if (left > 0) {
      readersLeft.set(url, left);
    } else {
      readersLeft.delete(url);
      feedReads.delete(url);
    }
  }

  function warning(): string | undefined {
    if (failedFeeds.length === 0) return undefined;
    return feedWarning(failedFeeds.toSorted((a, b) => a.position - b.position));
  }

  return { read, done, warning };
}

function feedWarning(failed: ReadonlyArray<{ url: string; error?: string }>): string {
  const hosts = [...new Set(failed.map((r) => hostOf(r.url) ?? r.url))];
  const shown = hosts.slice(0, 3).join(", ") + (hosts.length > 3 ? ` and ${hosts.length - 3} more` : "");
  const first = failed[0]?.error;
  return `${failed.length} news feed(s) could not be read (${shown})${first ? `: ${first}` : ""}; stories from them may be missing.`;
}
