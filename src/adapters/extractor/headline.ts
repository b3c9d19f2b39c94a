/**
 * The article's headline: the page heading that best matches what the page declares as its
 * title (og:title, JSON-LD headline, <title>), since declared titles carry site names, section
 * prefixes and SEO variants while the visible heading is what a reader sees as the headline.
 */

export interface HeadingCandidate {
  /** H1, H2 or H3. */
  tag: string;
  text: string;
  /** Order among the page's headings. */
  index: number;
  /** Leaf elements of the page before the heading. */
  leafAt?: number;
  /**
   * Which part of a heading made of several pieces this is: the opening piece (a kicker) and the
   * rest, or all but the last piece and the last (a subline); absent for a whole heading.
   */
  part?: "lead" | "rest" | "init" | "last";
  /** The heading is only a link to the front page. */
  logo?: boolean;
}

import { headlineAfterKicker } from "./kicker.ts";

const MAX_HEADING_CHARS = 300;
/** Below this match, no heading is the headline and the declared title is used. */
const MIN_MATCH = 0.55;
const WHOLE_DOCUMENT_TITLE_WEIGHT = 0.9;

/** Words, and in Chinese and Japanese, which do not space words apart, each character. */
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[[\p{L}\p{M}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]]+/gv;

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(WORD) ?? []);
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared;
}

/** How well `heading` matches a declared title: its words found there, and the two sets alike. */
function similarity(heading: ReadonlySet<string>, declared: ReadonlySet<string>): number {
  if (heading.size === 0 || declared.size === 0) return 0;
  const shared = overlap(heading, declared);
  return (shared / heading.size) * 0.6 + ((2 * shared) / (heading.size + declared.size)) * 0.4;
}

const TAG_WEIGHT: Record<string, number> = { H1: 0.15, H2: 0.05, H3: 0 };

/** Spaces collapsed, and separators left dangling at either end ("[> Name", "Headline -") dropped. */
export function collapseTitle(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:(?:[|•·>\]/]|\[(?![^\]]*\]))+|[-–—:]\s)\s*/u, "")
    .replace(/\s+[-–—|•·:]+$/u, "")
    .trim();
}

/** Splits "Headline | Site" or "Site - Headline" when one side is the site's name. */
export function stripSiteName(title: string, siteName: string | undefined): string {
  if (!siteName) return title;
  const site = siteName.toLowerCase();
  const parts = title.split(/\s+[|–—:-]\s+|\s+[|·•»›]\s*/);
  if (parts.length < 2) return title;
  const kept = parts.filter((p) => p.trim().toLowerCase() !== site);
  return kept.length > 0 && kept.length < parts.length ? kept.join(" - ").trim() : title;
}

/**
 * The heading that is the headline, if one matches the declared titles well enough; the site's
 * name (a logo in an <h1>) never is. `wholeDocumentTitle`, the <title> with the site's name still
 * in ("Blog » Archive » Headline"), counts for less, since any of its segments may be that name.
 */
export function headlineFromHeadings(headings: readonly HeadingCandidate[], declared: ReadonlyArray<string | undefined>, siteName: string | undefined, wholeDocumentTitle?: string): string | undefined {
  const best = bestHeading(headings, declared, siteName, wholeDocumentTitle);
  return best ? collapseTitle(best.text) : undefined;
}

/** The heading that is the headline (see headlineFromHeadings), as found on the page. */
export function bestHeading(headings: readonly HeadingCandidate[], declared: ReadonlyArray<string | undefined>, siteName: string | undefined, wholeDocumentTitle?: string): HeadingCandidate | undefined {
  const declaredTitles = declared.filter((d): d is string => d !== undefined && d.trim().length > 0);
  const refs = declaredTitles.map((text) => ({ words: wordSet(text), weight: 1 }));
  if (wholeDocumentTitle) refs.push({ words: wordSet(wholeDocumentTitle), weight: WHOLE_DOCUMENT_TITLE_WEIGHT });
  const best = bestMatch(headings, refs, siteName);
  return best && best.part === undefined ? (headlineAfterKicker(best, headings, declaredTitles) ?? best) : best;
}

function bestMatch(headings: readonly HeadingCandidate[], refs: ReadonlyArray<{ words: ReadonlySet<string>; weight: number }>, siteName: string | undefined): HeadingCandidate | undefined {
  if (refs.length === 0) return undefined;
  const site = siteName?.toLowerCase().trim();
  let best: { heading: HeadingCandidate; score: number } | undefined;
  for (const h of headings) {
    if (h.logo) continue;
    const text = collapseTitle(h.text);
    if (text.length < 2 || text.length > MAX_HEADING_CHARS) continue;
    if (site && text.toLowerCase() === site) continue;
    const words = wordSet(text);
    let sim = 0;
    for (const ref of refs) {
      // A lower heading of one word of a longer declared title ("Printers • Labels • Service") names a section.
      if (words.size === 1 && ref.words.size >= 3 && h.tag !== "H1") continue;
      sim = Math.max(sim, similarity(words, ref.words) * ref.weight);
    }
    const score = sim + (TAG_WEIGHT[h.tag] ?? 0) - h.index * 0.002;
    if (!best || score > best.score + 0.01) best = { heading: h, score };
  }
  return best && best.score >= MIN_MATCH ? best.heading : undefined;
}

/**
 * "Headline | Site", "Headline » Blog": separators headlines themselves rarely use mark the
 * site's name after them, even when the page does not declare that name.
 */
export function stripSiteSuffix(title: string): string {
  const match = /^(.+?)\s+[|»›·•│｜]\s+[^|»›·•│｜]+$/u.exec(title);
  const head = match?.[1]?.trim();
  // Two words at least, punctuation not counted ("example.de //" is a site's name).
  if (head && head.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length >= 2) return head;
  return stripJoinedCjkSuffix(title);
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Chinese and Japanese titles join the site's name without spaces: "标题！-新华网", "标题_网易新闻". */
function stripJoinedCjkSuffix(title: string): string {
  const match = /^(.+)[-_|｜]([^-_|｜\s]{2,12})$/u.exec(title);
  const head = match?.[1]?.trim() ?? "";
  const tail = match?.[2] ?? "";
  const headEndsCjk = CJK.test(head.slice(-1)) || (CJK.test(head) && /[！？。」』）!?]$/u.test(head));
  return headEndsCjk && /\p{L}/u.test(tail) && head.length > tail.length ? head : title;
}

/** Titles compare by what they show: one Unicode form (NFC), no zero-width or soft-hyphen characters. */
export function normalizeTitleText(title: string): string {
  return title.normalize("NFC").replace(/[\u200B\u2060\uFEFF\u00AD]/g, "");
}
