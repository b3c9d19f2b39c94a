/**
 * "Why it matters" for the extractive engine: a sentence built from the tickers' stated moves,
 * in German or English (other languages get English: the engine cannot translate).
 */
import type { PriceMove } from "../brief.ts";
import type { TickerFinding } from "./tickers.ts";

type Lang = "de" | "en";

export function whyItMatters(findings: readonly TickerFinding[], language: string): string {
  const lang: Lang = language.toLowerCase().startsWith("de") ? "de" : "en";
  const withMoves = findings.filter((f) => f.ticker.moves.length > 0).slice(0, 3);
  if (withMoves.length > 0) {
    const parts = withMoves.map((f) => describeMove(f, lang));
    return `${parts.join("; ")}.`;
  }
  const named = findings.slice(0, 3).map((f) => `${f.shortName} (${f.ticker.symbol})`);
  if (named.length > 0) {
    const list = joinList(named, lang);
    return lang === "de"
      ? `Der Artikel betrifft ${list}, nennt aber keine Kursbewegung.`
      : `The article concerns ${list} but states no price move.`;
  }
  return lang === "de"
    ? "Der Artikel nennt kein börsennotiertes Unternehmen und keine Kursbewegung."
    : "The article names no listed company and states no price move.";
}

function describeMove(f: TickerFinding, lang: Lang): string {
  const move = f.ticker.moves[0] as PriceMove;
  const who = `${f.shortName} (${f.ticker.symbol})`;
  const pct = move.changePct;
  const price = move.price !== null ? `${formatNumber(move.price, lang, 2)} ${move.currency ?? ""}`.trim() : null;
  if (pct !== null) {
    const size = `${formatNumber(Math.abs(pct), lang, 0)} %`;
    if (lang === "de") {
      const verb = pct >= 0 ? "stieg" : "fiel";
      return price ? `${who} ${verb} um ${size} auf ${price}` : `${who} ${verb} um ${size}`;
    }
    const verb = pct >= 0 ? "rose" : "fell";
    return price ? `${who} ${verb} ${size} to ${price}` : `${who} ${verb} ${size}`;
  }
  if (lang === "de") {
    const after = f.direction < 0 ? " nach Verlusten" : f.direction > 0 ? " nach Gewinnen" : "";
    return `${who} notiert${after} bei ${price ?? "?"}`;
  }
  const after = f.direction < 0 ? " after a decline" : f.direction > 0 ? " after a rise" : "";
  return `${who} is quoted at ${price ?? "?"}${after}`;
}

/** 130.7 → "130.70" (en) / "130,70" (de); percentages keep up to two decimals. */
export function formatNumber(value: number, lang: Lang, minDecimals: number): string {
  const locale = lang === "de" ? "de-DE" : "en-US";
  return new Intl.NumberFormat(locale, { minimumFractionDigits: minDecimals, maximumFractionDigits: Math.max(2, minDecimals) }).format(value);
}

function joinList(items: readonly string[], lang: Lang): string {
  if (items.length <= 1) return items[0] ?? "";
  const and = lang === "de" ? " und " : " and ";
  return `${items.slice(0, -1).join(", ")}${and}${items.at(-1)}`;
}
