import { setTimeout as sleep } from "node:timers/promises";
import { OpenAI, type ClientOptions } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { BriefSchema } from "../../core/brief.ts";
import type { BriefEngine, BriefRequest, EngineOutput, TokenUsage } from "../../core/ports.ts";
import { loadPrompt, type Prompt } from "../../core/prompt.ts";
import type { Logger } from "../../logger.ts";
import { buildBriefMessages, repairMessages, SHORTENED_WARNING, truncatedMessages } from "./brief-messages.ts";
import { classifyFailure, type AttemptFailure } from "./failures.ts";
import { LlmBriefError } from "./llm-error.ts";

export { LlmBriefError, isLlmBriefError, type LlmFailureReason } from "./llm-error.ts";

export interface OpenAiEngineOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Bound on each model request (connect, wait and read), not on the whole brief. */
  timeoutMs: number;
  /** Estimated prompt size the article is cut down to (at paragraph boundaries). */
  maxInputTokens: number;
  logger?: Logger;
  /** Prompt to use instead of prompts/brief.md (tests, experiments). */
  prompt?: Prompt;
}

/** Model requests per brief, retries and the repair included. */
export const MAX_REQUESTS = 3;
/** Pause before the 2nd and 3rd request after a transient failure. */
const BACKOFF_MS = [250, 1_000] as const;
/** A Retry-After longer than this is not waited out: the caller falls back instead. */
export const RETRY_AFTER_CAP_MS = 5_000;

/**
 * The LLM brief engine: one structured-output request per brief (`chat.completions.parse` with
 * `zodResponseFormat(BriefSchema)`), its own bounded retry loop (the SDK's retries are off), one
 * repair request for truncated/invalid answers, and `LlmBriefError` when it gives up.
 */
export function createOpenAiEngine(options: OpenAiEngineOptions): BriefEngine {
  if (!(options.timeoutMs > 0)) throw new Error("timeoutMs must be positive");
  if (!(options.maxInputTokens > 0)) throw new Error("maxInputTokens must be positive");
  const prompt = options.prompt ?? loadPrompt("brief");
  const responseFormat = zodResponseFormat(BriefSchema, "brief");
  const client = new OpenAI({
    apiKey: options.apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
    // The SDK logs to console (stdout) by default; the CLI's stdout must stay machine-readable.
    ...(options.logger !== undefined ? { logger: sdkLogger(options.logger) } : { logLevel: "off" as const }),
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
  });
  const { model, timeoutMs, logger } = options;

  async function summarize(request: BriefRequest): Promise<EngineOutput> {
    const callerSignal = request.signal;
    callerSignal?.throwIfAborted();
    const built = buildBriefMessages(prompt, request.article, request.language, options.maxInputTokens);
    const warnings = built.shortened ? [SHORTENED_WARNING] : [];
    const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
    // The SDK's parse errors drop the completion; this per-brief recorder keeps the raw body so
    // a repair request can show the model its own invalid output, and usage is still counted.
    const recorder: ResponseRecorder = {};
    const briefClient = client.withOptions({ fetch: recordingFetch(recorder) });
    let conversation: ChatCompletionMessageParam[] = built.messages;
    let requests = 0;
    let transientFailures = 0;
    let repaired = false;
    let invalidOutput: string | undefined;
    let lastError: unknown;

    while (true) {
      requests += 1;
      recorder.body = undefined;
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
      let failure: AttemptFailure;
      lastError = undefined;
      try {
        const completion = await briefClient.chat.completions.parse(
          { model, messages: conversation, response_format: responseFormat },
          { signal, timeout: timeoutMs, maxRetries: 0 },
        );
        addUsage(usage, completion.usage);
        const message = completion.choices[0]?.message;
        if (message?.refusal) {
          failure = { kind: "fatal", reason: "refusal", message: `The model declined to write the brief: ${message.refusal.slice(0, 300)}` };
        } else if (message?.parsed == null) {
          failure = { kind: "output", reason: "invalid_output", problem: "the answer was empty" };
        } else {
          return { brief: message.parsed, engine: "llm", model: completion.model || model, warnings, usage, requests };
        }
      } catch (err) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        const recorded = await recordedCompletion(recorder);
        const classified = classifyFailure(err, { timedOut: deadline.aborted, model, timeoutMs }) ?? notACompletion(recorded);
        if (classified === undefined) throw err;
        failure = classified;
        lastError = err;
        if (failure.kind === "output") {
          addUsage(usage, recorded?.usage);
          invalidOutput = recorded?.content;
        }
      }

      const log = { model, attempt: requests, reason: failure.reason };
      if (failure.kind === "fatal") {
        logger?.warn({ ...log, status: failure.status }, "LLM brief failed");
        throw new LlmBriefError(failure.reason, failure.message, requests, { cause: lastError });
      }
      if (failure.kind === "output") {
        if (repaired || requests >= MAX_REQUESTS) {
          logger?.warn({ ...log, problem: failure.problem }, "LLM answer unusable after repair");
          throw new LlmBriefError(failure.reason, `The model's answer was unusable: ${failure.problem}`, requests, { cause: lastError });
        }
        logger?.info({ ...log, problem: failure.problem }, "LLM answer unusable; asking for a repair");
        repaired = true;
        conversation = [
          ...built.messages,
          ...(failure.reason === "truncated"
            ? truncatedMessages(prompt)
            : repairMessages(prompt, invalidOutput, failure.problem)),
        ];
        continue;
      }
      if (requests >= MAX_REQUESTS) {
        logger?.warn(log, "LLM brief failed after retries");
        throw new LlmBriefError(failure.reason, `${failure.message} (gave up after ${requests} requests)`, requests, { cause: lastError });
      }
      const backoff = BACKOFF_MS[Math.min(transientFailures, BACKOFF_MS.length - 1)] ?? 1_000;
      transientFailures += 1;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > RETRY_AFTER_CAP_MS) {
        logger?.warn({ ...log, retryAfterMs: failure.retryAfterMs }, "LLM rate limit wait too long");
        throw new LlmBriefError(
          failure.reason,
          `${failure.message}; it asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the ${RETRY_AFTER_CAP_MS / 1000} s this bot waits`,
          requests,
          { cause: lastError },
        );
      }
      const waitMs = Math.max(backoff, failure.retryAfterMs ?? 0);
      logger?.info({ ...log, waitMs }, "LLM request failed; retrying");
      await pause(waitMs, callerSignal);
    }
  }

  return { name: "llm", model, promptVersion: prompt.version, summarize };
}

