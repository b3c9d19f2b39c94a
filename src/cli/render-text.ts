import type { Article } from "../core/article.ts";
import type { BriefResult, PriceMove } from "../core/brief.ts";
import type { MarketNow } from "../core/brief-market-now.ts";
import { formatPct, formatPrice } from "../core/price-format.ts";
import { textIsQuote } from "../core/verify/verify-brief.ts";

export function formatMove(move: PriceMove): string {
  const parts: string[] = [];
  if (move.changePct !== null) parts.push(`${move.changePct > 0 ? "+" : ""}${move.changePct.toFixed(2)} %`);
  if (move.price !== null) parts.push(`${parts.length ? "at " : ""}${move.price.toFixed(2)}${move.currency ? ` ${move.currency}` : ""}`);
  return parts.join(" ");
}

/** "now 131.20 HKD, +0.38 % since" */
export function formatMarketNow(now: MarketNow): string {
  return `now ${formatPrice(now.price, "en-US")} ${now.currency}, ${formatPct(now.changePctSince, "en-US")} since`;
}

export function renderBriefText(result: BriefResult, marketNow: readonly MarketNow[] = []): string {
  const { brief, source } = result;
  const lines: string[] = [brief.headline, ""];
  const meta = [source.siteName, source.language, source.publishedAt && `published ${source.publishedAt.slice(0, 10)}`].filter(Boolean).join(", ");
  lines.push(`Source: ${source.title}${meta ? ` (${meta})` : ""}`);
  if (source.url) lines.push(`        ${source.url}`);
  lines.push("", "Key points:");
  brief.keyPoints.forEach((kp, i) => {
    if (textIsQuote(kp)) lines.push(`  ${i + 1}. "${kp.evidence}"`);
    else lines.push(`  ${i + 1}. ${kp.text}`, `     "${kp.evidence}"`);
  });
  if (brief.tickers.length > 0) {
    lines.push("", "Tickers:");
    for (const t of brief.tickers) {
      const move = t.moves[0] ? `  ${formatMove(t.moves[0])}` : "";
      lines.push(`  ${t.symbol.padEnd(10)} ${t.name} (${t.sentiment})${move}`);
      const current = t.moves[0] ? marketNow.find((m) => m.symbol === t.symbol) : undefined;
      if (current) lines.push(`  ${"".padEnd(10)} ${formatMarketNow(current)}`);
    }
  }
  lines.push("", `Why it matters: ${brief.whyItMatters}`, "");
  const engine = result.engine === "llm" ? `LLM (${result.model ?? "model"})` : "extractive (no LLM)";
  lines.push(`Engine: ${engine}${result.cached ? ", cached" : ""}. Not investment advice.`);
  if (result.verification) {
    const v = result.verification;
    lines.push(`Checked against the source: ${count(v.figures, "figure")}, ${count(v.tickers, "ticker")}, ${count(v.quotes, "quote")}; ${count(v.removed.length, "unsupported item")} removed.`);
    for (const r of v.removed) lines.push(`  removed ${r.field}: ${r.value} (${r.reason})`);
  }
  for (const w of result.warnings) lines.push(`Warning: ${w}`);
  return lines.join("\n");
}

export function renderArticleText(article: Article): string {
  const meta = [
    article.byline && `By: ${article.byline}`,
    article.siteName && `Site: ${article.siteName}`,
    article.publishedAt && `Published: ${article.publishedAt}`,
    `Language: ${article.language}`,
    `Assessment: ${article.assessment ?? "article"}`,
    article.url && `URL: ${article.url}`,
  ].filter(Boolean);
  return [article.title, ...meta, "", article.text].join("\n");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
