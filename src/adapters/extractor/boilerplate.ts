import { type DomElement, type DomNode, isElement, nextElement, TEXT_NODE } from "./dom.ts";
import { BLOCK_TAGS } from "./text-blocks.ts";
import { CHROME_ROLES, CHROME_TAGS, NON_TEXT_TAGS, PROTECTED_TAGS, chromeClassMatch, wrapperRoleMatch } from "./chrome-names.ts";

/**
 * An element named like chrome that holds more than this share of the page's prose wraps the
 * article ("content-with-sidebar", "post has-share-buttons") and stays. Measured on the corpus:
 * anything from 0.25 to 0.45 scores the same.
 */
const MAX_PROSE_SHARE = 0.35;

/**
 * Names no article wrapper carries: such an element is kept only when it holds nearly all the
 * page's prose (on a page with a very short article, a cookie notice may hold a third of it).
 */
const NEVER_ARTICLE = /^(?:cookies?|consent|gdpr|newsletters?|outbrain|taboola|plista|disqus|breadcrumbs?|paywall|regwall|signup)$/;
const MAX_PROSE_SHARE_NEVER_ARTICLE = 0.75;

export interface BoilerplateOptions {
  /** Called for every element taken out, with the tag, role or class part that condemned it. */
  onRemove?: (el: DomElement, reason: string) => void;
}

function removeAll(doomed: readonly DomElement[]): void {
  for (const d of doomed) d.remove();
}

/** Pass 1: scripts, styles and elements that are chrome by tag, role or the hidden attribute. */
function removeStructuralChrome(root: DomElement, options: BoilerplateOptions): void {
  const doomed: DomElement[] = [];
  const embeddedPosts: DomElement[] = [];
  for (let el: DomElement | null = root.firstElementChild; el; ) {
    const tag = el.tagName;
    let reason: string | undefined;
    if (NON_TEXT_TAGS.has(tag)) reason = "script";
    else if (!PROTECTED_TAGS.has(tag)) {
      if (CHROME_TAGS.has(tag) && tag !== "ASIDE") reason = tag;
      else if (tag === "FIGURE" && isPictureWithCaption(el)) reason = "figure";
      else if (el.hasAttribute("hidden")) reason = "hidden";
      else {
        const role = el.getAttribute("role")?.toLowerCase();
        if (role && CHROME_ROLES.has(role)) reason = `role=${role}`;
      }
    }
    const remove = reason !== undefined;
    if (!remove && tag === "BLOCKQUOTE" && EMBEDDED_POST_CLASS.test(el.className || "")) embeddedPosts.push(el);
    if (reason !== undefined) {
      doomed.push(el);
      if (reason !== "script") options.onRemove?.(el, reason);
    }
    el = nextElement(el, root, remove);
  }
  removeAll(doomed);
  for (const post of embeddedPosts) keepEmbeddedPost(post);
}

/** Text up to which a <figure> around a picture is the picture's caption and credit. */
const MAX_FIGURE_TEXT = 250;

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"];

/**
 * A <figure> that shows a picture and says little besides: its text is a caption, a credit or a
 * label, whether or not it sits in a <figcaption>. Figures of quotes or tables have no picture;
 * one with a heading is the article's header (picture, headline, standfirst), not a caption.
 */
function isPictureWithCaption(el: DomElement): boolean {
  if (el.getElementsByTagName("img").length === 0 && el.getElementsByTagName("picture").length === 0) return false;
  if ((el.textContent ?? "").trim().length > MAX_FIGURE_TEXT) return false;
  return HEADINGS.every((h) => el.getElementsByTagName(h).length === 0);
}

/** Quoted social posts: class names the embed scripts look for. */
const EMBEDDED_POST_CLASS = /\b(?:twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|mastodon-embed|fb-xfbml-parse-ignore)\b/;

/**
 * A quoted post is mostly links (handles, t.co URLs) in a wrapper named "social" or "media",
 * which content scoring takes for chrome. Keeping the words without the anchors, and the
 * wrappers without their names, lets the post stay with the article.
 */
function keepEmbeddedPost(post: DomElement): void {
  const links = post.getElementsByTagName("a");
  const all: DomElement[] = [];
  for (let i = 0; i < links.length; i++) {
    const a = links[i];
    if (a) all.push(a);
  }
  for (const a of all) a.replaceWith(a.textContent ?? "");
  for (let wrapper = post.parentElement; wrapper && wrapper.children.length === 1 && !PROTECTED_TAGS.has(wrapper.tagName); wrapper = wrapper.parentElement) {
    wrapper.removeAttribute("class");
    wrapper.removeAttribute("id");
  }
}

/**
 * Prose per element: the non-link text that paragraph-level blocks hold directly (blocks of some
 * length only), summed into every ancestor. A wrapper that holds much of the page's prose is the
 * article, whatever its class says.
 */
export function measureProse(root: DomElement): { prose: Map<DomElement, number>; total: number } {
  const own = new Map<DomElement, number>();
  const walk = (node: DomNode, block: DomElement, inLink: boolean): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === TEXT_NODE) {
        if (!inLink) {
          const len = (child.textContent ?? "").trim().length;
          if (len > 0) own.set(block, (own.get(block) ?? 0) + len);
        }
      } else if (isElement(child)) {
        const tag = child.tagName;
        walk(child, BLOCK_TAGS.has(tag) ? child : block, inLink || tag === "A");
      }
    }
  };
  walk(root, root, false);
  const prose = new Map<DomElement, number>();
  let total = 0;
  for (const [block, len] of own) {
    if (len < 60) continue;
    total += len;
    for (let a: DomElement | null = block; a && a !== root; a = a.parentElement) {
      prose.set(a, (prose.get(a) ?? 0) + len);
    }
  }
  return { prose, total };
}

