import type { HeadingCandidate } from "./headline.ts";

/** Punctuation that visibly sets a kicker apart from the headline ("Paris: …", "Paris – …"). */
const SEPARATOR = /[-–—:|/•·»›]/u;
/** A separator inside a declared title ("Kicker - Headline", "Kicker: Headline"). */
const DECLARED_SEPARATOR = /\s*[-–—:|•·»›]\s+|\s+[-–—|•·»›]\s*/gu;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function startsWith(whole: readonly string[], start: readonly string[]): boolean {
  return start.length > 0 && start.length <= whole.length && start.every((w, i) => whole[i] === w);
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

/** `declared` is the kicker, a separator, then the headline (and perhaps the site's name after it). */
function declaresKickerApart(declared: string, kicker: readonly string[], headline: readonly string[]): boolean {
  for (const match of declared.matchAll(DECLARED_SEPARATOR)) {
    const left = words(declared.slice(0, match.index));
    if (!sameWords(left, kicker)) continue;
    if (startsWith(words(declared.slice(match.index + match[0].length)), headline)) return true;
  }
  return false;
}

/**
 * The headline part of a heading that opens with a kicker ("<h1><span class=kicker>Paris</span>
 * Drinks by boat</h1>"): when the page declares that part alone as its title, or declares the
 * kicker and the headline apart ("Paris - Drinks by boat") while the heading sets the kicker apart
 * only by its styling. A kicker the heading itself separates with punctuation ("Corsets – Shops")
 * is part of the headline a reader sees.
 */
export function headlineAfterKicker(whole: HeadingCandidate, headings: readonly HeadingCandidate[], declared: readonly string[]): HeadingCandidate | undefined {
  const lead = headings.find((h) => h.index === whole.index && h.part === "lead");
  const rest = headings.find((h) => h.index === whole.index && h.part === "rest");
  if (!lead || !rest) return undefined;
  const kickerWords = words(lead.text);
  const headlineWords = words(rest.text);
  if (headlineWords.length === 0 || kickerWords.length === 0) return undefined;
  if (declared.some((d) => sameWords(words(d), headlineWords))) return rest;
  const visiblyApart = SEPARATOR.test(lead.text.trim().slice(-1)) || SEPARATOR.test(rest.text.trim().charAt(0));
  if (visiblyApart) return undefined;
  return declared.some((d) => declaresKickerApart(d, kickerWords, headlineWords)) ? rest : undefined;
}
