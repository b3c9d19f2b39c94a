import { clusterStories } from "./cluster.ts";
import type { DigestFeedReads } from "./digest-feed-reads.ts";
import type { DigestRun } from "./digest-run.ts";
import type { BriefOutcome, StoryBriefs } from "./digest-story-briefs.ts";
import { pickStories, storyShell, type StoryShell } from "./digest-story-picking.ts";
import { isNewSince } from "./digest-window.ts";

export interface TickerStory {
  story: StoryShell;
  /** The story's brief, shared by every ticker that carries it; absent for headlines only. */
  brief?: Promise<BriefOutcome>;
}

export interface TickerStoriesOptions {
  feedReads: DigestFeedReads;
  briefFor: StoryBriefs;
  run: DigestRun;
  /** Stories read and summarized per ticker. */
  storiesPerTicker: number;
  /** Stories linked per ticker, summarized or not. */
  linkedStoriesPerTicker: number;
}

/** A ticker's stories of one build, from the new items of its feeds. */
export type TickerStories = (feedUrls: readonly string[]) => Promise<TickerStory[]>;

export function createTickerStories(options: TickerStoriesOptions): TickerStories {
  const { feedReads, run, storiesPerTicker, linkedStoriesPerTicker } = options;
  // One brief per story URL across tickers, so an article two tickers share is read once.
  const briefs = new Map<string, Promise<BriefOutcome>>();

  return async function storiesOf(urls) {
    const distinct = [...new Set(urls)];
    const results = await Promise.all(distinct.map(feedReads.read));
    const byUrl = new Map(distinct.map((url, i) => [url, results[i]]));
    const fresh = urls.flatMap((url) => (byUrl.get(url)?.items ?? []).filter((item) => isNewSince(item, run.since)));
    for (const url of distinct) feedReads.done(url);
    const clusters = clusterStories(fresh);
    // The best-covered stories are read and summarized; the rest are linked as headlines.
    const summarized = new Set(pickStories(clusters, storiesPerTicker).map((c) => c.id));
    const chosen = pickStories(clusters, Math.max(storiesPerTicker, linkedStoriesPerTicker));
    return chosen.map((cluster): TickerStory => {
      const story = storyShell(cluster);
      if (!summarized.has(cluster.id)) return { story };
      let brief = briefs.get(story.url);
      if (brief === undefined) {
        brief = options.briefFor(story, run);
        briefs.set(story.url, brief);
      }
      return { story, brief };
    });
  };
}
