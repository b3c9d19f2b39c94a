import type { SeenFeedItem } from "./ports.ts";

const DAY_MS = 86_400_000;

/** `since` for a digest: the channel's last digest, else 24 hours before `now`. */
export function digestSince(lastDigestAt: string | undefined, now: Date = new Date()): Date {
  const last = lastDigestAt === undefined ? Number.NaN : Date.parse(lastDigestAt);
  return Number.isNaN(last) ? new Date(now.getTime() - DAY_MS) : new Date(last);
}

/**
 * Whether a feed item falls in the window. An item without a date counts as new when the feed
 * fetcher first saw it after `since` (its `firstSeenAt`); on a feed read for the first time every
 * item is first seen now, so its undated items count as new (the per-ticker cap still keeps the
 * digest short).
 */
export function isNewSince(item: SeenFeedItem, since: Date): boolean {
  const at = Date.parse(item.publishedAt ?? item.firstSeenAt);
  return !Number.isNaN(at) && at > since.getTime();
}
