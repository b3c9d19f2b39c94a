import type { Brief } from "./brief.ts";
import { hostOf } from "./canonical-url.ts";
import type { DigestRun } from "./digest-run.ts";
import type { StoryShell } from "./digest-story-picking.ts";
import { digestStoryReason } from "./digest-story-reasons.ts";
import { isUserFacingError } from "./errors.ts";
import { createKeyedLimiter } from "./limiter.ts";
import type { SharedWork } from "./shared-work.ts";
import type { Summarizer } from "./summarize.ts";

export interface BriefOutcome {
  brief?: Brief;
  briefError?: string;
  /** Publication date the article page states. */
  articlePublishedAt?: string;
}

export interface StoryBriefsOptions {
  summarizer: Summarizer;
  sharedWork: SharedWork;
  log?: {
    warn(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
  };
  /** Articles fetched and summarized at once. */
  articleConcurrency: number;
  /** Articles of one host fetched and summarized at once. */
  articlesPerHost: number;
  /** Least time between the starts of two article fetches on one host. */
  articleHostIntervalMs: number;
}

/** The brief of a story's article, summarized once and shared by every build and ticker asking at once. */
export type StoryBriefs = (story: StoryShell, run: DigestRun) => Promise<BriefOutcome>;

export function createStoryBriefs(options: StoryBriefsOptions): StoryBriefs {
  const articleSlots = createKeyedLimiter({ concurrency: options.articleConcurrency });
  const articleHosts = createKeyedLimiter({
    concurrency: options.articlesPerHost,
    minIntervalMs: options.articleHostIntervalMs,
  });
  // Concurrent builds (several channels at once) share briefs still running.
  const briefsInFlight = new Map<string, Promise<BriefOutcome>>();

  async function summarizeStory(story: StoryShell, run: DigestRun): Promise<BriefOutcome> {
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
                options.summarizer.summarize(
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
          options.log?.info({ url, code: err.code }, "digest story article unavailable");
        } else {
          lastError = digestStoryReason(undefined);
          options.log?.warn({ err, url }, "digest story summary failed");
        }
      }
    }
    return { briefError: lastError };
  }

  return function briefFor(story: StoryShell, run: DigestRun): Promise<BriefOutcome> {
    const key = `${story.url}|${run.language}`;
    let running = briefsInFlight.get(key);
    if (!running) {
      running = options.sharedWork
        .once(`brief|${run.now.toISOString().slice(0, 10)}|${key}`, () => summarizeStory(story, run), run.signal)
        .finally(() => briefsInFlight.delete(key));
      briefsInFlight.set(key, running);
    }
    return running;
  };
}
