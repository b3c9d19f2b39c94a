/**
 * The scoring of scrapinghub/article-extraction-benchmark (evaluate.py), reimplemented exactly:
 * 4-token shingles over Python-style `\w+` tokens, per-page TP/FP/FN normalized to sum 1,
 * precision/recall averaged over pages, F1 from the two means.
 *
 * Where the corpus README's prose and evaluate.py differ, evaluate.py wins, because the
 * published figures come from it: a page with no predicted shingles is left out of the
 * precision mean (not counted as 0), and a page where both sides are empty is left out of both.
 */

// Python's re.UNICODE `\w` is str.isalnum() or "_": letters (L*) and numbers (N*), no marks.
const TOKEN_RE = /[\p{L}\p{N}_]+/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

export function shingleCounts(text: string, n = 4): Map<string, number> {
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  if (tokens.length === 0) return counts;
  const last = Math.max(1, tokens.length - n + 1);
  for (let i = 0; i < last; i++) {
    // \u0001 cannot occur inside a token, so joined keys are unambiguous.
    const key = tokens.slice(i, i + n).join("\u0001");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
  /** Token sequences identical. */
  exact: boolean;
}

export function scorePage(expected: string, predicted: string): PageScore {
  const truth = shingleCounts(expected);
  const pred = shingleCounts(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, t] of truth) {
    const p = pred.get(key) ?? 0;
    tp += Math.min(t, p);
    fn += Math.max(0, t - p);
  }
  for (const [key, p] of pred) {
    const t = truth.get(key) ?? 0;
    fp += Math.max(0, p - t);
  }
  const sum = tp + fp + fn;
  if (sum > 0) {
    tp /= sum;
    fp /= sum;
    fn /= sum;
  }
  const a = tokenize(expected);
  const b = tokenize(predicted);
  const exact = a.length === b.length && a.every((tok, i) => tok === b[i]);
  return { tp, fp, fn, exact };
}

function precisionOf({ tp, fp, fn }: PageScore): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fp === 0) return 0;
  return tp / (tp + fp);
}

function recallOf({ tp, fp, fn }: PageScore): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fn === 0) return 0;
  return tp / (tp + fn);
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export interface Aggregate {
  f1: number;
  precision: number;
  recall: number;
  accuracy: number;
}

export function aggregate(scores: readonly PageScore[]): Aggregate {
  const precision = mean(scores.filter((s) => s.tp + s.fp > 0).map(precisionOf));
  const recall = mean(scores.filter((s) => s.tp + s.fn > 0).map(recallOf));
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const accuracy = mean(scores.map((s) => (s.exact ? 1 : 0)));
  return { f1, precision, recall, accuracy };
}
