import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Brief } from "../../core/brief.ts";
import type { SynthesisStoryInput, TickerSynthesizer, TickerSynthesisRequest } from "../../core/ports.ts";
import { TickerSynthesisSchema } from "../../core/digest.ts";
import { loadPrompt, promptSection, renderPrompt, type Prompt } from "../../core/prompt.ts";
import type { Metrics } from "../../core/metrics.ts";
import type { Logger } from "../../logger.ts";
import { languageName, oneLine, removeTags } from "./brief-messages.ts";
import { createLlmClient } from "./client.ts";
import { promptFollowUps, requestStructured } from "./structured-request.ts";

export interface OpenAiSynthesizerOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Bound on each model request. */
  timeoutMs: number;
  logger?: Logger;
  metrics?: Metrics;
  /** Prompt to use instead of prompts/digest.md (tests, experiments). */
  prompt?: Prompt;
}

export const SYNTHESIS_SCHEMA_NAME = "ticker_synthesis";

/** Longest text kept per field of a story, so a few stories always fit the prompt. */
const FIELD_CHARS = 400;

/**
 * A ticker's daily synthesis from the day's story briefs (prompts/digest.md), as structured
 * output of TickerSynthesisSchema, with the shared bounded retry/repair loop.
 */
export function createOpenAiSynthesizer(options: OpenAiSynthesizerOptions): TickerSynthesizer {
  const prompt = options.prompt ?? loadPrompt("digest");
  const followUps = promptFollowUps(prompt);
  const client = createLlmClient(options);

  async function synthesize(request: TickerSynthesisRequest) {
    const answer = await requestStructured({
      client,
      model: options.model,
      timeoutMs: options.timeoutMs,
      schema: TickerSynthesisSchema,
      schemaName: SYNTHESIS_SCHEMA_NAME,
      messages: synthesisMessages(prompt, request),
      ...followUps,
      task: "ticker synthesis",
      ...(request.signal ? { signal: request.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    const known = new Set(request.stories.map((s) => s.id));
    const bullets = answer.value.bullets.map((b) => b.replace(/\s+/g, " ").trim()).filter((b) => b !== "");
    return {
      synthesis: {
        tone: answer.value.tone,
        bullets,
        driverStoryIds: [...new Set(answer.value.driverStoryIds.map((id) => id.trim()).filter((id) => known.has(id)))],
      },
      requests: answer.requests,
    };
  }

  return { model: options.model, promptVersion: prompt.version, synthesize };
}

export function synthesisMessages(prompt: Prompt, request: TickerSynthesisRequest): ChatCompletionMessageParam[] {
  const targetLanguage = languageName(request.language);
  const vars = {
    targetLanguage,
    symbol: dataText(request.symbol, 40),
    name: dataText(request.name, 200),
    stories: request.stories.map(storyBlock).join("\n"),
  };
  return [
    { role: "system", content: renderPrompt(promptSection(prompt, "system"), vars) },
    { role: "user", content: renderPrompt(promptSection(prompt, "user"), vars) },
  ];
}

// Any spelling of our fence tags inside untrusted text.
const FENCE_TAG = /<\s*\/?\s*(?:stories|story)\b[^>]*>/gi;

/** One line of untrusted text: fence tags removed (repeatedly), whitespace collapsed, cut. */
export function dataText(value: string, maxChars = FIELD_CHARS): string {
  return oneLine(removeTags(value, FENCE_TAG), maxChars);
}

function storyBlock(story: SynthesisStoryInput): string {
  const lines = [
    `<story id="${story.id.replace(/[^A-Za-z0-9_-]/g, "")}">`,
    `headline: ${dataText(story.title)}`,
    `outlets: ${story.outlets.map((o) => dataText(o, 80)).join(", ") || "unknown"}`,
    `published: ${story.publishedAt ?? "unknown"}`,
  ];
  if (story.brief === undefined) lines.push("brief: none (the article could not be read; judge by the headline only)");
  else lines.push(...briefLines(story.brief));
  lines.push("</story>");
  return lines.join("\n");
}

function briefLines(brief: Brief): string[] {
  const lines = [`brief headline: ${dataText(brief.headline)}`, "key points:"];
  for (const point of brief.keyPoints) lines.push(`- ${dataText(point.text)}`);
  const moves = brief.tickers.flatMap((ticker) =>
    ticker.moves.map((move) => {
      const parts = [
        move.changePct !== null ? `${move.changePct > 0 ? "+" : ""}${move.changePct} %` : undefined,
        move.price !== null ? `at ${move.price}${move.currency ? ` ${move.currency}` : ""}` : undefined,
      ].filter((p) => p !== undefined);
      return parts.length === 0 ? undefined : `${dataText(ticker.symbol, 20)} ${parts.join(" ")}`;
    }),
  );
  const stated = moves.filter((m) => m !== undefined);
  if (stated.length > 0) lines.push(`price moves stated: ${stated.join("; ")}`);
  const tones = brief.tickers.map((t) => `${dataText(t.symbol, 20)} ${t.sentiment}`);
  if (tones.length > 0) lines.push(`article tone: ${tones.join(", ")}`);
  lines.push(`why it matters: ${dataText(brief.whyItMatters)}`);
  return lines;
}
