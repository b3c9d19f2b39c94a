import type { StoryCluster } from "./cluster.ts";

/** A chosen story without its feed items: what the digest shows and the links to read. */
export type StoryShell = Pick<StoryCluster, "id" | "title" | "url" | "publishedAt" | "sources">;

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

export function storyShell(cluster: StoryCluster): StoryShell {
  const shell: StoryShell = {
    id: cluster.id,
    title: cluster.title,
    url: cluster.url,
    sources: cluster.sources.map((s) => ({ outlet: s.outlet, url: s.url })),
  };
  if (cluster.publishedAt !== undefined) shell.publishedAt = cluster.publishedAt;
  return shell;
}
