import type { ArticleExtractor } from "../../core/ports.ts";
import { importGradually } from "../../gradual-import.ts";

/**
 * Loads the article extractor for a process that starts without it (the bot). Its libraries
 * (linkedom alone is ~240 modules, ~0.1 s of compiling) are imported a few modules at a time with
 * the event loop free in between, so other interactions are acknowledged during the load.
 */
export async function loadArticleExtractor(): Promise<ArticleExtractor> {
  const { createArticleExtractor } = await importGradually<typeof import("./index.ts")>(new URL("./index.ts", import.meta.url).href);
  return createArticleExtractor();
}
