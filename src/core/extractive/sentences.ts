/**
 * Sentence and clause segmentation that keeps offsets into the original text, so that every
 * sentence can be quoted verbatim as evidence.
 */

export interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface Sentence extends Span {
  text: string;
  /** Index of the line block (paragraph) the sentence belongs to. */
  block: number;
  /** A short line without closing punctuation: a subheading or a caption. */
  heading: boolean;
}

// Lower-cased tokens that end with a period without ending a sentence.
const ABBREVIATIONS = new Set([
  "abs", "art", "bspw", "bzgl", "bzw", "ca", "chr", "co", "corp", "dez", "dr", "etc", "evtl", "feb", "fa",
  "ggf", "hr", "inc", "inkl", "jan", "jh", "jr", "kl", "lt", "ltd", "max", "min", "mio", "mr", "mrd", "mrs",
  "ms", "nov", "nr", "okt", "oct", "dec", "aug", "apr", "sep", "sept", "jun", "jul", "prof", "rd", "sr",
  "st", "str", "tel", "tsd", "usw", "vgl", "vs", "zzgl", "no", "bn", "bzw", "mass", "gen", "sen", "rep",
  "plc", "ag", "mrz", "mär", "inc", "s.a", "n.v", "u.s", "u.k", "z.b", "u.a", "d.h", "o.ä", "i.d.r",
  "z.t", "s.o", "u.u", "v.a", "e.v", "p.a",
]);

const MONTHS = new Set([
  "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
  "november", "dezember", "january", "february", "march", "may", "june", "july", "october", "december",
]);

const CLOSERS = new Set(['"', "'", "”", "“", "’", "»", "«", ")", "]"]);

/** Splits text into sentences. Every line is its own block: a sentence never crosses a line break. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let block = -1;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    if (text.slice(lineStart, lineEnd).trim().length > 0) {
      block += 1;
      const spans = splitLine(text, lineStart, lineEnd);
      for (const span of spans) {
        const sentenceText = text.slice(span.start, span.end);
        const heading = spans.length === 1 && looksLikeHeading(sentenceText);
        sentences.push({ ...span, text: sentenceText, block, heading });
      }
    }
    if (lineEnd >= text.length) break;
    lineStart = lineEnd + 1;
  }
  return sentences;
}

function looksLikeHeading(line: string): boolean {
  const words = line.split(/\s+/).filter(Boolean).length;
  return words <= 12 && !/[.!?:…][\s"“”„»«'’)]*$/u.test(line.trim());
}

function splitLine(text: string, from: number, to: number): Span[] {
  const spans: Span[] = [];
  let start = skipSpace(text, from, to);
  let i = start;
  while (i < to) {
    const ch = text[i];
    if (ch === "." || ch === "!" || ch === "?" || ch === "…") {
      let end = i + 1;
      while (end < to && /[.!?…]/.test(text[end] ?? "")) end += 1;
      while (end < to && CLOSERS.has(text[end] ?? "")) end += 1;
      const next = skipSpace(text, end, to);
      if (next > end && next < to && isBoundary(text, start, i, next)) {
        spans.push(trimSpan(text, start, end));
        start = next;
        i = next;
        continue;
      }
      i = end;
      continue;
    }
    i += 1;
  }
  if (start < to) {
    const span = trimSpan(text, start, to);
    if (span.end > span.start) spans.push(span);
  }
  return spans;
}

function isBoundary(text: string, sentenceStart: number, punct: number, next: number): boolean {
  const nextChar = text[next] ?? "";
  if (/\p{Ll}/u.test(nextChar)) return false;
  if (text[punct] !== ".") return true;
  const before = text.slice(sentenceStart, punct);
  const word = /([\p{L}\p{N}.&]+)$/u.exec(before)?.[1] ?? "";
  if (word.length === 0) return true;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return false;
  // Initials and dotted abbreviations: "F.", "z.B.", "U.S."
  if (/^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word)) return false;
  // German ordinals ("am 08. August", "im 3. Quartal") rather than a sentence ending in a number.
  if (/^\d{1,2}$/.test(word)) {
    const nextWord = (/^[\p{L}]+/u.exec(text.slice(next)) ?? [""])[0].toLowerCase();
    if (MONTHS.has(nextWord) || /^\p{Lu}/u.test(nextWord)) return false;
  }
  return true;
}

function skipSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && /\s/.test(text[i] ?? "")) i += 1;
  return i;
}

function trimSpan(text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s] ?? "")) s += 1;
  while (e > s && /\s/.test(text[e - 1] ?? "")) e -= 1;
  return { start: s, end: e };
}

/**
 * Clause boundaries inside a sentence: contrasting clauses ("…, während …", "… while …") and
 * semicolons, plus dashes that set off a parenthetical ("Anleger - der Hang Seng legt … zu - rückt").
 */
const CLAUSE_BREAK =
  /,\s*(?=(?:während|wohingegen|whereas|while|but|aber|doch|jedoch|wogegen)\b)|;|\s(?=(?:while|whereas)\b)|\s[-–—]\s/giu;

export function splitClauses(text: string, offset = 0): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const m of text.matchAll(CLAUSE_BREAK)) {
    const at = m.index;
    if (at > start) spans.push({ start: offset + start, end: offset + at });
    start = at + m[0].length;
  }
  if (start < text.length) spans.push({ start: offset + start, end: offset + text.length });
  return spans.filter((s) => s.end > s.start);
}

/** Clause spans for a whole text (sentences first, then clauses within each). */
export function clausesOf(text: string): Array<Span & { sentence: number }> {
  const out: Array<Span & { sentence: number }> = [];
  splitSentences(text).forEach((sentence, index) => {
    for (const clause of splitClauses(sentence.text, sentence.start)) out.push({ ...clause, sentence: index });
  });
  return out;
}
