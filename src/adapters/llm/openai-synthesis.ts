import { OpenAI, type ClientOptions } from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Brief } from "../../core/brief.ts";
import type { SynthesisStoryInput, TickerSynthesizer, TickerSynthesisRequest } from "../../core/digest-builder.ts";
import { TickerSynthesisSchema } from "../../core/digest.ts";
import { loadPrompt, promptSection, renderPrompt, type Prompt } from "../../core/prompt.ts";
import type { Logger } from "../../logger.ts";
import { languageName } from "./brief-messages.ts";
import { requestStructured } from "./structured-request.ts";

export interface OpenAiSynthesizerOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Bound on each model request. */
  timeoutMs: number;
  logger?: Logger;
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
  const client = new OpenAI({
    apiKey: options.apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(options.logger !== undefined ? { logger: sdkLogger(options.logger) } : { logLevel: "off" as const }),
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
  });

  async function synthesize(request: TickerSynthesisRequest) {
    const answer = await requestStructured({
      client,
      model: options.model,
      timeoutMs: options.timeoutMs,
      schema: TickerSynthesisSchema,
      schemaName: SYNTHESIS_SCHEMA_NAME,
      messages: synthesisMessages(prompt, request),
      repairMessage: (problem) => renderPrompt(promptSection(prompt, "repair"), { problem }),
      truncatedMessage: () => promptSection(prompt, "truncated"),
      task: "ticker synthesis",
      ...(request.signal ? { signal: request.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
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
  let previous: string;
  let current = value;
  do {
    previous = current;
    current = current.replace(FENCE_TAG, " ");
  } while (current !== previous);
  const line = current.replace(/\s+/g, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars)}…` : line;
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

function sdkLogger(logger: Logger): NonNullable<ClientOptions["logger"]> {
  const forward = (level: "error" | "warn" | "info" | "debug") => (message: string, ...details: unknown[]) =>
    logger[level]({ sdk: "openai", ...(details.length > 0 ? { details } : {}) }, message);
  return { error: forward("error"), warn: forward("warn"), info: forward("info"), debug: forward("debug") };
}
