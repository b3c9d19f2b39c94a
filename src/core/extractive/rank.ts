/**
 * Sentence ranking: TextRank (PageRank over TF-IDF cosine similarity between sentences) blended
 * with a lead bias, plus a small bonus for sentences that carry the article's facts (companies,
 * numbers). Deterministic: fixed iteration count, ties broken by position.
 */
import { STOP_WORDS } from "./stopwords.ts";
import { foldForMatching } from "../fold.ts";

export type TermVector = Map<string, number>;

export function foldWord(word: string): string {
  return foldForMatching(word);
}

/** A crude stem shared by German and English: enough to match "Rücktritt"/"Rücktritts", "shares"/"share". */
function stem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(?:ungen|ung|ern|en|er|es|em|e|s|n)$/u, "");
}

export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = foldWord(m[0]);
    if (w.length < 2 || STOP_WORDS.has(w) || /^\d+$/.test(w)) continue;
    out.push(stem(w));
  }
  return out;
}

export function tfidfVectors(docs: readonly string[][]): TermVector[] {
  const df = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  return docs.map((doc) => {
    const tf = new Map<string, number>();
    for (const t of doc) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v: TermVector = new Map();
    for (const [t, f] of tf) v.set(t, (1 + Math.log(f)) * Math.log(1 + n / (df.get(t) ?? 1)));
    return v;
  });
}

export function cosine(a: TermVector, b: TermVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of a) {
    na += w * w;
    const o = b.get(t);
    if (o !== undefined) dot += w * o;
  }
  for (const w of b.values()) nb += w * w;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** PageRank over a symmetric similarity matrix. */
export function textRank(similarity: readonly number[][], damping = 0.85, iterations = 40): number[] {
  const n = similarity.length;
  if (n === 0) return [];
  const outSum = similarity.map((row) => row.reduce((s, x) => s + x, 0));
  let scores = Array.from({ length: n }, () => 1 / n);
  for (let it = 0; it < iterations; it += 1) {
    const next = Array.from({ length: n }, () => (1 - damping) / n);
    for (let j = 0; j < n; j += 1) {
      const total = outSum[j] ?? 0;
      const row = similarity[j] ?? [];
      const sj = scores[j] ?? 0;
      if (total === 0) {
        // A sentence sharing nothing with the others spreads its score evenly.
        for (let i = 0; i < n; i += 1) next[i] = (next[i] ?? 0) + (damping * sj) / n;
        continue;
      }
      for (let i = 0; i < n; i += 1) {
        const w = row[i] ?? 0;
        if (w > 0) next[i] = (next[i] ?? 0) + (damping * sj * w) / total;
      }
    }
    scores = next;
  }
  return scores;
}

export interface RankInput {
  text: string;
  /** Bonus in [0, 1] for sentences that state the article's facts. */
  factWeight: number;
}

export interface Ranked {
  index: number;
  score: number;
  vector: TermVector;
}

export function rankSentences(inputs: readonly RankInput[]): Ranked[] {
  const vectors = tfidfVectors(inputs.map((s) => terms(s.text)));
  const n = inputs.length;
  const similarity = vectors.map((a, i) => vectors.map((b, j) => (i === j ? 0 : cosine(a, b))));
  const tr = textRank(similarity);
  const maxTr = Math.max(...tr, Number.MIN_VALUE);
  return inputs
    .map((input, i) => {
      const centrality = (tr[i] ?? 0) / maxTr;
      const lead = 1 / (1 + 0.25 * i);
      const length = input.text.length;
      const lengthFactor = length > 380 ? 0.8 : length > 300 ? 0.9 : length < 60 ? 0.85 : 1;
      const question = /\?\s*["“”»]?$/u.test(input.text.trim()) ? 0.8 : 1;
      const score = (0.5 * centrality + 0.35 * lead + 0.25 * input.factWeight) * lengthFactor * question;
      return { index: i, score, vector: vectors[i] ?? new Map() };
    })
    .toSorted((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, n);
}

/**
 * Greedy selection of the best sentences: a near-duplicate of a chosen sentence is skipped, and
 * each sentence already taken from the same paragraph lowers a candidate's score, so the points
 * cover the article rather than its first paragraph. Returned in article order.
 */
export function selectSentences(
  ranked: readonly Ranked[],
  count: number,
  paragraphOf: (index: number) => number = () => 0,
  maxSimilarity = 0.55,
): number[] {
  const chosen: Ranked[] = [];
  const perParagraph = new Map<number, number>();
  const remaining = [...ranked];
  while (chosen.length < count && remaining.length > 0) {
    let bestAt = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    remaining.forEach((r, at) => {
      if (chosen.some((c) => cosine(c.vector, r.vector) > maxSimilarity)) return;
      const adjusted = r.score * 0.8 ** (perParagraph.get(paragraphOf(r.index)) ?? 0);
      if (adjusted > bestScore || (adjusted === bestScore && r.index < (remaining[bestAt]?.index ?? Infinity))) {
        bestScore = adjusted;
        bestAt = at;
      }
    });
    // Only near-duplicates left: take the best of them rather than too few points.
    if (bestAt < 0) bestAt = 0;
    const [picked] = remaining.splice(bestAt, 1);
    if (!picked) break;
    chosen.push(picked);
    const paragraph = paragraphOf(picked.index);
    perParagraph.set(paragraph, (perParagraph.get(paragraph) ?? 0) + 1);
  }
  return chosen.map((c) => c.index).toSorted((a, b) => a - b);
}
