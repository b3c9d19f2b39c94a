import type { Article } from "./article.ts";
import { UserFacingError } from "./errors.ts";

export const NOT_ARTICLE_MESSAGE =
  "That page has no article text to summarize (it may be a homepage, video or gallery). Try a link to a single article, or paste the article text.";
/** Pasted text shorter than this (in words) has nothing to summarize. */
export const MIN_PASTED_TEXT_WORDS = 15;
export const SHORT_TEXT_MESSAGE = `That text is too short to summarize. Paste the whole article, at least ${MIN_PASTED_TEXT_WORDS} words.`;
export const PAYWALLED_MESSAGE =
  "That article is behind a paywall: only its teaser is readable. Paste the article text instead, or try a link from a free source.";

/**
 * The summarizer's decision on what the extractor reported: an article or a short item with a
 * headline is summarized; a paywall teaser or a page without an article is refused.
 */
export function assertSummarizable(article: Article, source: "page" | "pasted text" = "page"): void {
  switch (article.assessment) {
    case "paywalled":
      throw new UserFacingError("paywalled", PAYWALLED_MESSAGE, { key: "error.paywalled" });
    case "not_article":
      if (source === "pasted text") throw new UserFacingError("not_article", SHORT_TEXT_MESSAGE);
      throw new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
    case "short":
      if (article.title.trim().length === 0) throw new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
      return;
    default:
      return;
  }
}
