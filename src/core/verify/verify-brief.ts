/**
 * The verifier: one pass over a brief, whatever engine wrote it, against the article it claims
 * to summarize. Every figure in the headline, the key points and whyItMatters must be an article
 * figure (compared as values), every ticker listed and mentioned, every move stated for that
 * company, every currency stated or implied, every quote verbatim. What fails is removed (a key
 * point, a figure-bearing clause of the headline, a sentence of whyItMatters, a move's field, a
 * ticker), never kept; `usable` says whether enough is left to post (3 key points, a headline).
 */
import type { Brief, KeyPoint, Ticker } from "../brief.ts";
import { splitSentences } from "../extractive/sentences.ts";
import { normalizeForQuote } from "./quote-text.ts";
import type { SymbolDirectory } from "../ports.ts";
import type { ArticleFacts } from "./article-facts.ts";
import { type Figure, figuresIn, isDollar, sameValue } from "./figures.ts";
import { checkTicker, type CompanyInArticle } from "./tickers.ts";
import type { RemovedItem, Verification } from "./types.ts";

export const MIN_KEY_POINTS = 3;

export interface VerifiedBrief {
  brief: Brief;
  verification: Verification;
  /** At least 3 key points and a headline are left. */
  usable: boolean;
}

export function verifyBrief(brief: Brief, facts: ArticleFacts, symbols?: SymbolDirectory): VerifiedBrief {
  const removed: RemovedItem[] = [];
  let figureCount = 0;

  // Tickers first: the symbols they keep may be named in the text.
  const tickers: Ticker[] = [];
  const companies: CompanyInArticle[] = [];
  brief.tickers.forEach((ticker, i) => {
    const check = checkTicker(ticker, i, facts, symbols);
    figureCount += check.figures;
    removed.push(...check.removed);
    if (check.ticker) tickers.push(check.ticker);
    if (check.company) companies.push(check.company);
  });
  const keptSymbols = new Set(companies.flatMap((c) => [c.entry.symbol, ...c.entry.aliases]));
  const text = new TextChecker(facts, keptSymbols);

  const headline = text.check(brief.headline, "clause");
  figureCount += headline.figures;
  if (headline.failures.length > 0) removed.push({ field: "headline", value: brief.headline, reason: headline.failures.join("; ") });

  const keyPoints: KeyPoint[] = [];
  brief.keyPoints.forEach((kp, i) => {
    const field = `keyPoints[${i}]`;
    const checked = text.check(kp.text, "whole");
    figureCount += checked.figures;
    if (!quoted(kp.evidence, facts)) {
      removed.push({ field: `${field}.evidence`, value: kp.evidence, reason: "quote not verbatim in the article" });
    } else if (checked.failures.length > 0) {
      removed.push({ field, value: kp.text, reason: checked.failures.join("; ") });
    } else {
      keyPoints.push(kp);
    }
  });

  const why = text.check(brief.whyItMatters, "sentence");
  figureCount += why.figures;
  if (why.failures.length > 0) removed.push({ field: "whyItMatters", value: brief.whyItMatters, reason: why.failures.join("; ") });

  const verified: Brief = { headline: headline.kept, keyPoints, tickers, whyItMatters: why.kept };
  return {
    brief: verified,
    verification: { figures: figureCount, tickers: brief.tickers.length, quotes: brief.keyPoints.length, removed },
    usable: keyPoints.length >= MIN_KEY_POINTS && headline.kept.trim() !== "",
  };
}

/** Why a text states something the facts do not (empty when it is supported). `symbols` may be named. */
export function unsupportedInText(text: string, facts: ArticleFacts, symbols: ReadonlySet<string>): string[] {
  return new TextChecker(facts, symbols).check(text, "whole").failures;
}

/** The repair request's problem: exactly what was unsupported, and what the brief needs. */
export function repairProblem(removed: readonly RemovedItem[]): string {
  const lines = removed.slice(0, 12).map((r) => `- ${r.field}: ${JSON.stringify(r.value.slice(0, 160))} (${r.reason})`);
  const more = removed.length > 12 ? `\n- and ${removed.length - 12} more` : "";
  return [
    "these items are not supported by the article and were removed, leaving fewer than 3 key points or no headline:",
    `${lines.join("\n")}${more}`,
    "Write the brief again with only figures, tickers, currencies and quotes the article itself states: at least 3 key points, each with a verbatim quote, and a headline.",
  ].join("\n");
}

type Granularity = "whole" | "clause" | "sentence";

interface TextCheck {
  kept: string;
  figures: number;
  failures: string[];
}

// Exchange symbols as a text writes them: "9988.HK", "$BABA", "(NASDAQ: AMD)".
const SYMBOL_TOKENS =
  /(?<![\p{L}\p{N}.$])(?:\$(?<cash>[A-Z]{1,5})|(?<suffixed>\d{1,6}\.[A-Z]{1,3}|[A-Z][A-Z0-9]{1,6}\.[A-Z]{1,3})|(?:NYSE|NASDAQ|Nasdaq|HKEX|HKG|XETRA|ETR|OTC|LSE|TSX|ASX)\s*:\s*(?<listed>[A-Z0-9][A-Z0-9.-]{0,9}))(?![\p{L}\p{N}])/gu;

