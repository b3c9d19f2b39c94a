import { type AnnotatedPage, iterateAnnotatedPages, splitOf } from "./corpus-de.ts";
import type { ExtractFn, Extraction } from "./extractors.ts";
import { authorMatches, dateMatches, type SnippetCounts, scoreSnippets, snippetF1, sumCounts, titleMatches } from "./snippet-score.ts";

/** One page of the annotated set as an extractor did on it. */
export interface AnnotatedResult {
  id: string;
  language: string;
  split: "dev" | "holdout";
  ms: number;
  counts: SnippetCounts;
  /** Undefined where the page has no annotation. */
  title?: boolean;
  date?: boolean;
  author?: boolean;
  empty: boolean;
  error: boolean;
  extraction: Extraction;
}

export function evaluatePage(extract: ExtractFn, page: AnnotatedPage): AnnotatedResult {
  let out: Extraction = { text: "" };
  let error = false;
  const start = performance.now();
  try {
    // As `extract` runs on a saved page: no URL beside the file (the page may name its own).
    out = extract(page.html, "");
  } catch {
    error = true;
  }
  const ms = performance.now() - start;
  const result: AnnotatedResult = {
    id: page.id,
    language: page.language,
    split: splitOf(page.id),
    ms,
    counts: scoreSnippets(out.text, page.mustContain, page.mustNotContain),
    empty: out.text.trim().length === 0,
    error,
    extraction: out,
  };
  if (page.title) result.title = titleMatches(page.title, out.title);
  if (page.date) result.date = dateMatches(page.date, out.publishedAt);
  if (page.author) result.author = authorMatches(page.author, out.byline);
  return result;
}

export function evaluateAll(extract: ExtractFn, dir?: string, warmup = 10): AnnotatedResult[] {
  let warm = 0;
  for (const page of iterateAnnotatedPages(dir)) {
    if (warm++ >= warmup) break;
    try {
      extract(page.html, "");
    } catch {
      // Warm-up only.
    }
  }
  const results: AnnotatedResult[] = [];
  for (const page of iterateAnnotatedPages(dir)) results.push(evaluatePage(extract, page));
  return results;
}

export interface AnnotatedSummary {
  pages: number;
  f1: number;
  precision: number;
  recall: number;
  f1De: number;
  pagesDe: number;
  titleAccuracy: number;
  dateAccuracy: number;
  authorAccuracy: number;
  withoutText: number;
}

const accuracy = (values: ReadonlyArray<boolean | undefined>): number => {
  const known = values.filter((v): v is boolean => v !== undefined);
  return known.length === 0 ? 0 : known.filter(Boolean).length / known.length;
};

export function summarize(results: readonly AnnotatedResult[]): AnnotatedSummary {
  const all = snippetF1(sumCounts(results.map((r) => r.counts)));
  const de = results.filter((r) => r.language === "de");
  return {
    pages: results.length,
    ...all,
    f1De: snippetF1(sumCounts(de.map((r) => r.counts))).f1,
    pagesDe: de.length,
    titleAccuracy: accuracy(results.map((r) => r.title)),
    dateAccuracy: accuracy(results.map((r) => r.date)),
    authorAccuracy: accuracy(results.map((r) => r.author)),
    withoutText: results.filter((r) => r.empty).length,
  };
}
