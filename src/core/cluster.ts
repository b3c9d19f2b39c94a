import { createHash } from "node:crypto";
import { canonicalizeUrl, hostOf, urlIdentityKey } from "./canonical-url.ts";
import { conceptWeights, judgePair, reportSignals, type ReportSignals, type SameEventOptions } from "./cluster-signals.ts";
import { maxSimilarity, stripOutletSuffix, titleTokens } from "./headline-words.ts";
import type { FeedItem } from "./ports.ts";

export type TickerFeedItem = FeedItem & { ticker?: string };

export interface StorySource {
  outlet: string;
  url: string;
}

/** One story as reported by one or more outlets. */
export interface StoryCluster<T extends TickerFeedItem = TickerFeedItem> {
  /** Stable hash of the representative's canonical URL. */
  id: string;
  /** The representative's title without an outlet suffix (" - Reuters"). */
  title: string;
  /** The representative's canonical URL: the earliest report. */
  url: string;
  publishedAt?: string;
  /** One entry per distinct link, earliest first. */
  sources: StorySource[];
  /** Tickers of the items, in order of first appearance. */
  tickers: string[];
  /** Every input item of the story (duplicates included), earliest first, undated last. */
  items: T[];
}

export interface ClusterOptions extends SameEventOptions {
  /** Reports further apart than this are never one story (default 24). */
  windowHours?: number;
  /** Title token Jaccard similarity at which two reports are one story unless vetoed (default 0.55). */
  threshold?: number;
}

export const DEFAULT_CLUSTER_WINDOW_HOURS = 24;
export const DEFAULT_TITLE_THRESHOLD = 0.55;

const HOUR_MS = 3_600_000;

/**
 * Groups feed items into stories: first the same link (after removing tracking parameters,
 * scheme, "www." and parameter order), then reports of the same event within the time window:
 * near-identical titles, or the same event told in other words or another language (see
 * `judgePair`: shared concepts and figures, never two different announced events or products).
 * A story merges with another only when no pair of their reports is vetoed as different events.
 * Reports of one outlet are never merged by title alone: an outlet does not publish one story
 * twice under two links, but it does reuse titles (SEC form names, recurring columns).
 * Clusters come newest first (by their earliest report), undated ones last.
 */
export function clusterStories<T extends TickerFeedItem>(
  items: readonly T[],
  options: ClusterOptions = {},
): Array<StoryCluster<T>> {
  const windowMs = (options.windowHours ?? DEFAULT_CLUSTER_WINDOW_HOURS) * HOUR_MS;
  const threshold = options.threshold ?? DEFAULT_TITLE_THRESHOLD;
  const groups = groupByLink(items);
  const idf = conceptWeights(groups.map((group) => group.signals));
  const vetoed = new Set<string>();

  const edges: Array<{ a: number; b: number; similarity: number }> = [];
  for (let a = 0; a < groups.length; a += 1) {
    for (let b = a + 1; b < groups.length; b += 1) {
      const ga = groups[a] as LinkGroup<T>;
      const gb = groups[b] as LinkGroup<T>;
      if (!withinWindow(ga.firstMs, gb.firstMs, windowMs)) continue;
      const verdict = judgePair(ga.signals, gb.signals, idf, options);
      if (!verdict.same && verdict.veto !== undefined) {
        vetoed.add(`${a}|${b}`);
        continue;
      }
      const similarity = maxSimilarity(ga.tokenSets, gb.tokenSets);
      if (similarity > 0 && similarity >= threshold) edges.push({ a, b, similarity: 1 + similarity });
      else if (verdict.same) edges.push({ a, b, similarity: verdict.score });
    }
  }
  edges.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);

  const parent = groups.map((_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root] as number;
    return root;
  };
  const meta = groups.map((group, index) => ({
    outlets: new Set(group.outletKeys),
    minMs: group.firstMs,
    maxMs: group.firstMs,
    members: [index],
  }));
  for (const edge of edges) {
    const ra = find(edge.a);
    const rb = find(edge.b);
    if (ra === rb) continue;
    const ma = meta[ra] as ClusterMeta;
    const mb = meta[rb] as ClusterMeta;
    if ([...mb.outlets].some((outlet) => ma.outlets.has(outlet))) continue;
    const minMs = minDefined(ma.minMs, mb.minMs);
    const maxMs = maxDefined(ma.maxMs, mb.maxMs);
    if (minMs !== undefined && maxMs !== undefined && maxMs - minMs > windowMs) continue;
    if (ma.members.some((x) => mb.members.some((y) => vetoed.has(x < y ? `${x}|${y}` : `${y}|${x}`)))) continue;
    parent[rb] = ra;
    meta[ra] = { outlets: new Set([...ma.outlets, ...mb.outlets]), minMs, maxMs, members: [...ma.members, ...mb.members] };
  }

  const members = new Map<number, Array<LinkGroup<T>>>();
  groups.forEach((group, index) => {
    const root = find(index);
    const list = members.get(root);
    if (list === undefined) members.set(root, [group]);
    else list.push(group);
  });
  return [...members.values()].map(buildCluster).toSorted(newestFirst);
}

