import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai/error";
import type { LlmFailureReason } from "./llm-error.ts";

/** What one failed model request means for the retry loop. */
export type AttemptFailure =
  /** Worth another request after a pause (429, 5xx, connection problems, timeouts). */
  | { kind: "transient"; reason: "timeout" | "rate_limited" | "server_error" | "unreachable"; message: string; retryAfterMs?: number; status?: number }
  /** The model answered but the answer is unusable: worth one repair request. */
  | { kind: "output"; reason: "truncated" | "invalid_output" | "unsupported"; problem: string }
  /** Asking again cannot help (refusal, content filter, 401, 404, quota). */
  | { kind: "fatal"; reason: LlmFailureReason; message: string; status?: number };

/**
 * Maps an error from `client.chat.completions.create` to a failure kind; undefined for errors
 * that are bugs rather than expected failures. `timedOut` says whether our own per-request
 * deadline fired (the SDK reports that as a user abort).
 */
export function classifyFailure(err: unknown, context: { timedOut: boolean; model: string; timeoutMs: number }): AttemptFailure | undefined {
  // A 2xx whose JSON body does not parse.
  if (err instanceof SyntaxError) {
    return { kind: "output", reason: "invalid_output", problem: "the answer is not valid JSON" };
  }
  const timeout = { kind: "transient", reason: "timeout", message: `The model did not answer within ${context.timeoutMs} ms` } as const;
  if (err instanceof APIUserAbortError) return context.timedOut ? timeout : undefined;
  if (err instanceof APIConnectionTimeoutError) return timeout;
  if (err instanceof APIConnectionError) {
    return { kind: "transient", reason: "unreachable", message: `The LLM server could not be reached: ${err.message}` };
  }
  if (err instanceof APIError && typeof err.status === "number") return classifyStatus(err, err.status, context.model);
  return undefined;
}

function classifyStatus(err: APIError, status: number, model: string): AttemptFailure {
  const detail = serverMessage(err);
  if (status === 429) {
    if (err.code === "insufficient_quota") {
      return { kind: "fatal", reason: "rate_limited", status, message: `The LLM account has no quota left (429 insufficient_quota)${detail}` };
    }
    const retryAfterMs = retryAfterMsOf(err.headers);
    return {
      kind: "transient",
      reason: "rate_limited",
      status,
      message: `The LLM server is rate limiting requests (429)${detail}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status >= 500 || status === 408 || status === 409) {
    return { kind: "transient", reason: status === 408 ? "timeout" : "server_error", status, message: `The LLM server failed (${status})${detail}` };
  }
  const message =
    status === 401
      ? `The LLM server rejected the API key (401)${detail}. Check OPENAI_API_KEY.`
      : status === 403
        ? `The LLM server denied access (403)${detail}. Check the API key's permissions.`
        : status === 404
          ? `Model "${model}" was not found at the LLM server (404)${detail}. Check LLM_MODEL and OPENAI_BASE_URL.`
          : `The LLM server rejected the request (${status})${detail}`;
  return { kind: "fatal", reason: "server_error", status, message };
}

function serverMessage(err: APIError): string {
  const error = err.error as { message?: unknown } | undefined;
  const text = typeof error?.message === "string" ? error.message : "";
  return text === "" ? "" : `: ${text.slice(0, 300)}`;
}

/** `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date), in milliseconds. */
export function retryAfterMsOf(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = headers?.get("retry-after-ms");
  if (ms != null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers?.get("retry-after");
  if (after == null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
