/**
 * Briefs for the OpenAI stand-in, built from the article a request carries: a faithful one
 * (only the article's own statements: its title, its sentences with the figures rewritten in
 * English notation, the companies and moves the article states), and the same brief with one
 * kind of fabrication injected. Used by the verifier's end-to-end tests and bench/fabrication.ts.
 *
 *   const llm = await startOpenAiServer({ schemas: { brief: fabricatingReply(symbols, "wrong-role") } });
 */
import type { Brief, KeyPoint, Ticker } from "../../src/core/brief.ts";
import { isQuotable } from "../../src/core/extractive/boilerplate.ts";
import { splitSentences } from "../../src/core/extractive/sentences.ts";
import { findTickers } from "../../src/core/extractive/tickers.ts";
import { findNumberMentions } from "../../src/core/numbers.ts";
import type { SymbolDirectory } from "../../src/core/ports.ts";
import { articleTextOf, type RecordedRequest, userText } from "./openai-server.ts";

export const FABRICATION_KINDS = [
  "number-in-text",
  "number-in-field",
  "wrong-role",
  "invented-ticker",
  "unmentioned-ticker",
  "bad-currency",
  "swapped-moves",
  "paraphrased-quote",
] as const;
export type FabricationKind = (typeof FABRICATION_KINDS)[number];

export interface ArticleSeen {
  title: string;
  /** Title and body, as the verifier reads them. */
  text: string;
  language: string;
}

export function articleOf(request: RecordedRequest): ArticleSeen {
  const user = userText(request);
  const title = /^title: (.+)$/m.exec(user)?.[1]?.trim() ?? "";
  const language = /^language: (.+)$/m.exec(user)?.[1]?.trim() ?? "";
  const body = articleTextOf(request);
  return { title: title === "unknown" ? "" : title, text: title && title !== "unknown" ? `${title}\n\n${body}` : body, language: language === "German" ? "de" : "en" };
}

/** True when the request is the repair after an unusable answer. */
export function isRepair(request: RecordedRequest): boolean {
  return userText(request).includes("Your previous answer could not be used");
}

