/**
 * An expected failure whose message is safe and useful to show to the person who caused it
 * (a Discord user or a CLI user). Anything else is a bug: logged, answered generically.
 */
export type UserFacingCode =
  | "invalid_url"
  | "blocked_address"
  | "not_article"
  | "paywalled"
  | "timeout"
  | "http_status"
  | "too_large"
  | "unsupported_content"
  | "unreachable"
  | "too_many_redirects"
  | "rate_limited"
  | "budget_exhausted"
  | "not_found"
  | "invalid_input"
  | "forbidden";

export class UserFacingError extends Error {
  readonly code: UserFacingCode;
  constructor(code: UserFacingCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UserFacingError";
    this.code = code;
  }
}

export function isUserFacingError(err: unknown): err is UserFacingError {
  return err instanceof UserFacingError;
}
