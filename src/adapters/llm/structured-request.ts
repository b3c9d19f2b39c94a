import { setTimeout as sleep } from "node:timers/promises";
import type { OpenAI } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletion, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { z } from "zod";
import type { Metrics } from "../../core/metrics.ts";
import type { TokenUsage } from "../../core/ports.ts";
import { promptSection, renderPrompt, type Prompt } from "../../core/prompt.ts";
import type { Logger } from "../../logger.ts";
import { classifyFailure, type AttemptFailure } from "./failures.ts";
import { LlmBriefError } from "./llm-error.ts";

/**
 * One structured-output answer from a chat model (a brief, a ticker synthesis), with one bounded
 * loop: at most MAX_REQUESTS requests, pauses before retrying transient failures (429 honouring
 * a short Retry-After, 5xx, timeouts, connection errors), one repair request for a truncated or
 * invalid answer, and `LlmBriefError` (reason, requests) when it gives up.
 *
 * The answer is requested with `zodResponseFormat(schema, name)` and validated here
 * (`chat.completions.create`, not `parse`), so the raw content is at hand for the repair.
 */

/** Model requests per answer, retries and the repair included. */
export const MAX_REQUESTS = 3;
/** Pause before the 2nd and 3rd request after a transient failure. */
const BACKOFF_MS = [250, 1_000] as const;
/** A Retry-After longer than this is not waited out: the caller falls back instead. */
export const RETRY_AFTER_CAP_MS = 5_000;
const MAX_REPLAYED_CHARS = 8_000;

export interface StructuredRequest<T> {
  client: OpenAI;
  model: string;
  /** Bound on each request. */
  timeoutMs: number;
  schema: z.ZodType<T>;
  /** `response_format.json_schema.name`. */
  schemaName: string;
  messages: ChatCompletionMessageParam[];
  /** Follow-up asking again after an unusable answer (the invalid answer is replayed before it). */
  repairMessage: (problem: string) => string;
  /** Follow-up after an answer cut off at the length limit. */
  truncatedMessage: () => string;
  signal?: AbortSignal;
  logger?: Logger;
  /** Counts every request by outcome, with its tokens. */
  metrics?: Metrics;
  /** Names the task in logs and messages ("brief", "ticker synthesis"). */
  task: string;
  /** A check of a schema-valid answer: a problem makes it unusable (one repair request names it). */
  accept?: (value: T) => string | undefined;
}

/** The follow-ups of a prompt file: its "repair" section (with {{problem}}) and its "truncated" section. */
export function promptFollowUps(prompt: Prompt): Pick<StructuredRequest<unknown>, "repairMessage" | "truncatedMessage"> {
  return {
    repairMessage: (problem) => renderPrompt(promptSection(prompt, "repair"), { problem }),
    truncatedMessage: () => promptSection(prompt, "truncated"),
  };
}

export interface StructuredAnswer<T> {
  value: T;
  model: string;
  requests: number;
  usage: TokenUsage;
}