/** A brief of only what the article states. */
export function faithfulBrief(article: ArticleSeen, symbols: SymbolDirectory): Brief {
  const sentences = splitSentences(article.text).filter(
    (s) => !s.heading && s.text.length >= 40 && s.text.length <= 320 && isQuotable(s) && /[.!?]["“”»]?$/u.test(s.text),
  );
  const scored = sentences.map((s, i) => ({ s, score: (/\d/.test(s.text) ? 2 : 0) - i * 0.01 }));
  const chosen = scored.toSorted((a, b) => b.score - a.score).slice(0, 4).map((x) => x.s).toSorted((a, b) => a.start - b.start);
  const keyPoints: KeyPoint[] = chosen.map((s) => ({ text: inEnglishNotation(s.text, article.language), evidence: s.text }));
  while (keyPoints.length < 3) keyPoints.push({ text: "The article gives no further detail.", evidence: sentences[0]?.text ?? article.text.slice(0, 60) });
  const findings = findTickers(article.text, article.language, symbols);
  const tickers: Ticker[] = findings.map((f) => f.ticker);
  const moved = findings.filter((f) => f.ticker.moves[0]?.changePct != null).slice(0, 2);
  const whyItMatters =
    moved.length > 0
      ? `${moved.map((f) => `${f.shortName} ${(f.ticker.moves[0]?.changePct ?? 0) < 0 ? "fell" : "rose"} ${Math.abs(f.ticker.moves[0]?.changePct ?? 0)} %`).join(", and ")}, as the article reports.`
      : "The article reports news that investors in these companies follow.";
  const headline = article.title || (chosen[0]?.text ?? "Market news").slice(0, 120);
  return { headline, keyPoints, tickers, whyItMatters };
}

/** "3,48 Prozent auf 1.234,50 Euro" → "3.48 Prozent auf 1,234.5 Euro": the same values, English notation. */
function inEnglishNotation(text: string, language: string): string {
  if (language !== "de") return text;
  let out = "";
  let last = 0;
  for (const m of findNumberMentions(text, { language: "de" })) {
    const numberRaw = /[+\-−–]?\d[\d.,'’\u00a0\u202f]*/u.exec(m.raw)?.[0];
    if (!numberRaw || m.scaled) continue;
    const at = text.indexOf(numberRaw, m.start);
    if (at < 0 || at < last) continue;
    const sign = /^[+\-−–]/u.test(numberRaw) ? numberRaw[0] : "";
    const magnitude = Math.abs(m.value);
    out += text.slice(last, at) + sign + magnitude.toLocaleString("en-US", { maximumFractionDigits: 6 });
    last = at + numberRaw.length;
  }
  return out + text.slice(last);
}

export interface Fabricated {
  brief: Brief;
  /** How many fabricated items were put in. */
  injected: number;
  /** Fields (prefixes) the fabrication touched: removals elsewhere are false removals. */
  fields: string[];
  /** How many of the injected items are still in a final brief. */
  reached: (brief: Brief) => number;
}

const INVENTED_PCT = 17.31;
const INVENTED_PRICE = 987.65;

/** The faithful brief with one kind of fabrication; undefined when the article gives it no place. */
export function fabricate(kind: FabricationKind, article: ArticleSeen, faithful: Brief, symbols: SymbolDirectory): Fabricated | undefined {
  const brief: Brief = structuredClone(faithful);
  const stated = findNumberMentions(article.text, { language: article.language });
  const statedValues = new Set(stated.map((m) => Math.abs(m.value)));
  const fresh = (v: number) => {
    let x = v;
    while (statedValues.has(x)) x = Math.round((x + 1.11) * 100) / 100;
    return x;
  };
  const withMove = brief.tickers.findIndex((t) => t.moves.length > 0);
  switch (kind) {
    case "number-in-text": {
      const pct = fresh(INVENTED_PCT);
      const price = fresh(INVENTED_PRICE);
      const kp = brief.keyPoints[0];
      if (!kp) return undefined;
      kp.text = `${kp.text.replace(/[.!?]$/u, "")}, with revenue up ${pct} %.`;
      brief.whyItMatters = `Analysts now see a fair value of $${price}. ${brief.whyItMatters}`;
      return {
        brief,
        injected: 2,
        fields: ["keyPoints[0]", "whyItMatters"],
        reached: (b) => Number(allText(b).some((t) => has(t, pct))) + Number(allText(b).some((t) => has(t, price))),
      };
    }
    case "number-in-field": {
      const ticker = brief.tickers[withMove];
      const move = ticker?.moves[0];
      if (!ticker || !move) return undefined;
      const pct = fresh(7.77);
      const price = fresh(INVENTED_PRICE);
      move.changePct = pct;
      move.price = price;
      return {
        brief,
        injected: 2,
        fields: [`tickers[${withMove}]`],
        reached: (b) => moves(b).filter((m) => m.changePct === pct).length + moves(b).filter((m) => m.price === price).length,
      };
    }
    case "wrong-role": {
      const ticker = brief.tickers[withMove];
      const move = ticker?.moves[0];
      if (!ticker || !move) return undefined;
      const year = stated.find((m) => m.kind === "number" && Number.isInteger(m.value) && m.value >= 1990 && m.value <= 2035)?.value;
      const percent = stated.find((m) => m.kind === "percent" && m.value > 0 && m.value !== move.price)?.value;
      const asPrice = year ?? percent;
      const price = stated.find((m) => m.kind === "money" && !m.scaled && m.value !== move.changePct && m.value < 100)?.value;
      let injected = 0;
      if (asPrice !== undefined && asPrice !== move.price) {
        move.price = asPrice;
        injected += 1;
      }
      if (price !== undefined && price !== Math.abs(move.changePct ?? NaN) && !stated.some((m) => m.kind === "percent" && Math.abs(m.value) === price)) {
        move.changePct = price;
        injected += 1;
      }
      if (injected === 0) return undefined;
      return {
        brief,
        injected,
        fields: [`tickers[${withMove}]`],
        reached: (b) =>
          moves(b).filter((m) => asPrice !== undefined && m.price === asPrice).length +
          moves(b).filter((m) => price !== undefined && m.changePct === price).length,
      };
    }
    case "invented-ticker": {
      brief.tickers.push({ symbol: "QZXW", name: "Quazex Holdings", sentiment: "bullish", moves: [{ price: 12.5, currency: "USD", changePct: 4.2 }] });
      return { brief, injected: 1, fields: [`tickers[${brief.tickers.length - 1}]`], reached: (b) => b.tickers.filter((t) => t.symbol === "QZXW").length };
    }
    case "unmentioned-ticker": {
      const lower = article.text.toLowerCase();
      const pick = UNMENTIONED.find(([symbol, word]) => symbols.get(symbol) && !lower.includes(word) && !article.text.includes(symbol));
      if (!pick) return undefined;
      brief.tickers.push({ symbol: pick[0], name: pick[2], sentiment: "neutral", moves: [] });
      return { brief, injected: 1, fields: [`tickers[${brief.tickers.length - 1}]`], reached: (b) => b.tickers.filter((t) => t.symbol === pick[0]).length };
    }
    case "bad-currency": {
      const index = brief.tickers.findIndex((t) => t.moves.some((m) => m.price !== null && m.currency !== null));
      const move = brief.tickers[index]?.moves.find((m) => m.price !== null && m.currency !== null);
      if (!move) return undefined;
      const named = new Set(stated.map((m) => m.currency).filter(Boolean));
      const wrong = ["JPY", "CHF", "SEK", "GBP", "INR"].find((c) => !named.has(c) && !new RegExp(`\\b${c}\\b`).test(article.text));
      if (!wrong) return undefined;
      move.currency = wrong;
      return { brief, injected: 1, fields: [`tickers[${index}]`], reached: (b) => moves(b).filter((m) => m.currency === wrong).length };
    }
    case "swapped-moves": {
      const indices = brief.tickers.flatMap((t, i) => (t.moves.length > 0 ? [i] : []));
      const [a, b] = indices;
      if (a === undefined || b === undefined) return undefined;
      const ta = brief.tickers[a] as Ticker;
      const tb = brief.tickers[b] as Ticker;
      if (JSON.stringify(ta.moves) === JSON.stringify(tb.moves)) return undefined;
      [ta.moves, tb.moves] = [tb.moves, ta.moves];
      const wrongA = JSON.stringify(ta.moves[0]);
      const wrongB = JSON.stringify(tb.moves[0]);
      return {
        brief,
        injected: 2,
        fields: [`tickers[${a}]`, `tickers[${b}]`],
        reached: (out) =>
          out.tickers.filter((t) => (t.symbol === ta.symbol && moveFigures(t, wrongA)) || (t.symbol === tb.symbol && moveFigures(t, wrongB))).length,
      };
    }
    case "paraphrased-quote": {
      const kp = brief.keyPoints[1];
      if (!kp) return undefined;
      const words = kp.evidence.split(" ");
      if (words.length < 4) return undefined;
      const paraphrase = [words[1], words[0], ...words.slice(2, -1), "reportedly", words.at(-1)].join(" ");
      kp.evidence = paraphrase;
      return { brief, injected: 1, fields: ["keyPoints[1]"], reached: (b) => b.keyPoints.filter((k) => k.evidence === paraphrase).length };
    }
  }
}

// Companies a market article rarely names, with a word that would name them.
const UNMENTIONED: ReadonlyArray<[string, string, string]> = [
  ["TSLA", "tesla", "Tesla, Inc."],
  ["MSFT", "microsoft", "Microsoft Corporation"],
  ["NVDA", "nvidia", "NVIDIA Corporation"],
  ["SAP.DE", "sap", "SAP SE"],
  ["0700.HK", "tencent", "Tencent Holdings"],
];

function moves(brief: Brief) {
  return brief.tickers.flatMap((t) => t.moves);
}

/** A ticker still carries a swapped-in move's price or change. */
function moveFigures(t: Ticker, wrong: string): boolean {
  const w = JSON.parse(wrong ?? "null") as { price: number | null; changePct: number | null } | null;
  if (!w) return false;
  return t.moves.some((m) => (w.price !== null && m.price === w.price) || (w.changePct !== null && m.changePct === w.changePct));
}

function has(text: string, value: number): boolean {
  return text.includes(String(value));
}

function allText(brief: Brief): string[] {
  return [brief.headline, brief.whyItMatters, ...brief.keyPoints.flatMap((k) => [k.text, k.evidence])];
}

/**
 * A "brief" reply handler for the stand-in: faithful, or with `kind` injected into first answers
 * (repairs are answered faithfully unless `stubborn`).
 */
export function briefReply(symbols: SymbolDirectory, kind?: FabricationKind, options: { stubborn?: boolean } = {}) {
  return (request: RecordedRequest): Brief => {
    const article = articleOf(request);
    const faithful = faithfulBrief(article, symbols);
    if (kind === undefined || (isRepair(request) && !options.stubborn)) return faithful;
    return fabricate(kind, article, faithful, symbols)?.brief ?? faithful;
  };
}
