/**
 * The scoring of ../shared/corpus/extraction-de (its README, as trafilatura's evaluation does):
 * snippets that must be in the text and snippets that must not, counted over all pages, plus
 * title, date and author accuracy on the pages annotated with them.
 */

export interface SnippetCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

const collapse = (s: string): string => s.replace(/\s+/g, " ").trim();

export function scoreSnippets(text: string, mustContain: readonly string[], mustNotContain: readonly string[]): SnippetCounts {
  const haystack = collapse(text);
  const counts: SnippetCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const s of mustContain) {
    if (haystack.includes(collapse(s))) counts.tp++;
    else counts.fn++;
  }
  for (const s of mustNotContain) {
    if (haystack.includes(collapse(s))) counts.fp++;
    else counts.tn++;
  }
  return counts;
}

export function sumCounts(all: readonly SnippetCounts[]): SnippetCounts {
  const total: SnippetCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const c of all) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
    total.tn += c.tn;
  }
  return total;
}

export function snippetF1(c: SnippetCounts): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

export function titleMatches(expected: string, actual: string | undefined): boolean {
  return actual !== undefined && collapse(expected.toLowerCase()) === collapse(actual.toLowerCase());
}

/** The extractor's date as YYYY-MM-DD equals the annotation. */
export function dateMatches(expected: string, actual: string | undefined): boolean {
  return actual !== undefined && actual.slice(0, 10) === expected;
}

/** Every annotated name occurs in the extracted byline. */
export function authorMatches(expected: string | readonly string[], actual: string | undefined): boolean {
  if (!actual) return false;
  const names = (typeof expected === "string" ? [expected] : expected).map((n) => collapse(n.toLowerCase())).filter((n) => n.length > 0);
  const byline = collapse(actual.toLowerCase());
  return names.length > 0 && names.every((n) => byline.includes(n));
}
