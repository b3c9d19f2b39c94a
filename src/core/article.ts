/**
 * What the extractor found: an article, a short item (a wire story of a few sentences), only a
 * paywall's teaser, or no article at all (a homepage, gallery, video page, login wall).
 */
export type ArticleAssessment = "article" | "short" | "paywalled" | "not_article";

/** An article as extracted from a page or read from plain text. */
export interface Article {
  title: string;
  /** Main text, paragraphs separated by a blank line. */
  text: string;
  byline?: string;
  siteName?: string;
  /** ISO 8601 timestamp when the page states one. */
  publishedAt?: string;
  /** ISO 639-1 code, detected from the text when the page does not declare it reliably. */
  language: string;
  /** Canonical URL of the page when known (link rel=canonical / og:url, else the fetched URL). */
  url?: string;
  excerpt?: string;
  /** Set by the extractor; the summarizer refuses "paywalled" and "not_article" (absent = "article"). */
  assessment?: ArticleAssessment;
}

export function paragraphsOf(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}