/** Items (or clusters) published strictly after `since`; undated ones are left out. */
export function newerThan<T extends { publishedAt?: string }>(items: readonly T[], since: Date): T[] {
  const sinceMs = since.getTime();
  return items.filter((item) => {
    const ms = timeOf(item);
    return ms !== undefined && ms > sinceMs;
  });
}

interface ClusterMeta {
  outlets: Set<string>;
  minMs: number | undefined;
  maxMs: number | undefined;
  members: number[];
}

interface LinkGroup<T extends TickerFeedItem> {
  items: T[];
  firstMs: number | undefined;
  outletKeys: string[];
  tokenSets: Array<Set<string>>;
  signals: ReportSignals;
}

function groupByLink<T extends TickerFeedItem>(items: readonly T[]): Array<LinkGroup<T>> {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = urlIdentityKey(item.url);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [item]);
    else list.push(item);
  }
  return [...byKey.values()].map((groupItems) => {
    const sorted = sortByTime(groupItems);
    const titles = new Set(sorted.map((item) => normalizedTitleKey(item)));
    return {
      items: sorted,
      firstMs: sorted.map(timeOf).find((ms) => ms !== undefined),
      outletKeys: [...new Set(sorted.map((item) => outletName(item).toLowerCase()))],
      tokenSets: [...titles].map((title) => new Set(title.split(" ").filter((token) => token !== ""))),
      signals: signalsOf(sorted),
    };
  });
}

/** The link's report: its first title, the longest teaser and article text any feed gave it. */
function longest(values: Array<string | undefined>): string | undefined {
  return values.filter((v): v is string => v !== undefined && v.trim() !== "").toSorted((a, b) => b.length - a.length)[0];
}

function signalsOf(items: readonly FeedItem[]): ReportSignals {
  const first = items[0] as FeedItem;
  const teaser = longest(items.map((item) => item.summary));
  const text = longest(items.map((item) => item.articleText));
  return reportSignals({
    title: stripOutletSuffix(first.title, first.source),
    ...(teaser !== undefined ? { teaser } : {}),
    ...(text !== undefined ? { text } : {}),
  });
}

function normalizedTitleKey(item: FeedItem): string {
  return [...titleTokens(item.title, item.source)].join(" ");
}

function buildCluster<T extends TickerFeedItem>(groups: Array<LinkGroup<T>>): StoryCluster<T> {
  const ordered = groups.toSorted((a, b) => compareTimes(a.firstMs, b.firstMs));
  const items = sortByTime(ordered.flatMap((group) => group.items));
  const representative = items[0] as T;
  const url = canonicalizeUrl(representative.url) ?? representative.url;
  const cluster: StoryCluster<T> = {
    id: createHash("sha256").update(urlIdentityKey(representative.url)).digest("hex").slice(0, 16),
    title: stripOutletSuffix(representative.title, representative.source),
    url,
    sources: ordered.map((group) => {
      const first = group.items[0] as T;
      return { outlet: outletName(first), url: canonicalizeUrl(first.url) ?? first.url };
    }),
    tickers: [...new Set(items.map((item) => item.ticker).filter((ticker) => ticker !== undefined))],
    items,
  };
  const ms = timeOf(representative);
  if (ms !== undefined) cluster.publishedAt = new Date(ms).toISOString();
  return cluster;
}

function newestFirst(a: StoryCluster, b: StoryCluster): number {
  const ta = timeOf(a);
  const tb = timeOf(b);
  if (ta !== tb) {
    if (ta === undefined) return 1;
    if (tb === undefined) return -1;
    return tb - ta;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function outletName(item: FeedItem): string {
  const source = item.source?.trim();
  return source !== undefined && source !== "" ? source : (hostOf(item.url) ?? "unknown");
}

function timeOf(item: { publishedAt?: string }): number | undefined {
  if (item.publishedAt === undefined) return undefined;
  const ms = Date.parse(item.publishedAt);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Earlier first, undated last; stable. */
function compareTimes(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}

function sortByTime<T extends FeedItem>(items: readonly T[]): T[] {
  return items.toSorted((a, b) => compareTimes(timeOf(a), timeOf(b)));
}

/** Undated reports can't be placed in time, so the window does not separate them. */
function withinWindow(a: number | undefined, b: number | undefined, windowMs: number): boolean {
  return a === undefined || b === undefined || Math.abs(a - b) <= windowMs;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
