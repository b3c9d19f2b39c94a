import type { Article } from "../core/article.ts";

/**
 * The JSON line `extract --json` prints for an article: every Article field, `assessment`
 * always present, plus `date` (YYYY-MM-DD of publishedAt, as the page states it) and `author`
 * (the same as `byline`) for readers that look for those names.
 */
export function articleJson(input: string, article: Article): Record<string, unknown> {
  return {
    input,
    ok: true,
    ...article,
    assessment: article.assessment ?? "article",
    ...(article.publishedAt ? { date: article.publishedAt.slice(0, 10) } : {}),
    ...(article.byline ? { author: article.byline } : {}),
  };
}
