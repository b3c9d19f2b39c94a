import { setImmediate as nextTurn } from "node:timers/promises";
import type { ArticleExtractor } from "../../core/ports.ts";

/**
 * Loads the article extractor for a process that starts without it (the bot). Its libraries are
 * loaded one at a time, with the event loop free in between: loading a module graph holds the
 * thread, and linkedom alone takes ~0.1 s, so other interactions are acknowledged between steps
 * instead of after the whole load.
 */
export async function loadArticleExtractor(): Promise<ArticleExtractor> {
  for (const step of [() => import("linkedom"), () => import("@mozilla/readability"), () => import("entities"), () => import("franc")]) {
    await step();
    await nextTurn();
  }
  return (await import("./index.ts")).createArticleExtractor();
}
