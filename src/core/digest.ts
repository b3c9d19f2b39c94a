import { z } from "zod";
import { SentimentSchema, type Brief, type Sentiment } from "./brief.ts";
import type { PriceOutcome } from "./market.ts";

/**
 * A ticker's daily synthesis: the structured output of prompts/digest.md, shared by every
 * channel that follows the ticker that day.
 */
/** The language digests are written in unless a channel chooses another. */
export const DIGEST_LANGUAGE = "en";

export const TickerSynthesisSchema = z.object({
  tone: SentimentSchema.describe("Overall tone of the day's news for this ticker"),
  bullets: z.array(z.string()).min(2).max(4).describe("2 to 4 short bullets on what happened, in the digest's language"),
  driverStoryIds: z.array(z.string()).describe("Ids of the stories that drive the tone, most important first"),
});
export type TickerSynthesis = z.infer<typeof TickerSynthesisSchema>;

export interface StoryOutlet {
  outlet: string;
  url: string;
}

/** One story (a cluster of items about the same event across outlets). */
export interface DigestStory {
  id: string;
  title: string;
  /** Representative, checked (canonical) URL. */
  url: string;
  publishedAt?: string;
  /** Every outlet that carried the story, with its own link. */
  sources: StoryOutlet[];
  /** The article's brief, when the page could be fetched and summarized. */
  brief?: Brief;
  /** Why there is no brief (fetch refused, not an article…). */
  briefError?: string;
}

export interface TickerDigest {
  symbol: string;
  name: string;
  /** Null when there was nothing to judge or no model to judge it. */
  tone: Sentiment | null;
  bullets: string[];
  /** Stories newest first, the drivers first when the synthesis named them. */
  stories: DigestStory[];
  /** "llm" when a model wrote the synthesis, "headlines" when it is headlines and links only. */
  mode: "llm" | "headlines";
  /** The day's price, or why there is none; absent when market data is off. */
  price?: PriceOutcome;
}

export interface Digest {
  generatedAt: string;
  language: string;
  since: string;
  tickers: TickerDigest[];
  warnings: string[];
}

export interface DigestRequest {
  symbols: string[];
  /** Only stories published after this instant count. */
  since: Date;
  language: string;
  now?: Date;
  signal?: AbortSignal;
  /** Called once before each new (uncached) model request the digest would make; may throw to refuse (budgets). */
  beforeNewLlmCall?: () => Promise<void>;
}

export interface DigestBuilder {
  build(request: DigestRequest): Promise<Digest>;
}

export type { Sentiment };
