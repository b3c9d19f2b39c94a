import { paragraphsOf } from "./article.ts";

/**
 * Token estimates without a tokenizer: about 4 characters per token for Latin-script text,
 * one token per CJK/kana/hangul character, about 2 characters per token for other scripts
 * (Cyrillic, Greek, Arabic, emoji). Good enough to keep a prompt inside a budget; not billing.
 */
export function estimateTokens(text: string): number {
  let weight = 0;
  for (const char of text) weight += charWeight(char.codePointAt(0) ?? 0);
  return Math.ceil(weight);
}

function charWeight(cp: number): number {
  if (cp <= 0x024f || (cp >= 0x1e00 && cp <= 0x1eff) || (cp >= 0x2000 && cp <= 0x206f)) return 0.25;
  if (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  ) {
    return 1;
  }
  return 0.5;
}

export interface BudgetedText {
  text: string;
  /** True when anything was left out. */
  shortened: boolean;
  /** Paragraphs kept whole; a lone oversized first paragraph cut inside counts as 0. */
  keptParagraphs: number;
  totalParagraphs: number;
  estimatedTokens: number;
}

/**
 * Keeps the leading paragraphs that fit `budget` tokens (paragraphs joined by a blank line).
 * When even the first paragraph does not fit, it is cut at the last sentence end that fits,
 * else at a word boundary.
 */
export function cutToTokenBudget(text: string, budget: number): BudgetedText {
  const paragraphs = paragraphsOf(text);
  const total = paragraphs.length;
  const whole = estimateTokens(text);
  if (whole <= budget) {
    return { text, shortened: false, keptParagraphs: total, totalParagraphs: total, estimatedTokens: whole };
  }
  const separatorTokens = estimateTokens("\n\n");
  const kept: string[] = [];
  let used = 0;
  for (const paragraph of paragraphs) {
    const cost = estimateTokens(paragraph) + (kept.length > 0 ? separatorTokens : 0);
    if (used + cost > budget) break;
    kept.push(paragraph);
    used += cost;
  }
  if (kept.length === 0 && paragraphs[0] !== undefined && budget > 0) {
    const cut = cutInsideParagraph(paragraphs[0], budget);
    return { text: cut, shortened: true, keptParagraphs: 0, totalParagraphs: total, estimatedTokens: estimateTokens(cut) };
  }
  const joined = kept.join("\n\n");
  return {
    text: joined,
    shortened: kept.length < total,
    keptParagraphs: kept.length,
    totalParagraphs: total,
    estimatedTokens: estimateTokens(joined),
  };
}

function cutInsideParagraph(paragraph: string, budget: number): string {
  let weight = 0;
  let end = 0;
  for (const char of paragraph) {
    const next = weight + charWeight(char.codePointAt(0) ?? 0);
    if (next > budget) break;
    weight = next;
    end += char.length;
  }
  const prefix = paragraph.slice(0, end);
  const sentenceEnd = lastMatchEnd(prefix, /[.!?…。！？]["'»«“”)]?(?=\s|$)/g);
  if (sentenceEnd >= prefix.length / 2) return prefix.slice(0, sentenceEnd).trim();
  const space = prefix.search(/\s\S*$/);
  return (space > 0 ? prefix.slice(0, space) : prefix).trim();
}

function lastMatchEnd(text: string, pattern: RegExp): number {
  let end = -1;
  for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
  return end;
}
