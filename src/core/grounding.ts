import type { Brief } from "./brief.ts";

/** Folds the differences that do not change a quote: whitespace, quote marks, dashes, case. */
export function normalizeForQuote(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb"]/g, '"')
    .replace(/[\u2018\u2019\u201a\u2039\u203a']/g, "'")
    .replace(/[\u2010-\u2015]/g, "-")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

export function isVerbatimIn(quote: string, articleText: string): boolean {
  const q = normalizeForQuote(quote).replace(/^[."'\s]+|[."'\s]+$/g, "");
  return q.length >= 12 && normalizeForQuote(articleText).includes(q);
}

export interface GroundingReport {
  brief: Brief;
  ungrounded: number;
}

/**
 * Keeps key points whose evidence is a verbatim quote of the article. When fewer than three
 * would remain, the brief keeps them all and the caller warns instead.
 */
export function groundBrief(brief: Brief, articleText: string): GroundingReport {
  const grounded = brief.keyPoints.filter((kp) => isVerbatimIn(kp.evidence, articleText));
  const ungrounded = brief.keyPoints.length - grounded.length;
  if (ungrounded > 0 && grounded.length >= 3) {
    return { brief: { ...brief, keyPoints: grounded }, ungrounded };
  }
  return { brief, ungrounded };
}
