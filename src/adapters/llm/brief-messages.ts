import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Article } from "../../core/article.ts";
import { promptSection, renderPrompt, type Prompt } from "../../core/prompt.ts";
import { cutToTokenBudget, estimateTokens } from "../../core/token-budget.ts";

export const SHORTENED_WARNING = "Article shortened to fit the model's input budget";

/** English name of an ISO 639-1 code ("de" → "German"); the code itself when unknown. */
export function languageName(code: string): string {
  const trimmed = code.trim();
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" }).of(trimmed);
    if (name !== undefined && name.toLowerCase() !== trimmed.toLowerCase()) return name;
  } catch {
    // Not a well-formed language tag: fall through to the raw code.
  }
  return trimmed === "" ? "the article's language" : trimmed;
}

// Any spelling of our fence tags (case, spaces, attributes, closing slash) inside untrusted text.
const FENCE_TAG = /<\s*\/?\s*(?:article|metadata)\b[^>]*>/gi;

/** Removes our fence tags from untrusted text so it cannot close its block and pose as instructions. */
export function neutralizeFences(text: string): string {
  return removeTags(text, FENCE_TAG);
}

/** Every match of a global `tag` pattern removed, repeatedly: removing one must not assemble another ("<arti<article>cle>"). */
export function removeTags(text: string, tag: RegExp): string {
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = current.replace(tag, " ");
  } while (current !== previous);
  return current;
}

/** Whitespace collapsed to one line, cut to `maxChars` with an ellipsis. */
export function oneLine(text: string, maxChars: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars)}…` : line;
}

function metadataValue(value: string | undefined, maxChars: number): string {
  if (value === undefined) return "unknown";
  const line = oneLine(neutralizeFences(value), maxChars);
  return line === "" ? "unknown" : line;
}

export interface BriefMessages {
  messages: ChatCompletionMessageParam[];
  shortened: boolean;
  articleTokens: number;
}

/**
 * System instructions plus one user message with the article fenced as data. The whole prompt
 * is kept within `maxInputTokens` (estimated) by cutting the article at paragraph boundaries;
 * the instructions are never cut, and the article keeps at least a quarter of the budget.
 */
export function buildBriefMessages(
  prompt: Prompt,
  article: Article,
  language: string,
  maxInputTokens: number,
): BriefMessages {
  const vars = {
    targetLanguage: languageName(language),
    articleLanguage: languageName(article.language),
    title: metadataValue(article.title, 300),
    siteName: metadataValue(article.siteName, 100),
    publishedAt: metadataValue(article.publishedAt, 40),
  };
  const system = renderPrompt(promptSection(prompt, "system"), vars);
  const userTemplate = promptSection(prompt, "user");
  const overhead = estimateTokens(system) + estimateTokens(renderPrompt(userTemplate, { ...vars, articleText: "" }));
  const articleBudget = Math.max(maxInputTokens - overhead, Math.floor(maxInputTokens / 4));
  const budgeted = cutToTokenBudget(neutralizeFences(article.text).trim(), articleBudget);
  const user = renderPrompt(userTemplate, { ...vars, articleText: budgeted.text });
  return {
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    shortened: budgeted.shortened,
    articleTokens: budgeted.estimatedTokens,
  };
}
