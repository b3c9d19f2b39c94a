/**
 * Tickers for a brief: companies the directory finds in the text, each on the listing whose
 * currency the article quotes, with the current price move and a tone.
 */
import type { PriceMove, Sentiment, Ticker } from "../brief.ts";
import { findNumberMentions } from "../numbers.ts";
import { findDirectionCues } from "../price-direction.ts";
import type { SymbolDirectory, SymbolMatch } from "../ports.ts";
import { type CompanyMention, currentMovesByCompany } from "../price-moves.ts";
import { splitSentences } from "./sentences.ts";
import { toneOf } from "./sentiment.ts";

export interface TickerFinding {
  ticker: Ticker;
  /** Short name for sentences ("Alibaba"), as the article writes it. */
  shortName: string;
  /** Direction the article gives the current price even without a percentage. */
  direction: -1 | 0 | 1;
  mentions: number;
  firstIndex: number;
}

const MAX_TICKERS = 6;

const VENUE_CURRENCIES: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:Hongkong|Hong Kong|HKEX|Hang Seng)\b/u, "HKD"],
  [/\b(?:Nasdaq|NASDAQ|NYSE|Wall Street|New York|Dow Jones|S&P 500|OTC)\b/u, "USD"],
  [/\b(?:Xetra|XETRA|Frankfurt|Tradegate|DAX|MDAX|TecDAX|Euro ?Stoxx)\b/u, "EUR"],
  [/\b(?:SIX|Zürich|SMI)\b/u, "CHF"],
  [/\b(?:London|LSE|FTSE)\b/u, "GBP"],
  [/\b(?:Tokio|Tokyo|Nikkei|Topix)\b/u, "JPY"],
  [/\b(?:Shanghai|Shenzhen)\b/u, "CNY"],
];

export function findTickers(text: string, language: string, symbols: SymbolDirectory): TickerFinding[] {
  const base = symbols.findInText(text);
  if (base.length === 0) return [];
  const mentionsById = new Map<string, CompanyMention[]>();
  const allMentions = companyMentions(text, base);
  for (const m of allMentions) {
    const list = mentionsById.get(m.id) ?? [];
    list.push(m);
    mentionsById.set(m.id, list);
  }
  const moves = currentMovesByCompany(text, allMentions, { language });
  const numbers = findNumberMentions(text, { language }).filter((n) => n.kind === "money" && n.currency);
  const sentences = splitSentences(text);
  const articleCurrencies = currenciesByFrequency(numbers.map((n) => n.currency ?? ""), text);

  // The listing follows the currency the article quotes for that company.
  const preferences = new Map<string, string[]>();
  for (const match of base) {
    const id = idOf(match);
    const moveCurrency = moves.get(id)?.moves[0]?.currency;
    const own = mentionsById.get(id) ?? [];
    const nearby = numbers
      .filter((n) => sentences.some((s) => s.start <= n.start && n.end <= s.end && own.some((m) => m.start >= s.start && m.end <= s.end)))
      .map((n) => n.currency ?? "");
    const list = [...new Set([...(moveCurrency ? [moveCurrency] : []), ...currenciesByFrequency(nearby, ""), ...articleCurrencies])];
    preferences.set(id, list);
  }
  const resolved = new Map<string, SymbolMatch>();
  const byList = new Map<string, SymbolMatch[]>();
  for (const list of new Set([...preferences.values()].map((l) => l.join(",")))) {
    byList.set(list, list ? symbols.findInText(text, { preferCurrencies: list.split(",") }) : base);
  }
  for (const match of base) {
    const id = idOf(match);
    const again = byList.get((preferences.get(id) ?? []).join(","))?.find((m) => m.index === match.index);
    resolved.set(id, again ?? match);
  }

  const cues = findDirectionCues(text);
  const findings: TickerFinding[] = [];
  for (const match of base) {
    const id = idOf(match);
    const entry = (resolved.get(id) ?? match).entry;
    const found = moves.get(id);
    const tickerMoves: PriceMove[] = found?.moves ?? [];
    const own = mentionsById.get(id) ?? [];
    const ownSentences = sentences.filter((s) => own.some((m) => m.start >= s.start && m.end <= s.end));
    const sentiment = sentimentOf(tickerMoves[0], found?.direction ?? 0, ownSentences.map((s) => s.text), cues, ownSentences);
    findings.push({
      ticker: { symbol: entry.symbol, name: displayName(entry.name), sentiment, moves: tickerMoves },
      shortName: shortNameOf(match),
      direction: found?.direction ?? 0,
      mentions: own.length,
      firstIndex: match.index,
    });
  }
  return findings
    .toSorted((a, b) => rankOf(b) - rankOf(a) || a.firstIndex - b.firstIndex)
    .slice(0, MAX_TICKERS);
}

