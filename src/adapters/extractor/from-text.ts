import type { Article } from "../../core/article.ts";
import { MIN_PASTED_TEXT_WORDS } from "../../core/article-gate.ts";
import { UserFacingError } from "../../core/errors.ts";
import { resolveLanguage } from "./language.ts";
import { wordCount } from "./postclean.ts";

/** Below this, pasted text is a short item (a wire story of a few sentences). */
const ARTICLE_WORDS = 80;
const MAX_TITLE_CHARS = 150;
const MAX_TITLE_WORDS = 20;
const DERIVED_TITLE_CHARS = 100;
const EXCERPT_CHARS = 300;

function collapse(text: string): string {
  return text.replace(/[ \t\f\v\u00a0\u200b]+/g, " ").trim();
}

/**
 * Paragraphs of pasted text. Blank lines separate paragraphs and single line breaks inside one
 * are hard wraps; text without any blank line has one paragraph per line.
 */
export function textParagraphs(text: string): string[] {
  const normalized = text.replace(/\r\n?/g, "\n").replace(/\u2028|\u2029/g, "\n");
  const hasBlankLines = /\n[ \t]*\n/.test(normalized);
  const chunks = hasBlankLines ? normalized.split(/\n[ \t]*\n/) : normalized.split("\n");
  return chunks.map((chunk) => collapse(chunk.replace(/\s*\n\s*/g, " "))).filter((p) => p.length > 0);
}

/** A title is short, ends without punctuation, holds no sentence end and is not wrapped onto the next line. */
function looksLikeTitle(line: string, nextLine: string): boolean {
  return (
    line.length <= MAX_TITLE_CHARS &&
    wordCount(line) <= MAX_TITLE_WORDS &&
    !/[.!,;:]$/.test(line) &&
    !/[.!?]\s+\p{Lu}/u.test(line) &&
    !/^\p{Ll}/u.test(nextLine)
  );
}

/** Cuts at a word boundary and marks the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > max * 0.4 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:–-]+$/, "")}…`;
}

function firstSentence(text: string): string {
  // A sentence ends at . ! ? before a space and a capital, so "3.5" or "z. B." do not end it.
  const sentence = /^.+?[.!?](?=\s+[\p{Lu}"„“‚'(]|$)/u.exec(text)?.[0] ?? text;
  return truncate(sentence, DERIVED_TITLE_CHARS);
}

/** An article from pasted plain text: first line as title when it looks like one. */
export function articleFromText(text: string): Article {
  const normalized = text.replace(/\r\n?/g, "\n").trim();
  const newline = normalized.indexOf("\n");
  const firstLine = collapse(newline === -1 ? normalized : normalized.slice(0, newline));
  const nextLine = newline === -1 ? "" : normalized.slice(newline + 1).trimStart().split("\n", 1)[0] ?? "";
  const titled = newline !== -1 && firstLine.length > 0 && looksLikeTitle(firstLine, nextLine);
  const body = textParagraphs(titled ? normalized.slice(newline + 1) : normalized);
  const first = body[0];
  if (!first) throw new UserFacingError("invalid_input", "There is no text to summarize. Paste the article text or send a link.");
  const bodyText = body.join("\n\n");
  const words = wordCount(bodyText);
  return {
    title: titled ? firstLine : firstSentence(first),
    text: bodyText,
    language: resolveLanguage(bodyText, undefined),
    excerpt: truncate(first, EXCERPT_CHARS),
    // Reported, not refused: `extract` shows any text; the summarizer decides what it can brief.
    assessment: words < MIN_PASTED_TEXT_WORDS ? "not_article" : words < ARTICLE_WORDS ? "short" : "article",
  };
}
