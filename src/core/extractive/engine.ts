/**
 * The extractive brief engine: used when no LLM is configured or the LLM fails. It quotes the
 * article's most central sentences as key points (with themselves as evidence), finds tickers
 * and their stated price moves, and writes "why it matters" from a template. No model calls.
 */
import type { Article } from "../article.ts";
import { BriefSchema, type Brief, type KeyPoint } from "../brief.ts";
import { UserFacingError } from "../errors.ts";
import { type DecimalStyle, decimalStyleFor, findNumberMentions } from "../numbers.ts";
import type { BriefEngine, BriefRequest, EngineOutput, SymbolDirectory } from "../ports.ts";
import { droppedBlocks, isQuotable, stripBullet } from "./boilerplate.ts";
import { rankSentences, selectSentences } from "./rank.ts";
import { type Sentence, splitSentences } from "./sentences.ts";
import { findTickers } from "./tickers.ts";
import { whyItMatters } from "./why.ts";

export const EXTRACTIVE_MODEL = "extractive-v1";
const MAX_CANDIDATES = 150;

export function createExtractiveEngine(deps: { symbols: SymbolDirectory }): BriefEngine {
  return {
    name: "extractive",
    model: EXTRACTIVE_MODEL,
    promptVersion: EXTRACTIVE_MODEL,
    summarize(request: BriefRequest): Promise<EngineOutput> {
      try {
        request.signal?.throwIfAborted();
        return Promise.resolve(summarizeArticle(request, deps.symbols));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}

interface Prepared {
  /** Title (when it is a real title) and body in one text, so offsets are shared. */
  text: string;
  /** Where the quotable part starts: after the title, or 0 when the "title" is a paragraph. */
  bodyStart: number;
  headline: string | undefined;
}

function summarizeArticle(request: BriefRequest, symbols: SymbolDirectory): EngineOutput {
  const { article } = request;
  const articleLanguage = (article.language || "und").toLowerCase().slice(0, 2);
  const briefLanguage = request.language.toLowerCase().slice(0, 2);
  const prepared = prepare(article);
  const sentences = splitSentences(prepared.text);
  const dropped = droppedBlocks(sentences);
  // Long pages: the ranking is quadratic, and key facts of news sit in the first part anyway.
  const candidates = sentences
    .filter((s) => s.start >= prepared.bodyStart && !dropped.has(s.block) && isQuotable(s))
    .slice(0, MAX_CANDIDATES);
  if (candidates.length === 0) {
    throw new UserFacingError("not_article", "The article is too short to summarize: it has no full sentence to quote.", { key: "error.tooShort" });
  }

  const findings = findTickers(prepared.text, articleLanguage, symbols);
  const companyWords = findings.map((f) => f.shortName.toLowerCase()).filter((w) => w.length >= 2);
  const style = decimalStyleFor(articleLanguage, prepared.text);
  const ranked = rankSentences(candidates.map((s) => ({ text: s.text, factWeight: factWeight(s.text, companyWords, style) })));
  const count = candidates.length >= 12 ? 5 : candidates.length >= 7 ? 4 : Math.min(3, candidates.length);
  const chosen = selectSentences(ranked, count, (i) => candidates[i]?.block ?? 0).map((i) => candidates[i]).filter((s): s is Sentence => s !== undefined);
  const keyPoints: KeyPoint[] = chosen.map((s) => {
    const quote = stripBullet(s.text).trim();
    return { text: quote, evidence: quote };
  });

  const bestSentence = ranked[0] ? candidates[ranked[0].index] : candidates[0];
  const headline = prepared.headline ?? headlineFromSentence(bestSentence?.text ?? "");
  const warnings: string[] = [];
  if (articleLanguage !== "un" && articleLanguage !== briefLanguage) {
    warnings.push(
      `The extractive engine cannot translate: the key points are quoted in the article's language (${articleLanguage}).`,
    );
  }
  const brief: Brief = BriefSchema.parse({
    headline,
    keyPoints,
    tickers: findings.map((f) => f.ticker),
    whyItMatters: whyItMatters(findings, briefLanguage),
  });
  return { brief, engine: "extractive", model: EXTRACTIVE_MODEL, warnings, requests: 0 };
}

function prepare(article: Article): Prepared {
  const title = article.title.trim();
  const body = article.text.trim();
  if (!title) return { text: body, bodyStart: 0, headline: undefined };
  // A "title" that is really the first paragraph (plain-text input) is part of the body.
  if (looksLikeParagraph(title)) return { text: `${title}\n\n${body}`, bodyStart: 0, headline: undefined };
  const text = `${title}\n\n${body}`;
  return { text, bodyStart: title.length + 2, headline: cleanTitle(title, article.siteName) };
}

function looksLikeParagraph(title: string): boolean {
  const sentenceEnds = title.match(/[.!?]["“”»]?\s+\p{Lu}/gu)?.length ?? 0;
  return title.length > 200 || (title.length > 120 && sentenceEnds >= 1 && /[.!?]["“”»]?$/u.test(title));
}

/** "• A• B• C" → "A"; "Headline | Site" → "Headline". */
export function cleanTitle(title: string, siteName?: string): string {
  let t = title;
  const bullets = t.split(/\s*[•·▪]\s*/u).map((p) => p.trim()).filter(Boolean);
  if (bullets.length > 1) t = bullets[0] ?? t;
  const parts = t.split(/\s+[|–—-]\s+/u);
  const last = parts.at(-1);
  if (parts.length > 1 && last && (last.length <= 30 || (siteName && last.toLowerCase().includes(siteName.toLowerCase())))) {
    t = parts.slice(0, -1).join(" - ");
  }
  return t.trim();
}

function headlineFromSentence(sentence: string): string {
  let s = stripBullet(sentence).trim();
  const colon = s.indexOf(": ");
  if (colon >= 20 && colon <= 120) s = s.slice(0, colon);
  if (s.length > 140) {
    const cut = s.slice(0, 137);
    s = `${cut.slice(0, Math.max(cut.lastIndexOf(" "), 60)).replace(/[,;:\s]+$/u, "")}…`;
  }
  return s.replace(/[.:;]$/u, "");
}

function factWeight(text: string, companyWords: readonly string[], style: DecimalStyle): number {
  const lower = text.toLowerCase();
  let weight = 0;
  if (companyWords.some((w) => lower.includes(w))) weight += 0.5;
  const numbers = findNumberMentions(text, { style });
  if (numbers.some((n) => n.kind === "percent" || n.kind === "money")) weight += 0.5;
  else if (numbers.some((n) => n.value >= 10 && !(n.value >= 1900 && n.value <= 2100))) weight += 0.2;
  return Math.min(weight, 1);
}