function rankOf(f: TickerFinding): number {
  return (f.ticker.moves.length > 0 ? 100 : 0) + Math.min(f.mentions, 20);
}

function idOf(match: SymbolMatch): string {
  return `m${match.index}`;
}

/** Every place the company's matched name occurs (as a word start), longest names first. */
function companyMentions(text: string, matches: readonly SymbolMatch[]): CompanyMention[] {
  const mentions: CompanyMention[] = [];
  const sorted = [...matches].toSorted((a, b) => surfaceOf(b).length - surfaceOf(a).length);
  for (const match of sorted) {
    const surface = surfaceOf(match);
    if (!surface) continue;
    let from = 0;
    for (;;) {
      const at = text.indexOf(surface, from);
      if (at < 0) break;
      from = at + surface.length;
      const before = at > 0 ? (text[at - 1] ?? "") : "";
      if (/[\p{L}\p{N}]/u.test(before)) continue;
      if (mentions.some((m) => at < m.end && at + surface.length > m.start)) continue;
      mentions.push({ id: idOf(match), start: at, end: at + surface.length });
    }
    if (!mentions.some((m) => m.id === idOf(match))) {
      mentions.push({ id: idOf(match), start: match.index, end: match.index + match.matched.length });
    }
  }
  return mentions.toSorted((a, b) => a.start - b.start);
}

function surfaceOf(match: SymbolMatch): string {
  return match.matched.replace(/^[($]+|\)$/g, "").trim();
}

function shortNameOf(match: SymbolMatch): string {
  const surface = surfaceOf(match);
  if (!surface || surface.toUpperCase() === match.entry.symbol.toUpperCase()) {
    return displayName(match.entry.name);
  }
  if (/:/.test(surface)) return displayName(match.entry.name);
  return surface;
}

/** "Xiaomi Corporation (ADR)" → "Xiaomi Corporation"; "MICROSOFT CORP" → "Microsoft Corp". */
export function displayName(name: string): string {
  const cleaned = name.replace(/\s*\((?:ADR|ADS|The)\)\s*/giu, " ").replace(/\s*\/(?:ADR|[A-Z]{2})\/?\s*$/u, "").trim();
  if (cleaned === cleaned.toUpperCase() && /[A-Z]{4}/.test(cleaned)) {
    return cleaned.toLowerCase().replace(/(^|[\s\-&.])(\p{L})/gu, (_, p: string, c: string) => p + c.toUpperCase());
  }
  return cleaned;
}

function currenciesByFrequency(codes: readonly string[], text: string): string[] {
  const counts = new Map<string, number>();
  codes.forEach((c, i) => {
    if (c) counts.set(c, (counts.get(c) ?? 0) + 1 + 0.001 * (codes.length - i));
  });
  for (const [pattern, code] of VENUE_CURRENCIES) {
    if (text && pattern.test(text)) counts.set(code, (counts.get(code) ?? 0) + 0.5);
  }
  return [...counts.entries()].toSorted((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
}

function sentimentOf(
  move: PriceMove | undefined,
  direction: -1 | 0 | 1,
  sentenceTexts: readonly string[],
  cues: ReturnType<typeof findDirectionCues>,
  sentences: ReadonlyArray<{ start: number; end: number }>,
): Sentiment {
  if (move?.changePct !== null && move?.changePct !== undefined && move.changePct !== 0) {
    return move.changePct > 0 ? "bullish" : "bearish";
  }
  let score = direction * 2;
  for (const text of sentenceTexts) score += toneOf(text);
  for (const cue of cues) {
    if (sentences.some((s) => cue.start >= s.start && cue.end <= s.end)) score += cue.direction * 0.5;
  }
  if (score >= 2) return "bullish";
  if (score <= -2) return "bearish";
  return "neutral";
}
