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
