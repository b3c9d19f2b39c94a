import type { UserFacingCode } from "./errors.ts";

/**
 * Why a digest story has no brief, worded for a digest: the reader sees the headline and link
 * beside it, so there is nothing to ask of them (no "paste the article text" advice, which is
 * meant for /summarize).
 */
export function digestStoryReason(code: UserFacingCode | undefined, message?: string): string {
  switch (code) {
    case "not_article":
      return "The page has no readable article text (a video, gallery or index page).";
    case "paywalled":
      return "The article is behind a paywall.";
    case "timeout":
      return "The page did not answer in time.";
    case "http_status":
      // "The page answered HTTP 404 (Not Found).": a statement, fit for a digest as it is.
      return message ?? "The page could not be loaded.";
    case "not_found":
      return "The page could not be loaded.";
    case "blocked_address":
    case "invalid_url":
      return "The link points to an address that is not fetched.";
    case "too_large":
      return "The page is too large to read.";
    case "unsupported_content":
      return "The link is not a web page.";
    case "unreachable":
    case "too_many_redirects":
      return "The site could not be reached.";
    case "rate_limited":
    case "budget_exhausted":
      return "Not summarized: today's summary budget is used up.";
    default:
      return "The article could not be read.";
  }
}

/** Grace for pages that state a time: feed and page clocks disagree by a few hours. */
const STATED_TIME_GRACE_MS = 6 * 3600_000;
/** A date without a time is a whole day somewhere on Earth: up to 38 hours after its UTC midnight. */
const DATE_ONLY_GRACE_MS = 38 * 3600_000;

/**
 * A story whose article states a publication date before the digest's window is old news that a
 * feed re-listed: it does not belong in the digest.
 */
export function publishedBeforeWindow(publishedAt: string | undefined, since: Date): boolean {
  if (publishedAt === undefined) return false;
  const at = Date.parse(publishedAt);
  if (Number.isNaN(at)) return false;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(publishedAt);
  return at + (dateOnly ? DATE_ONLY_GRACE_MS : STATED_TIME_GRACE_MS) < since.getTime();
}
