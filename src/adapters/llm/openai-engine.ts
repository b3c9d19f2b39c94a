import { BriefSchema } from "../../core/brief.ts";
import type { BriefEngine, BriefRequest, EngineOutput } from "../../core/ports.ts";
import { loadPrompt, type Prompt } from "../../core/prompt.ts";
import type { Metrics } from "../../core/metrics.ts";
import type { Logger } from "../../logger.ts";
import { buildBriefMessages, SHORTENED_WARNING } from "./brief-messages.ts";
import { createLlmClient } from "./client.ts";
import { promptFollowUps, requestStructured } from "./structured-request.ts";

export { LlmBriefError, isLlmBriefError, type LlmFailureReason } from "./llm-error.ts";
export { MAX_REQUESTS, RETRY_AFTER_CAP_MS } from "./structured-request.ts";

export interface OpenAiEngineOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Bound on each model request (connect, wait and read), not on the whole brief. */
  timeoutMs: number;
  /** Estimated prompt size the article is cut down to (at paragraph boundaries). */
  maxInputTokens: number;
  logger?: Logger;
  metrics?: Metrics;
  /** Prompt to use instead of prompts/brief.md (tests, experiments). */
  prompt?: Prompt;
}

/**
 * The LLM brief engine: one structured-output request per brief (BriefSchema as "brief"), with
 * the shared bounded retry/repair loop of `requestStructured`; `LlmBriefError` when it gives up.
 */
export function createOpenAiEngine(options: OpenAiEngineOptions): BriefEngine {
  if (!(options.timeoutMs > 0)) throw new Error("timeoutMs must be positive");
  if (!(options.maxInputTokens > 0)) throw new Error("maxInputTokens must be positive");
  const prompt = options.prompt ?? loadPrompt("brief");
  const followUps = promptFollowUps(prompt);
  const client = createLlmClient(options);

  async function summarize(request: BriefRequest): Promise<EngineOutput> {
    request.signal?.throwIfAborted();
    const built = buildBriefMessages(prompt, request.article, request.language, options.maxInputTokens);
    const answer = await requestStructured({
      client,
      model: options.model,
      timeoutMs: options.timeoutMs,
      schema: BriefSchema,
      schemaName: "brief",
      messages: built.messages,
      ...followUps,
      task: "brief",
      ...(request.check ? { accept: request.check } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    return {
      brief: answer.value,
      engine: "llm",
      model: answer.model,
      warnings: built.shortened ? [SHORTENED_WARNING] : [],
      usage: answer.usage,
      requests: answer.requests,
    };
  }

  return { name: "llm", model: options.model, promptVersion: prompt.version, summarize };
}
