import type { DigestStory, TickerDigest } from "./digest.ts";
import type { DigestRun } from "./digest-run.ts";
import type { BriefOutcome } from "./digest-story-briefs.ts";
import type { StoryShell } from "./digest-story-picking.ts";
import { publishedBeforeWindow } from "./digest-story-reasons.ts";
import type { TickerStory } from "./digest-ticker-stories.ts";
import type { TickerSyntheses } from "./digest-ticker-synthesis.ts";
import type { SymbolEntry, TickerSynthesizer } from "./ports.ts";
import { verifySynthesis } from "./verify/verify-digest.ts";

export interface TickerDigestOptions {
  /** Absent: headlines and links only. */
  synthesizer?: TickerSynthesizer;
  synthesisFor: TickerSyntheses;
  log?: {
    warn(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
  };
}

/**
 * One ticker's part of a digest: its stories with their briefs, those the article dates before
 * the window left out, and the verified synthesis; headlines and links when there is none.
 */
export async function tickerDigest(entry: SymbolEntry, tickerStories: TickerStory[], run: DigestRun, options: TickerDigestOptions): Promise<TickerDigest> {
  const outcomes: BriefOutcome[] = await Promise.all(tickerStories.map(({ brief }) => brief ?? {}));
  const stories = tickerStories
    .map(({ story }, i) => toDigestStory(story, outcomes[i] ?? {}))
    .filter((story, i) => {
      const stale = publishedBeforeWindow(outcomes[i]?.articlePublishedAt, run.since);
      if (stale) options.log?.info({ url: story.url, publishedAt: outcomes[i]?.articlePublishedAt }, "digest story is older than the window; left out");
      return !stale;
    });
  const headlines: TickerDigest = { symbol: entry.symbol, name: entry.name, tone: null, bullets: [], stories, mode: "headlines" };
  const synthesizer = options.synthesizer;
  if (synthesizer === undefined) return headlines;
  if (stories.length === 0) return { ...headlines, mode: "llm" };
  if (!stories.some((story) => story.brief !== undefined)) {
    run.warnings.push(`${entry.symbol}: none of its articles could be read, so there is no overview; headlines and links only.`);
    return headlines;
  }
  try {
    const written = await options.synthesisFor(entry, stories, run, synthesizer);
    const { synthesis, removed } = verifySynthesis(written, entry.symbol, stories);
    for (const item of removed) {
      options.log?.warn({ ...item, symbol: entry.symbol, model: synthesizer.model, promptVersion: synthesizer.promptVersion }, "verifier removed an unsupported digest item");
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
    options.log?.warn({ err, symbol: entry.symbol, reason }, "ticker synthesis failed");
    run.warnings.push(`${entry.symbol}: the model could not write the overview (${reason}); headlines and links only.`);
    return headlines;
  }
}

function toDigestStory(shell: StoryShell, outcome: BriefOutcome): DigestStory {
  const story: DigestStory = { id: shell.id, title: shell.title, url: shell.url, sources: shell.sources };
  if (shell.publishedAt !== undefined) story.publishedAt = shell.publishedAt;
  if (outcome.brief !== undefined) story.brief = outcome.brief;
  if (outcome.briefError !== undefined) story.briefError = outcome.briefError;
  return story;
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
