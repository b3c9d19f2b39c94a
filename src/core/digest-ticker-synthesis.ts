import { createHash } from "node:crypto";
import { TickerSynthesisSchema, type DigestStory, type TickerSynthesis } from "./digest.ts";
import type { DigestRun } from "./digest-run.ts";
import { createKeyedLimiter } from "./limiter.ts";
import type { Metrics } from "./metrics.ts";
import type { SymbolEntry, SynthesisStoryInput, TickerSynthesizer } from "./ports.ts";
import type { SharedWork } from "./shared-work.ts";
import type { Store } from "./store.ts";
import { recordRemovals } from "./verify/removal-metrics.ts";
import { verifySynthesis } from "./verify/verify-digest.ts";

export const SYNTHESIS_CACHE_KIND = "synthesis";

export interface TickerSynthesesOptions {
  store: Store;
  sharedWork: SharedWork;
  /** Counts what the verifier removes from a newly written synthesis. */
  metrics?: Pick<Metrics, "verifierRemoval">;
  /** Ticker syntheses requested at once. */
  synthesisConcurrency: number;
}

/**
 * A ticker's synthesis of its stories: one per ticker, day, language, model and set of stories,
 * cached in the store so every channel following the ticker shares it and a repeat costs no model
 * request. Not yet verified: every build verifies what it shows.
 */
export type TickerSyntheses = (entry: SymbolEntry, stories: DigestStory[], run: DigestRun, synthesizer: TickerSynthesizer) => Promise<TickerSynthesis>;

export function createTickerSyntheses(options: TickerSynthesesOptions): TickerSyntheses {
  const synthesisSlots = createKeyedLimiter({ concurrency: options.synthesisConcurrency });
  // Concurrent builds (several channels at once) share syntheses still running.
  const synthesesInFlight = new Map<string, Promise<TickerSynthesis>>();

  return function synthesisFor(entry, stories, run, synthesizer) {
    const ids = stories.map((s) => s.id).toSorted().join(",");
    const storiesHash = createHash("sha256").update(ids).digest("hex").slice(0, 16);
    const key = [entry.symbol, run.now.toISOString().slice(0, 10), run.language, synthesizer.promptVersion, synthesizer.model, storiesHash].join("|");
    const existing = synthesesInFlight.get(key);
    if (existing) return existing;
    const running = options.sharedWork
      .once(
        `synthesis|${key}`,
        async () => {
          const cached = await options.store.getCached(SYNTHESIS_CACHE_KIND, key);
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
          // Counted once, when written: every build re-verifies the cached synthesis.
          if (options.metrics) recordRemovals(options.metrics, verifySynthesis(output.synthesis, entry.symbol, stories).removed);
          await options.store.putCached(SYNTHESIS_CACHE_KIND, key, JSON.stringify(output.synthesis));
          return output.synthesis;
        },
        run.signal,
      )
      .finally(() => synthesesInFlight.delete(key));
    synthesesInFlight.set(key, running);
    return running;
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function synthesisInput(story: DigestStory): SynthesisStoryInput {
  const input: SynthesisStoryInput = { id: story.id, title: story.title, outlets: story.sources.map((s) => s.outlet) };
  if (story.publishedAt !== undefined) input.publishedAt = story.publishedAt;
  if (story.brief !== undefined) input.brief = story.brief;
  return input;
}
