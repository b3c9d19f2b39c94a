import { wordCount } from "./postclean.ts";
import type { TextBlock } from "./text-blocks.ts";

/** At most this many blocks between the headline and the body's first paragraph are looked at. */
const MAX_GAP_BLOCKS = 8;
const MIN_LEAD_WORDS = 10;
const MAX_LEAD_LINK_SHARE = 0.1;

const normalize = (text: string): string => text.toLowerCase().replace(/\s+/g, " ").trim();

function isProse(block: TextBlock): boolean {
  const words = wordCount(block.text);
  if (words < MIN_LEAD_WORDS) return false;
  if (block.linkChars > MAX_LEAD_LINK_SHARE * block.text.length) return false;
  return words >= 25 || /[.!?…"”“»)]$/u.test(block.text.trim());
}

/** Index of the page's headline block: the <h1> that reads as the title, else the first <h1>. */
function headlineIndex(page: readonly TextBlock[], title: string | undefined): number {
  const wanted = title ? normalize(title) : "";
  let first = -1;
  for (const [i, b] of page.entries()) {
    if (b.tag !== "H1") continue;
    if (wanted && normalize(b.text) === wanted) return i;
    if (first === -1) first = i;
  }
  return first;
}

/**
 * The standfirst (lead, teaser, deck) of an article often sits in the page header between the
 * headline and the body, outside the element content scoring picks. Prose paragraphs found in
 * that gap, in page order, are returned so they can go before the body; nothing when the
 * headline or the body's start cannot be placed on the page.
 */
export function leadBeforeBody(page: readonly TextBlock[], body: readonly TextBlock[], title: string | undefined): TextBlock[] {
  const firstBody = body[0];
  if (!firstBody || page.length === 0) return [];
  const h = headlineIndex(page, title);
  if (h === -1) return [];
  let start = -1;
  for (let i = h + 1; i < page.length && i <= h + MAX_GAP_BLOCKS + 1; i++) {
    if (page[i]?.text === firstBody.text) {
      start = i;
      break;
    }
  }
  if (start <= h + 1) return [];
  const bodyText = normalize(body.map((b) => b.text).join(" "));
  return page.slice(h + 1, start).filter((b) => isProse(b) && !bodyText.includes(normalize(b.text)));
}
