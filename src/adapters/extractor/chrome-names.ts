import type { DomElement } from "./dom.ts";

/** What page chrome is called: the tags, roles and class/id words that name it. */
/** Elements that never hold article prose. */
export const CHROME_TAGS = new Set([
  "NAV", "ASIDE", "FOOTER", "BUTTON", "SELECT", "DIALOG", "TEMPLATE", "IFRAME", "INPUT",
  "TEXTAREA", "SVG", "FIGCAPTION", "MENU", "OBJECT", "EMBED", "CANVAS", "VIDEO", "AUDIO",
]);

export const NON_TEXT_TAGS = new Set(["SCRIPT", "STYLE", "LINK", "META", "NOSCRIPT"]);

export const CHROME_ROLES = new Set([
  "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search",
  "menu", "menubar", "toolbar",
]);

/**
 * Roles of widgets that pages also put on the wrapper of tabs or an accordion holding the
 * article: chrome only unless they hold much of the page's prose, as class names are.
 */
export const WRAPPER_ROLES = new Set(["tablist"]);

export function wrapperRoleMatch(el: DomElement): string | undefined {
  const role = el.getAttribute("role")?.toLowerCase();
  return role && WRAPPER_ROLES.has(role) ? `role=${role}` : undefined;
}

/**
 * Class/id word parts that mark page chrome on news sites (English and German). Matched as whole
 * parts after splitting on separators and camelCase, so "head" never matches "ad". Not "widget":
 * page builders put every text box of an article in one ("elementor-widget-container").
 */
export const CHROME_PARTS = new Set([
  "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "anzeige", "anzeigen",
  "werbung", "sponsor", "sponsored", "promo", "promotion", "promoted",
  "share", "sharing", "shares", "sharebar", "social", "socials", "follow",
  "cookie", "cookies", "consent", "gdpr", "privacy", "newsletter", "newsletters", "signup",
  "subscribe", "subscription", "abo", "login", "register", "paywall", "regwall",
  "related", "recommended", "recommendation", "recommendations", "empfehlung", "empfehlungen",
  "outbrain", "taboola", "plista", "trending", "popular", "mostread", "mostpopular",
  "comment", "comments", "kommentare", "leserkommentare", "disqus", "replies",
  "breadcrumb", "breadcrumbs", "pagination", "pager", "sidebar", "rail",
  "popup", "modal", "overlay", "toolbar", "tooltip", "popover", "rollover", "hovercard", "flyout", "dropdown", "skip", "nav", "navbar", "navigation", "menu",
  "masthead", "footer", "byline", "dateline", "timestamp", "date", "dates", "datum", "meta",
  "author", "authors", "autor", "bio", "cta", "caption", "captions", "credit", "credits",
  "copyright", "gallery", "slideshow", "carousel", "swiper", "lightbox", "tags", "keywords", "print",
  "postmetadata", "postmeta", "utility", "rating", "ratings",
]);

/**
 * Whole class names that hide an element from readers (screen-reader-only text, print-only
 * copies). Responsive utility sets ("hidden md:block") show it again on wide screens.
 */
export const INVISIBLE_CLASSES = new Set([
  "hidden", "is-hidden", "u-hidden", "hide", "d-none", "visually-hidden", "visuallyhidden",
  "sr-only", "screen-reader-text", "screenreader-only", "offscreen", "print-only", "visible-print",
]);

/** Substrings of a class/id that mark chrome even inside compound words ("relatedArticles"). */
export const CHROME_SUBSTRINGS = /cookie|consent|newsletter|outbrain|taboola|plista|breadcrumb|paywall|disqus|recommend|related|sidebar|socialshare|sharebar|share-?button|advertis|sponsor|caption|byline|slideshow|carousel/;

/** Wrappers the chrome rules must never take out even if a class says "share" or "ad". */
export const PROTECTED_TAGS = new Set(["HTML", "BODY", "MAIN", "ARTICLE"]);

/**
 * Word parts of an element's class names and id. Utility classes with a variant prefix
 * ("md:hidden", "print:hidden") describe styling, not what the element is, and are skipped.
 */
export function classParts(el: DomElement): string[] {
  return partsOf(`${el.className || ""} ${el.id || ""}`);
}

/** Word parts of class names and id written as "class names id". */
function partsOf(raw: string): string[] {
  if (raw.trim().length === 0) return [];
  return raw
    .split(/\s+/)
    .filter((c) => !c.includes(":"))
    .join(" ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p.length > 0);
}

/** Embedded posts (tweets and the like) quoted by the article sit in "social" or "widget" boxes. */
export const EMBED_PARTS = new Set(["embed", "embedded", "tweet"]);
export const MEDIA_PARTS = new Set(["image", "img", "photo", "picture", "video", "gallery"]);

/** The class/id part that names `el` as chrome, if any. */
export function chromeClassMatch(el: DomElement): string | undefined {
  const className = el.className || "";
  const raw = `${className} ${el.id || ""}`;
  if (raw.trim().length === 0) return undefined;
  const parts = partsOf(raw);
  if (parts.some((p) => EMBED_PARTS.has(p)) && !parts.some((p) => MEDIA_PARTS.has(p))) return undefined;
  for (const part of parts) if (CHROME_PARTS.has(part)) return part;
  const classes = className.toLowerCase().split(/\s+/);
  if (!classes.some((c) => c.includes(":"))) for (const c of classes) if (INVISIBLE_CLASSES.has(c)) return c;
  return CHROME_SUBSTRINGS.exec(raw.toLowerCase())?.[0];
}