/**
 * When one <article> holds most of the page's prose, other small top-level <article>s are teasers
 * for other stories (or comments), not parts of it.
 */
function teaserArticles(root: DomElement, prose: ReadonlyMap<DomElement, number>, total: number): Set<DomElement> {
  const articles: DomElement[] = [];
  const list = root.getElementsByTagName("article");
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!a) continue;
    let nested = false;
    for (let p = a.parentElement; p && p !== root; p = p.parentElement) {
      if (p.tagName === "ARTICLE") {
        nested = true;
        break;
      }
    }
    if (!nested) articles.push(a);
  }
  const teasers = new Set<DomElement>();
  if (articles.length < 2) return teasers;
  let main = 0;
  for (const a of articles) main = Math.max(main, prose.get(a) ?? 0);
  if (main < total * 0.5) return teasers;
  for (const a of articles) if ((prose.get(a) ?? 0) < main * 0.2) teasers.add(a);
  return teasers;
}

/** A run of siblings condemned by one class part is kept when together they hold most of the page's prose. */
const MIN_RUN_SHARE = 0.5;

/** Parts whose elements come in runs of siblings that are never the article (a thread of comments). */
const NEVER_ARTICLE_RUN = /^(?:comments?|kommentare|leserkommentare|replies|disqus)$/;

/**
 * Prose of the siblings of `el` (itself included) that chrome removal condemns by the same
 * class part, each too small to be kept on its own. An article cut into sections that all carry
 * one modifier ("section--ads": the section has an ad slot) holds the page's prose only as a
 * whole, never section by section.
 */
function siblingRunProse(el: DomElement, match: string, prose: ReadonlyMap<DomElement, number>, limit: number): number {
  const parent = el.parentElement;
  if (!parent) return prose.get(el) ?? 0;
  let sum = 0;
  for (let sibling = parent.firstElementChild; sibling; sibling = sibling.nextElementSibling) {
    const own = prose.get(sibling) ?? 0;
    // A sibling that holds the article alone stays anyway and says nothing about the others.
    if (own > 0 && own <= limit && (sibling === el || chromeClassMatch(sibling) === match)) sum += own;
  }
  return sum;
}

/** Pass 2: elements whose class or id names them as chrome, unless they hold the article's prose. Returns the page's prose in characters. */
function removeChromeByClass(root: DomElement, options: BoilerplateOptions): number {
  const { prose, total } = measureProse(root);
  const limit = total * MAX_PROSE_SHARE;
  const teasers = teaserArticles(root, prose, total);
  const runs = new Map<DomElement, Map<string, number>>();
  const heldAsRun = (el: DomElement, match: string): boolean => {
    const parent = el.parentElement;
    if (!parent || NEVER_ARTICLE.test(match) || NEVER_ARTICLE_RUN.test(match)) return false;
    let byPart = runs.get(parent);
    if (!byPart) runs.set(parent, (byPart = new Map()));
    let sum = byPart.get(match);
    if (sum === undefined) byPart.set(match, (sum = siblingRunProse(el, match, prose, limit)));
    return sum > total * MIN_RUN_SHARE;
  };
  const doomed: DomElement[] = [];
  const asideArticles: DomElement[] = [];
  for (let el: DomElement | null = root.firstElementChild; el; ) {
    if (teasers.has(el)) {
      doomed.push(el);
      options.onRemove?.(el, "teaser-article");
      el = nextElement(el, root, true);
      continue;
    }
    const tag = el.tagName;
    let remove = false;
    const match = PROTECTED_TAGS.has(tag) ? undefined : tag === "ASIDE" ? "aside" : (wrapperRoleMatch(el) ?? chromeClassMatch(el));
    if (match !== undefined) {
      remove = (prose.get(el) ?? 0) <= (NEVER_ARTICLE.test(match) ? total * MAX_PROSE_SHARE_NEVER_ARTICLE : limit) && !heldAsRun(el, match);
    }
    if (remove && match !== undefined) {
      doomed.push(el);
      options.onRemove?.(el, `.${match}`);
    } else if (tag === "ASIDE") asideArticles.push(el);
    el = nextElement(el, root, remove);
  }
  removeAll(doomed);
  for (const aside of asideArticles) renameToDiv(aside);
  return total;
}

/**
 * An <aside> that holds the article's prose is the page's misused wrapper of it: as a <div> it
 * survives content scoring, which drops every <aside>.
 */
function renameToDiv(el: DomElement): void {
  const doc = el.ownerDocument;
  const div = doc.createElement("div");
  for (const name of ["class", "id"]) {
    const value = el.getAttribute(name);
    if (value !== null) div.setAttribute(name, value);
  }
  while (el.firstChild) div.appendChild(el.firstChild);
  el.replaceWith(div);
}

/**
 * Removes page chrome from `root` (usually the body) before content scoring. Returns the prose
 * (characters of paragraph-sized non-link text) the page held before class-named chrome went.
 */
export function removeBoilerplate(root: DomElement, options: BoilerplateOptions = {}): number {
  removeStructuralChrome(root, options);
  return removeChromeByClass(root, options);
}
