/**
 * Figures as values, not spellings: every number of a text with its unit, read in both decimal
 * conventions when the spelling allows both ("30.000" is 30 or 30000), so "3,48 Prozent" and
 * "3.48%" are one figure, as are "1,2 Mrd. Euro" and "€1.2bn".
 */
import { splitSentences } from "../extractive/sentences.ts";
import { findNumberMentions, type NumberKind } from "../numbers.ts";
import { type DirectionCue, findDirectionCues, signPercent } from "../price-direction.ts";

export interface Figure {
  kind: NumberKind;
  /** Every reading of the number (one, or two when the decimal convention is ambiguous). */
  values: number[];
  /** ISO 4217 code for money. */
  currency?: string;
  /** The currency was a bare "$" or "Dollar", which may stand for any dollar. */
  looseCurrency: boolean;
  scaled: boolean;
  /** Signed percentage when the text gives a direction (a sign or a verb such as "fiel"). */
  signed?: number;
  start: number;
  end: number;
  raw: string;
}

// Digits that are not figures a reader reads: links, Discord mentions, exchange symbols.
const NOT_FIGURES: readonly RegExp[] = [
  /(?:[a-z][a-z0-9+.-]*)?:\/\/[^\s<]+/giu,
  /<[@#][!&]?\d+>|<a?:\w+:\d+>|<t:\d+(?::\w)?>/gu,
  /(?<![\p{L}\p{N}.])\d{1,6}\.[A-Z]{1,3}(?![\p{L}\p{N}])/gu,
  /(?<![\p{L}\p{N}])[A-Z][A-Z0-9]*\d[A-Z0-9]*(?:\.[A-Z]{1,3})?(?![\p{L}\p{N}])/gu,
];

const blank = (m: string) => " ".repeat(m.length);

/** The text with every non-figure digit run blanked out (offsets kept). */
export function maskNonFigures(text: string, extra: readonly string[] = []): string {
  let masked = text;
  for (const pattern of NOT_FIGURES) masked = masked.replace(pattern, blank);
  for (const token of extra) {
    if (!/\d/.test(token)) continue;
    masked = masked.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(token)}(?![\\p{L}\\p{N}])`, "gu"), blank);
  }
  return masked;
}

const DOLLAR_CODES = new Set(["USD", "HKD", "CAD", "AUD", "TWD", "SGD", "NZD"]);

export function isDollar(code: string | undefined): boolean {
  return code !== undefined && DOLLAR_CODES.has(code);
}

/** Every figure of a text, in order. `extraMasks` are tokens (symbols) whose digits are not figures. */
export function figuresIn(text: string, extraMasks: readonly string[] = []): Figure[] {
  const masked = maskNonFigures(text, extraMasks);
  const byStart = new Map<number, Figure>();
  let cues: DirectionCue[] | undefined;
  let sentences: ReturnType<typeof splitSentences> | undefined;
  for (const style of ["dot", "comma"] as const) {
    for (const m of findNumberMentions(masked, { style })) {
      const known = byStart.get(m.start);
      if (known) {
        if (known.kind === m.kind && !known.values.some((v) => sameValue(v, m.value))) known.values.push(m.value);
        continue;
      }
      const figure: Figure = {
        kind: m.kind,
        values: [m.value],
        looseCurrency: m.kind === "money" && isLoose(m.raw),
        scaled: m.scaled,
        start: m.start,
        end: m.end,
        raw: m.raw,
        ...(m.currency ? { currency: m.currency } : {}),
      };
      if (m.kind === "percent") {
        cues ??= findDirectionCues(masked);
        sentences ??= splitSentences(masked);
        const signed = signPercent(m, cues, sentences);
        if (signed) figure.signed = signed.changePct;
      }
      byStart.set(m.start, figure);
    }
  }
  return [...byStart.values()].toSorted((a, b) => a.start - b.start);
}

/** A currency written as a bare "$" or "Dollar" (no US/HK/C qualifier, no code). */
function isLoose(raw: string): boolean {
  return /(?:^|[^A-Za-z])(?:\$|[Dd]ollars?)/u.test(raw) && !/(?:US|HK|C|CA|A|AU|NT|S)\$|US-?|U\.S\.|Hong ?[Kk]ong|Hongkong|HK-|[A-Z]{3}/u.test(raw);
}

export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Small numbers an article may spell out ("drei Prozent", "two plants").
const NUMBER_WORDS = new Map<string, number>([
  ["one", 1], ["two", 2], ["three", 3], ["four", 4], ["five", 5], ["six", 6], ["seven", 7], ["eight", 8],
  ["nine", 9], ["ten", 10], ["eleven", 11], ["twelve", 12], ["twenty", 20], ["thirty", 30], ["forty", 40],
  ["fifty", 50], ["hundred", 100], ["dozen", 12], ["eins", 1], ["ein", 1], ["eine", 1], ["einen", 1], ["einem", 1],
  ["einer", 1], ["zwei", 2], ["zwo", 2], ["drei", 3], ["vier", 4], ["fünf", 5], ["sechs", 6], ["sieben", 7],
  ["acht", 8], ["neun", 9], ["zehn", 10], ["elf", 11], ["zwölf", 12], ["zwanzig", 20], ["dreißig", 30],
  ["vierzig", 40], ["fünfzig", 50], ["hundert", 100], ["dutzend", 12], ["first", 1], ["second", 2], ["third", 3],
  ["fourth", 4], ["fifth", 5], ["erste", 1], ["ersten", 1], ["zweite", 2], ["zweiten", 2], ["dritte", 3], ["dritten", 3],
  ["vierte", 4], ["vierten", 4], ["half", 0.5], ["halbe", 0.5],
]);

/** Values of spelled-out numbers, and those followed by a percent word. */
export function numberWordValues(text: string): { numbers: number[]; percents: number[] } {
  const numbers: number[] = [];
  const percents: number[] = [];
  for (const m of text.matchAll(/(\p{L}+)(?:\s+(Prozent|percent|per cent|%))?/gu)) {
    const value = NUMBER_WORDS.get((m[1] ?? "").toLowerCase());
    if (value === undefined) continue;
    numbers.push(value);
    if (m[2]) percents.push(value);
  }
  // Quarters and halves ("Q3", "drittes Quartal") carry their number too.
  for (const m of text.matchAll(/(?<![\p{L}\p{N}])[QH]([1-4])(?![\p{N}])/gu)) numbers.push(Number(m[1]));
  return { numbers, percents };
}