function sdkLogger(logger: Logger): NonNullable<ClientOptions["logger"]> {
  const forward = (level: "error" | "warn" | "info" | "debug") => (message: string, ...details: unknown[]) =>
    logger[level]({ sdk: "openai", ...(details.length > 0 ? { details } : {}) }, message);
  return { error: forward("error"), warn: forward("warn"), info: forward("info"), debug: forward("debug") };
}

interface ResponseRecorder {
  body?: Promise<string> | undefined;
}

type Fetch = NonNullable<ClientOptions["fetch"]>;

function recordingFetch(recorder: ResponseRecorder): Fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) {
      const body = response.clone().text();
      body.catch(() => {}); // read only on failure; an aborted read must not go unhandled
      recorder.body = body;
    }
    return response;
  };
}

interface RecordedCompletion {
  isCompletion: boolean;
  content?: string;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** The last successful response of this brief, as far as it can be read; undefined if none. */
async function recordedCompletion(recorder: ResponseRecorder): Promise<RecordedCompletion | undefined> {
  if (recorder.body === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await recorder.body);
  } catch {
    return { isCompletion: false };
  }
  const completion = json as { choices?: unknown; usage?: RecordedCompletion["usage"] } | null;
  if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices)) {
    return { isCompletion: false };
  }
  const first = completion.choices[0] as { message?: { content?: unknown } } | undefined;
  const content = first?.message?.content;
  return {
    isCompletion: true,
    ...(typeof content === "string" ? { content } : {}),
    ...(completion.usage !== undefined ? { usage: completion.usage } : {}),
  };
}

/** A 2xx answer that is not a chat completion at all (a proxy's HTML page, another API). */
function notACompletion(recorded: RecordedCompletion | undefined): AttemptFailure | undefined {
  if (recorded === undefined || recorded.isCompletion) return undefined;
  return { kind: "fatal", reason: "server_error", message: "The LLM server answered with something that is not a chat completion. Check OPENAI_BASE_URL." };
}

function addUsage(total: TokenUsage, usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): void {
  if (!usage) return;
  total.promptTokens += usage.prompt_tokens ?? 0;
  total.completionTokens += usage.completion_tokens ?? 0;
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}