export async function requestStructured<T>(request: StructuredRequest<T>): Promise<StructuredAnswer<T>> {
  const { client, model, timeoutMs, logger, task } = request;
  const callerSignal = request.signal;
  callerSignal?.throwIfAborted();
  const responseFormat = zodResponseFormat(request.schema as z.ZodType, request.schemaName);
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  let conversation = request.messages;
  let requests = 0;
  let transientFailures = 0;
  let repaired = false;

  while (true) {
    requests += 1;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    let failure: AttemptFailure;
    let lastError: unknown;
    let invalidOutput: string | undefined;
    const spent = { promptTokens: 0, completionTokens: 0 };
    try {
      const completion: unknown = await client.chat.completions.create(
        { model, messages: conversation, response_format: responseFormat },
        { signal, timeout: timeoutMs, maxRetries: 0 },
      );
      if (isChatCompletion(completion)) {
        spent.promptTokens = completion.usage?.prompt_tokens ?? 0;
        spent.completionTokens = completion.usage?.completion_tokens ?? 0;
        usage.promptTokens += spent.promptTokens;
        usage.completionTokens += spent.completionTokens;
        invalidOutput = completion.choices[0]?.message?.content ?? undefined;
        const judged = judgeCompletion(completion, request.schema, task);
        const problem = judged.ok ? request.accept?.(judged.value) : undefined;
        request.metrics?.modelRequest({ task, outcome: !judged.ok ? judged.failure.reason : problem === undefined ? "ok" : "unsupported", ...spent });
        if (judged.ok && problem === undefined) return { value: judged.value, model: completion.model || model, requests, usage };
        failure = judged.ok ? { kind: "output", reason: "unsupported", problem: problem ?? "" } : judged.failure;
      } else {
        failure = { kind: "fatal", reason: "server_error", message: "The LLM server answered with something that is not a chat completion. Check OPENAI_BASE_URL." };
        request.metrics?.modelRequest({ task, outcome: failure.reason, ...spent });
      }
    } catch (err) {
      if (callerSignal?.aborted) {
        request.metrics?.modelRequest({ task, outcome: "aborted", ...spent });
        throw callerSignal.reason;
      }
      const classified = classifyFailure(err, { timedOut: deadline.aborted, model, timeoutMs });
      request.metrics?.modelRequest({ task, outcome: classified?.reason ?? "error", ...spent });
      if (classified === undefined) throw err;
      failure = classified;
      lastError = err;
    }

    const log = { model, task, attempt: requests, reason: failure.reason };
    if (failure.kind === "fatal") {
      logger?.warn({ ...log, status: failure.status }, "LLM request failed");
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
        ...request.messages,
        ...(failure.reason === "truncated"
          ? [{ role: "user" as const, content: request.truncatedMessage() }]
          : repairTurns(invalidOutput, request.repairMessage(failure.problem))),
      ];
      continue;
    }
    if (requests >= MAX_REQUESTS) {
      logger?.warn(log, "LLM request failed after retries");
      throw new LlmBriefError(failure.reason, `${failure.message} (gave up after ${requests} requests)`, requests, { cause: lastError });
    }
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > RETRY_AFTER_CAP_MS) {
      logger?.warn({ ...log, retryAfterMs: failure.retryAfterMs }, "LLM rate limit wait too long");
      throw new LlmBriefError(
        failure.reason,
        `${failure.message}; it asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the ${RETRY_AFTER_CAP_MS / 1000} s this bot waits`,
        requests,
        { cause: lastError },
      );
    }
    const backoff = BACKOFF_MS[Math.min(transientFailures, BACKOFF_MS.length - 1)] ?? 1_000;
    transientFailures += 1;
    const waitMs = Math.max(backoff, failure.retryAfterMs ?? 0);
    logger?.info({ ...log, waitMs }, "LLM request failed; retrying");
    try {
      await sleep(waitMs, undefined, callerSignal ? { signal: callerSignal } : {});
    } catch (err) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      throw err;
    }
  }
}

/** The SDK hands back whatever a 2xx carried: a proxy's HTML page, another API's JSON, nothing. */
function isChatCompletion(body: unknown): body is ChatCompletion {
  return typeof body === "object" && body !== null && Array.isArray((body as { choices?: unknown }).choices);
}

type Judged<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure };

function judgeCompletion<T>(completion: ChatCompletion, schema: z.ZodType<T>, task: string): Judged<T> {
  const choice = completion.choices[0];
  const message = choice?.message;
  if (message?.refusal) {
    return { ok: false, failure: { kind: "fatal", reason: "refusal", message: `The model declined to write the ${task}: ${message.refusal.slice(0, 300)}` } };
  }
  if (choice?.finish_reason === "content_filter") {
    return { ok: false, failure: { kind: "fatal", reason: "refusal", message: `The model's content filter stopped the ${task}` } };
  }
  if (choice?.finish_reason === "length") {
    return { ok: false, failure: { kind: "output", reason: "truncated", problem: "the answer was cut off at the output length limit" } };
  }
  const checked = checkAnswer(schema, message?.content);
  if (checked.ok) return checked;
  return { ok: false, failure: { kind: "output", reason: "invalid_output", problem: checked.problem } };
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function checkAnswer<T>(schema: z.ZodType<T>, content: string | null | undefined): Checked<T> {
  if (content == null || content.trim() === "") return { ok: false, problem: "the answer was empty" };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, problem: "the answer is not valid JSON" };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: `the JSON does not match the schema:\n${z.prettifyError(parsed.error)}` };
}

function repairTurns(invalidOutput: string | undefined, ask: string): ChatCompletionMessageParam[] {
  const turn: ChatCompletionMessageParam = { role: "user", content: ask };
  if (invalidOutput === undefined || invalidOutput.trim() === "") return [turn];
  return [{ role: "assistant", content: invalidOutput.slice(0, MAX_REPLAYED_CHARS) }, turn];
}
