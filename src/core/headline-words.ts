/** Headline words for telling stories apart: outlet suffixes stripped, stop words dropped, overlap measured. */
import { foldForMatching } from "./fold.ts";

export function maxSimilarity(a: ReadonlyArray<Set<string>>, b: ReadonlyArray<Set<string>>): number {
  let best = 0;
  for (const x of a) for (const y of b) best = Math.max(best, jaccard(x, y));
  return best;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** Token Jaccard similarity of two headlines after normalization (see `titleTokens`). */
export function titleSimilarity(a: string, b: string): number {
  return jaccard(titleTokens(a), titleTokens(b));
}

const SUFFIX_SEPARATOR = /\s+(?:[|–—]|-{1,2}|::)\s+/g;

/**
 * Removes a trailing outlet name (" - Reuters", " | Handelsblatt"): the outlet given, or a
 * tail that reads like a name (at most 4 words and 40 characters, each word capitalized or a
 * domain such as "finanzen.net") after a headline of at least 3 words. Tails that read like
 * words of the headline stay: "SAP hebt Prognose an – Aktie steigt", "8-K - Current report".
 */
export function stripOutletSuffix(title: string, outlet?: string): string {
  let text = title.trim();
  for (let round = 0; round < 2; round += 1) {
    const match = [...text.matchAll(SUFFIX_SEPARATOR)].at(-1);
    if (match === undefined) break;
    const head = text.slice(0, match.index).trim();
    const tail = text.slice(match.index + match[0].length).trim();
    if (!isOutletTail(head, tail, outlet)) break;
    text = head;
  }
  return text;
}

const NAME_CONNECTORS: ReadonlySet<string> = new Set(["of", "the", "and", "&", "de", "der", "die", "das", "la", "le", "am"]);

function isOutletTail(head: string, tail: string, outlet: string | undefined): boolean {
  if (head === "" || tail === "") return false;
  const lowerTail = tail.toLowerCase();
  const lowerOutlet = outlet?.trim().toLowerCase();
  if (lowerOutlet !== undefined && lowerOutlet !== "" && (lowerOutlet === lowerTail || lowerOutlet.includes(lowerTail))) {
    return true;
  }
  const words = tail.split(/\s+/);
  return (
    tail.length <= 40 &&
    words.length <= 4 &&
    head.split(/\s+/).length >= 3 &&
    !/[?!:]$/.test(tail) &&
    words.every((word) => /^[\p{Lu}\p{N}]/u.test(word) || /^[\p{L}\p{N}-]+\.[a-z]{2,}$/u.test(word) || NAME_CONNECTORS.has(word))
  );
}

const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    // English
    "a an the and or but of to in on at for from by with as is are was were be been being it its " +
    "this that these those after before over into than amid about vs via will would has have had " +
    "says said say who what why how when where which here there just " +
    // German (umlauts already spelled out)
    "der die das den dem des ein eine einer eines einem einen und oder aber mit von vom zu zum zur " +
    "im am an auf aus bei fuer nach vor ueber um ist sind war waren wird werden wurde hat haben " +
    "sich als auch noch wie so dass es er sie ihr ihre sein seine man bis gegen durch"
  ).split(" "),
);

/**
 * Normalized content words of a headline: outlet suffix removed, lowercase, umlauts spelled
 * out, accents dropped, English and German stop words removed, a plural "s" trimmed.
 */
export function titleTokens(title: string, outlet?: string): Set<string> {
  const text = foldForMatching(stripOutletSuffix(title, outlet).normalize("NFKC")).replace(/[’‘`]/g, "'");
  const tokens = new Set<string>();
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:[.'&/-][\p{L}\p{N}]+)*/gu)) {
    let token = match[0].replace(/'s$/, "");
    if (STOP_WORDS.has(token)) continue;
    if (token.length >= 5 && token.endsWith("s") && !token.endsWith("ss")) token = token.slice(0, -1);
    tokens.add(token);
  }
  return tokens;
}
