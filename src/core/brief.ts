import { z } from "zod";
import { ISO_4217_PATTERN } from "./verify/iso-4217.ts";
import type { Verification } from "./verify/types.ts";

/**
 * The brief: the single source of truth for the LLM's structured output, the CLI's JSON and
 * the Discord embeds. Optional facts are `nullable` rather than optional because OpenAI's
 * strict structured outputs require every property to be present.
 */
export const SentimentSchema = z.enum(["bullish", "neutral", "bearish"]);
export type Sentiment = z.infer<typeof SentimentSchema>;

/** Yahoo-style exchange symbols: BABA, 9988.HK, SAP.DE, BRK-B. Sentences and names are not symbols. */
export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9.-]{0,19}$/;

export const PriceMoveSchema = z.object({
  price: z.number().positive().nullable().describe("Share price the article states, as a plain number (130.7), or null"),
  currency: z.string().regex(ISO_4217_PATTERN).nullable().describe("ISO 4217 code of that price (HKD, USD, EUR), or null"),
  changePct: z.number().gt(-100).nullable().describe("Percentage change the article states (3.48 or -2.1), or null"),
});
export type PriceMove = z.infer<typeof PriceMoveSchema>;

export const TickerSchema = z.object({
  symbol: z.string().regex(SYMBOL_PATTERN).describe("Exchange symbol, Yahoo style (BABA, 9988.HK, SAP.DE)"),
  name: z.string().describe("Company name"),
  sentiment: SentimentSchema.describe("Tone of the article toward this company"),
  moves: z.array(PriceMoveSchema).describe("Price moves the article states, most recent first; empty if none"),
});
export type Ticker = z.infer<typeof TickerSchema>;

export const KeyPointSchema = z.object({
  text: z.string().describe("One key point, in the brief's language"),
  evidence: z.string().describe("A verbatim quote from the article (original language) that supports the point"),
});
export type KeyPoint = z.infer<typeof KeyPointSchema>;

export const BriefSchema = z.object({
  headline: z.string().describe("A short, factual headline in the brief's language"),
  // 3–5 for an article; a short wire story of two or three sentences may have fewer.
  keyPoints: z.array(KeyPointSchema).min(1).max(5).describe("3 to 5 key points; fewer (at least 1) only when the article is a short item of a few sentences"),
  tickers: z.array(TickerSchema),
  whyItMatters: z.string().describe("One or two sentences on why this matters to investors"),
});
export type Brief = z.infer<typeof BriefSchema>;

export type EngineName = "llm" | "extractive";

/** What a summary run returns: the JSON shape of `marketbrief summarize --json`. */
export interface BriefResult {
  source: {
    url?: string;
    title: string;
    siteName?: string;
    language: string;
    publishedAt?: string;
  };
  brief: Brief;
  /** Language the brief is written in (ISO 639-1). */
  language: string;
  engine: EngineName;
  model?: string;
  promptVersion?: string;
  cached: boolean;
  warnings: string[];
  /** What the verifier checked against the article and what it removed (absent on briefs cached before it). */
  verification?: Verification;
}
