import type { DomElement } from "./dom.ts";

/** Elements whose dates belong to other pages or to other people's posts. */
const ELSEWHERE_TAGS = new Set(["NAV", "ASIDE", "BLOCKQUOTE"]);
/**
 * A class or id of comments, menus, sidebars and teaser lists: the whole word, or its start
 * ("comment-meta", "teaser__date"). Wrappers of the main column that merely mention a sidebar
 * ("content-sidebar-wrap", "sidebar-on") are not meant.
 */
const ELSEWHERE_CLASS = /(?:^|\s)(?:comments?|commentlist|comment-list|menu|sub-menu|mega-menu|sidebar|teasers?|teaser-list|related|swiper-slide|slider)(?=$|\s|__|-(?:meta|item|list|body|content|author|date|time|metadata|area|\d))/i;
/** How far up an element's ancestors are looked at. */
const MAX_DEPTH = 12;

/**
 * True when a date sits in a comment, a menu, a sidebar, a teaser list or an embedded quote:
 * it dates something else than the page. The body's own classes ("comments-open") say nothing.
 */
export function datesSomethingElse(el: DomElement): boolean {
  let depth = 0;
  for (let cur: DomElement | null = el; cur && depth < MAX_DEPTH; cur = cur.parentElement, depth++) {
    const tag = cur.tagName;
    if (tag === "BODY" || tag === "HTML") return false;
    if (ELSEWHERE_TAGS.has(tag)) return true;
    const cls = `${cur.className || ""} ${cur.id || ""}`;
    if (cls.length > 1 && ELSEWHERE_CLASS.test(cls)) return true;
  }
  return false;
}

/**
 * A class or itemprop word of a modification date ("dateModified", "last-modified"). Not hAtom's
 * "updated": many themes give it to the only date they show.
 */
const MODIFIED_WORD = /(?:^|[\s_-])(?:modified|datemodified|last-?modified|aktualisiert)(?=$|[\s_-])/gi;
/** Other words of the same markup that say it is the page's date after all ("post-date modified"). */
const DATE_WORD = /date|publish|created|time/i;
/** A visible label of a modification date: "Aktualisiert am …", "Zuletzt geändert: …", "Updated …". */
const MODIFIED_LABEL = /^\s*(?:zuletzt\s+|last\s+)?(?:aktualisiert|geändert|updated|modified)\b/i;

/** True when an element states when the page was changed rather than when it appeared. */
export function namesModification(el: DomElement): boolean {
  const markup = `${el.className || ""} ${el.getAttribute("itemprop") ?? ""}`;
  const rest = markup.replace(MODIFIED_WORD, " ");
  if (rest !== markup && !DATE_WORD.test(rest)) return true;
  return MODIFIED_LABEL.test(el.textContent ?? "");
}

/** Elements looked at inside a dateline for a modification date. */
const MAX_DATELINE_ELEMENTS = 40;

/**
 * True when the date an element shows is that of a modification marked inside it:
 * "<p><time itemprop="dateModified">12.2.</time> <time>10.2.</time></p>" reads as the 12th,
 * which is not when the page appeared.
 */
export function showsModification(el: DomElement, shown: string, dateOf: (el: DomElement) => string | undefined): boolean {
  if (namesModification(el)) return true;
  const inner = el.querySelectorAll("*");
  for (let i = 0; i < inner.length && i < MAX_DATELINE_ELEMENTS; i++) {
    const child = inner[i];
    if (child && namesModification(child) && dateOf(child) === shown) return true;
  }
  return false;
}
