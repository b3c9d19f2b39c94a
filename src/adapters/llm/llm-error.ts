export type LlmFailureReason =
  | "refusal"
  | "truncated"
  | "invalid_output"
  | "unsupported"
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "unreachable";

/**
 * The LLM engine gave up on a brief. Expected, not a bug: the summarize service falls back to
 * the extractive engine and shows a warning. `requests` is how many model requests it cost.
 */
export class LlmBriefError extends Error {
  readonly reason: LlmFailureReason;
  readonly requests: number;
  constructor(reason: LlmFailureReason, message: string, requests: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LlmBriefError";
    this.reason = reason;
    this.requests = requests;
  }
}

export function isLlmBriefError(err: unknown): err is LlmBriefError {
  return err instanceof LlmBriefError;
}
