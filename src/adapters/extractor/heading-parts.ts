import { type DomElement, type DomNode, isElement, TEXT_NODE } from "./dom.ts";
import type { HeadingCandidate } from "./headline.ts";

/** Text a reader does not see as part of the headline: ruby readings, scripts, screen-reader-only labels. */
const UNSEEN_TAGS = new Set(["RT", "RP", "SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
const SCREEN_READER_ONLY = /(?:^|\s)(?:sr-only|sr-text|screen-reader-text|screenreader-only|visually-?hidden|show-for-sr|element-invisible|u-hidden-visually)(?:\s|$)/i;

function unseen(el: DomElement): boolean {
  return UNSEEN_TAGS.has(el.tagName) || el.hasAttribute("hidden") || SCREEN_READER_ONLY.test(el.getAttribute("class") ?? "");
}

/** The text a reader sees: unseen elements left out, a line break read as a space. */
export function visibleText(node: DomNode): string {
  if (node.nodeType === TEXT_NODE) return node.textContent ?? "";
  if (!isElement(node)) return "";
  if (node.tagName === "BR") return " ";
  if (unseen(node)) return "";
  let text = "";
  for (let child = node.firstChild; child; child = child.nextSibling) text += visibleText(child);
  return text;
}

/** Spaces collapsed; soft hyphens ("Mes&shy;sen&shy;ger") are not seen unless a word breaks there. */
const collapse = (text: string): string => text.replace(/\u00AD/g, "").replace(/\s+/g, " ").trim();

/**
 * The heading's pieces as a reader sees them set apart: its child elements, with the text
 * between them run together (the parser splits text at every entity: "You&#8217;re" is three
 * text nodes but one piece). A lone wrapper ("<h1><a href>…</a></h1>") is looked into, and a
 * line break ends a piece.
 */
export function headingPieces(heading: DomElement): string[] {
  let box = heading;
  for (let depth = 0; depth < 3; depth++) {
    let only: DomNode | undefined;
    let seen = 0;
    for (let child = box.firstChild; child && seen < 2; child = child.nextSibling) {
      if (!visibleText(child).trim()) continue;
      seen++;
      only = child;
    }
    if (seen !== 1 || !only || !isElement(only)) break;
    box = only;
  }
  const pieces: string[] = [];
  let run = "";
  const endPiece = (): void => {
    if (run.trim()) pieces.push(run);
    run = "";
  };
  for (let child = box.firstChild; child; child = child.nextSibling) {
    const text = visibleText(child);
    if (!isElement(child) || !text.trim()) {
      run += text;
      if (isElement(child) && child.tagName === "BR") endPiece();
      continue;
    }
    endPiece();
    pieces.push(text);
  }
  endPiece();
  return pieces;
}

/** A link to the site's front page ("/", "https://example.org"): what a logo links to. */
function linksHome(a: DomElement): boolean {
  const href = (a.getAttribute("href") ?? "").trim();
  if (href === "/" || href === "./") return true;
  try {
    const url = new URL(href);
    return (url.protocol === "http:" || url.protocol === "https:") && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/** The heading is one link to the front page: the site's logo, not a headline. */
export function isLogoHeading(heading: DomElement, headingText = collapse(visibleText(heading))): boolean {
  const links = heading.getElementsByTagName("a");
  if (links.length !== 1) return false;
  const link = links[0];
  return link !== undefined && linksHome(link) && collapse(visibleText(link)) === headingText;
}

/**
 * A heading, and when it is made of several pieces (kicker and headline, headline and
 * subline), its opening piece and the rest, and the last piece and what comes before it.
 */
export function headingCandidates(el: DomElement, index: number, leafAt: number): HeadingCandidate[] {
  const base = { tag: el.tagName, index, leafAt };
  const whole: HeadingCandidate = { ...base, text: collapse(visibleText(el)) };
  if (isLogoHeading(el, whole.text)) whole.logo = true;
  const pieces = headingPieces(el);
  if (pieces.length < 2) return [whole];
  const join = (from: number, to: number): string => collapse(pieces.slice(from, to).join(""));
  const parts: HeadingCandidate[] = [
    { ...base, text: join(0, 1), part: "lead" },
    { ...base, text: join(1, pieces.length), part: "rest" },
  ];
  if (pieces.length >= 3) parts.push({ ...base, text: join(0, pieces.length - 1), part: "init" }, { ...base, text: join(pieces.length - 1, pieces.length), part: "last" });
  return [whole, ...parts];
}
