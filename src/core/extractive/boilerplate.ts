/**
 * Sentences a brief must never quote: calls to action, promotional teasers, embedded posts,
 * bylines and captions. Promotion comes in whole paragraphs, so a paragraph with one promotional
 * sentence is dropped whole, and so is everything after a promotional paragraph near the end.
 */
import type { Sentence } from "./sentences.ts";

const PROMOTIONAL: readonly RegExp[] = [
  /kaufen oder verkaufen/iu,
  /\berfahren sie\b/iu,
  /gratis[- ]?(?:analyse|report|studie|webinar)/iu,
  /kostenlose[nr]? (?:analyse|report|sonderreport|studie)/iu,
  /sonderreport/iu,
  /\bjetzt\b.{0,60}\b(?:abonnieren|anmelden|registrieren|herunterladen|sichern|lesen)\b/iu,
  /newsletter/iu,
  /^\s*(?:anzeige|werbung|sponsored|advertisement)\b/iu,
  /lohnt sich (?:ein|der) einstieg/iu,
  /dringender handlungsbedarf für\b.{0,40}aktionär/iu,
  /(?:klicken sie|hier klicken|click here|sign up|subscribe|read more|weiterlesen|lesen sie auch|mehr zum thema)/iu,
  /(?:keine anlageberatung|not (?:investment|financial) advice|disclaimer|interessenkonflikt)/iu,
  /(?:alle rechte vorbehalten|all rights reserved|^\s*copyright\b|©\s*\d{4})/iu,
  /(?:folgen sie uns|follow us on)/iu,
  /\b(?:analyse|analysis) vom \d{1,2}\. \p{L}+ liefert die antwort/iu,
];

const EMBED = [
  /\(@\w{1,15}\)\s+\p{L}+\s+\d{1,2},\s+\d{4}/u,
  /pic\.twitter\.com|twitter\.com\/\w+\/status|x\.com\/\w+\/status/iu,
];

const BYLINE =
  /^(?:redaktion|von|by|autor(?:in)?|author|text|mit material von|quelle|source|foto|bild|image credit|photo|credit)\b[^.!?]{0,80}$/iu;
const AGENCY_LINE = /^\(?(?:dpa(?:-afx)?|reuters|afp|ap|awp|sda|dow jones)\)?[\s:–-]*$/iu;

export function isPromotional(text: string): boolean {
  return PROMOTIONAL.some((p) => p.test(text));
}

export function isEmbed(text: string): boolean {
  return EMBED.some((p) => p.test(text));
}

export function isByline(text: string): boolean {
  const t = text.trim();
  return (t.length < 100 && BYLINE.test(t)) || AGENCY_LINE.test(t);
}

/** Blocks (paragraph indices) to drop entirely. */
export function droppedBlocks(sentences: readonly Sentence[]): Set<number> {
  const blocks = [...new Set(sentences.map((s) => s.block))];
  const lastBlock = blocks.at(-1) ?? 0;
  const dropped = new Set<number>();
  for (const s of sentences) {
    if (isPromotional(s.text) || isEmbed(s.text)) dropped.add(s.block);
  }
  // A promotional paragraph in the last part of the article starts the sales pitch: drop the rest.
  const tailStart = Math.floor(lastBlock * 0.6);
  const firstPromoInTail = [...dropped].filter((b) => b >= tailStart && isPromotionalBlock(sentences, b)).toSorted((a, b) => a - b)[0];
  if (firstPromoInTail !== undefined) for (const b of blocks) if (b >= firstPromoInTail) dropped.add(b);
  return dropped;
}

function isPromotionalBlock(sentences: readonly Sentence[], block: number): boolean {
  return sentences.some((s) => s.block === block && isPromotional(s.text));
}

/** A sentence worth quoting on its own: not a heading, a byline or a fragment. */
export function isQuotable(sentence: Sentence): boolean {
  if (sentence.heading) return false;
  const text = stripBullet(sentence.text);
  if (isByline(text) || isPromotional(text) || isEmbed(text)) return false;
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length < 6 || text.length < 35) return false;
  return /\p{L}/u.test(text);
}

const BULLET = /^\s*(?:[-–—•*·▪►]|\d{1,2}[.)])\s+/u;
const AGENCY_DATELINE =
  /^(?:[\p{Lu}][\p{L}.,' -]{0,40}\s)?\((?:Reuters|AP|AFP|dpa(?:-AFX)?|CNN(?: Business)?|Bloomberg|awp|sda|Dow Jones)\)\s*[—–-]?\s*/u;
const CITY_DATELINE = /^[\p{Lu}][\p{Lu} .,'-]{2,40}\s[—–-]\s+/u;

/**
 * The part of a sentence worth quoting: without a list bullet or a dateline
 * ("- Besonders …", "(Reuters) — …", "SIOUX FALLS, S.D. – …"); still a verbatim part of the text.
 */
export function stripBullet(text: string): string {
  return text.replace(BULLET, "").replace(AGENCY_DATELINE, "").replace(CITY_DATELINE, "");
}
