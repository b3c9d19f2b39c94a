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

export interface UserFacingErrorOptions {
  cause?: unknown;
  /** Message catalog key (locales/) that says the same in the reader's language; `message` is the English text. */
  key?: string;
  params?: Readonly<Record<string, string | number>>;
}

export class UserFacingError extends Error {
  readonly code: UserFacingCode;
  readonly key: string | undefined;
  readonly params: Readonly<Record<string, string | number>>;
  constructor(code: UserFacingCode, message: string, options?: UserFacingErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserFacingError";
    this.code = code;
    this.key = options?.key;
    this.params = options?.params ?? {};
  }
}

export function isUserFacingError(err: unknown): err is UserFacingError {
  return err instanceof UserFacingError;
}