class TextChecker {
  readonly #facts: ArticleFacts;
  readonly #symbols: ReadonlySet<string>;
  constructor(facts: ArticleFacts, symbols: ReadonlySet<string>) {
    this.#facts = facts;
    this.#symbols = symbols;
  }

  check(text: string, granularity: Granularity): TextCheck {
    const figures = figuresIn(text, [...this.#symbols]);
    const bad: Array<{ start: number; end: number; reason: string }> = [];
    for (const f of figures) {
      const reason = this.#unsupported(f);
      if (reason) bad.push({ start: f.start, end: f.end, reason });
    }
    for (const m of text.matchAll(SYMBOL_TOKENS)) {
      const symbol = m.groups?.["cash"] ?? m.groups?.["suffixed"] ?? m.groups?.["listed"] ?? "";
      if (this.#symbols.has(symbol) || this.#mentioned(symbol)) continue;
      bad.push({ start: m.index, end: m.index + m[0].length, reason: `symbol ${symbol} not supported by the article` });
    }
    if (bad.length === 0) return { kept: text, figures: figures.length, failures: [] };
    const failures = bad.map((b) => b.reason);
    if (granularity === "whole") return { kept: "", figures: figures.length, failures };
    return { kept: removeSpans(text, bad, granularity), figures: figures.length, failures };
  }

  #mentioned(symbol: string): boolean {
    const at = this.#facts.text.indexOf(symbol);
    return at >= 0 && !/[\p{L}\p{N}]/u.test(this.#facts.text[at + symbol.length] ?? "");
  }

  /** Why a figure is not supported, or undefined when the article states it. */
  #unsupported(f: Figure): string | undefined {
    const facts = this.#facts;
    const equal = (g: Figure) => f.values.some((v) => g.values.some((w) => sameValue(Math.abs(v), Math.abs(w))));
    const words = (list: readonly number[]) => f.values.some((v) => list.some((w) => sameValue(Math.abs(v), w)));
    switch (f.kind) {
      case "percent": {
        const same = facts.figures.filter((g) => g.kind === "percent" && equal(g));
        if (same.length === 0 && !words(facts.wordPercents)) return `figure ${f.raw.trim()} not stated in the article`;
        if (f.signed === undefined || same.length === 0) return undefined;
        const agrees = same.some((g) => g.signed === undefined || Math.sign(g.signed) === Math.sign(f.signed ?? 0));
        return agrees ? undefined : `direction of ${f.raw.trim()} is the opposite of the article's`;
      }
      case "money": {
        const same = facts.figures.filter((g) => g.kind !== "percent" && equal(g) && g.scaled === f.scaled);
        if (same.length === 0) return `figure ${f.raw.trim()} not stated in the article`;
        const fits = same.some(
          (g) =>
            g.currency === undefined ||
            g.currency === f.currency ||
            ((f.looseCurrency || g.looseCurrency) && isDollar(f.currency) && isDollar(g.currency)),
        );
        return fits ? undefined : `currency of ${f.raw.trim()} not stated in the article`;
      }
      case "number": {
        if (facts.figures.some((g) => equal(g)) || words(facts.wordNumbers)) return undefined;
        return `figure ${f.raw.trim()} not stated in the article`;
      }
    }
  }
}

/** The text without the clauses (or sentences) holding the spans. */
function removeSpans(text: string, spans: ReadonlyArray<{ start: number; end: number }>, granularity: "clause" | "sentence"): string {
  const parts = granularity === "sentence" ? splitSentences(text) : clauseParts(text);
  const kept = parts.filter((p) => !spans.some((s) => s.start < p.end && s.end > p.start));
  const joined = kept
    .map((p) => text.slice(p.start, p.end).trim())
    .join(granularity === "sentence" ? " " : ", ")
    .replace(/^[\s,;:–—-]+|[\s,;:–—-]+$/gu, "")
    .trim();
  // A clause of one or two words is not a headline.
  return joined.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length >= 3 ? joined : "";
}

function clauseParts(text: string): Array<{ start: number; end: number }> {
  const parts: Array<{ start: number; end: number }> = [];
  let start = 0;
  for (const m of text.matchAll(/\s*(?:[,;:]|\s[–—-])\s+|\s+(?:as|while|after|amid|während|nachdem|als|da|weil)\s+/gu)) {
    parts.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  parts.push({ start, end: text.length });
  return parts.filter((p) => p.end > p.start);
}

/** Verbatim after whitespace, quote-mark, dash and case folding , on the indexed text. */
function quoted(quote: string, facts: ArticleFacts): boolean {
  const q = normalizeForQuote(quote).replace(/^[."'\s]+|[."'\s]+$/g, "");
  return q.length >= 12 && facts.quoteText.includes(q);
}

/** True when a key point's text is its quote (extractive briefs): show it once. */
export function textIsQuote(kp: KeyPoint): boolean {
  return normalizeForQuote(kp.text) === normalizeForQuote(kp.evidence);
}
