/**
 * A ticker synthesis against what it was written from: every figure in a bullet must appear in
 * the briefs or headlines of the day's stories, and driverStoryIds must name those stories.
 */
import type { DigestStory, TickerSynthesis } from "../digest.ts";
import { articleFacts } from "./article-facts.ts";
import type { RemovedItem } from "./types.ts";
import { unsupportedInText } from "./verify-brief.ts";

export interface VerifiedSynthesis {
  synthesis: TickerSynthesis;
  removed: RemovedItem[];
}

export function verifySynthesis(synthesis: TickerSynthesis, symbol: string, stories: readonly DigestStory[]): VerifiedSynthesis {
  const lines: string[] = [];
  const symbols = new Set<string>([symbol]);
  for (const story of stories) {
    lines.push(story.title);
    const brief = story.brief;
    if (!brief) continue;
    lines.push(brief.headline, brief.whyItMatters, ...brief.keyPoints.flatMap((k) => [k.text, k.evidence]));
    for (const ticker of brief.tickers) {
      symbols.add(ticker.symbol);
      for (const move of ticker.moves) {
        const parts = [
          move.changePct !== null ? `${move.changePct > 0 ? "+" : ""}${move.changePct} %` : "",
          move.price !== null ? `${move.price} ${move.currency ?? ""}` : "",
        ];
        lines.push(`${ticker.name} (${ticker.symbol}) ${parts.join(" ")}.`);
      }
    }
  }
  const facts = articleFacts({ title: "", text: lines.join("\n\n"), language: "en" });
  const removed: RemovedItem[] = [];
  const bullets = synthesis.bullets.filter((bullet, i) => {
    const failures = unsupportedInText(bullet, facts, symbols);
    if (failures.length > 0) removed.push({ field: `bullets[${i}]`, value: bullet, reason: failures.join("; ") });
    return failures.length === 0;
  });
  const known = new Set(stories.map((s) => s.id));
  const driverStoryIds = synthesis.driverStoryIds.filter((id, i) => {
    if (known.has(id)) return true;
    removed.push({ field: `driverStoryIds[${i}]`, value: id, reason: "no story with this id" });
    return false;
  });
  return { synthesis: { ...synthesis, bullets, driverStoryIds }, removed };
}
