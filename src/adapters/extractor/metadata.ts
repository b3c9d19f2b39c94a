import { decodeHTMLStrict } from "entities";
import { type DomDocument, type DomElement, nextElement } from "./dom.ts";
import { type BylineCandidate, chooseFrom, fullerForm, siteNameForms } from "./byline-choice.ts";
import { headingCandidates } from "./heading-parts.ts";
import { attribute, type DateContext, DateEvidence } from "./date-evidence.ts";
import { type HeadingCandidate, stripSiteSuffix } from "./headline.ts";
import { resolveUrl } from "./page-url.ts";
import { flattenJsonLd, type JsonObject, parseJsonLd, readJsonLd } from "./json-ld.ts";

/** What the page says about itself, gathered before any cleaning touches the DOM. */
export interface PageMetadata {
  /** Headline from JSON-LD, OpenGraph, Twitter card, microdata or Dublin Core. */
  title?: string;
  /** Text of the first <h1> with any, unless it only links to the front page. */
  heading?: string;
  /** The document's <title>. */
  documentTitle?: string;
  /** The page's h1–h3 headings (and the parts of one made of several, such as kicker and headline). */
  headings: HeadingCandidate[];
  /** The author the page declares or shows near its text, cleaned; undefined when unsure. */
  byline?: string;
  /** A newsroom or an organization named as author: a last resort after the visible bylines. */
  fallbackByline?: string;
  /** The site's names in comparable form, which no byline may be. */
  siteNames: ReadonlySet<string>;
  /** Texts of author elements (bylines, author boxes), for the fuller form of a name. */
  authorTexts: string[];
  siteName?: string;
  publishedAt?: string;
  /** Declared language, primary subtag lowercase. */
  declaredLanguage?: string;
  url?: string;
  excerpt?: string;
  /** JSON-LD says an article type describes the page. */
  hasArticleJsonLd: boolean;
  /** og:type, lowercase. */
  ogType?: string;
  /** JSON-LD isAccessibleForFree is false (on the article or one of its parts). */
  markedNotFree: boolean;
  /** An element whose class or id names a paywall or subscriber gate. */
  hasPaywallElement: boolean;
}

/** Class or id of a paywall overlay or gate (not of login links that merely mention one). */
const PAYWALL_CLASS =
  /(?:^|[\s_-])(?:pay|reg|meter|abo|subscription|premium)-?(?:wall|gate|barrier)(?=$|\s|[_-](?:container|wrapper|overlay|box|banner|teaser|content|inline|prompt|message|cta|offer|modal)(?:$|[\s_-]))|piano-?(?:offer|paywall)|subscriber-?only|article-?locked|plus-?teaser/i;

/** Class or id of the element that names the author (Readability's byline signal). */
const BYLINE_CLASS = /byline|author|writtenby|p-author|autor/i;
/** Author classes of comments and comment forms ("comment-author", "comment-form-author"). */
const COMMENT_CLASS = /comment|reply|respond|kommentar/i;
const MAX_CLASS_BYLINES = 6;
const MAX_AUTHOR_TEXTS = 12;

/** Meta tags by lowercase name/property, first value wins. */
type MetaMap = Map<string, string>;

function setOnce(map: MetaMap, key: string, value: string): void {
  const v = value.trim();
  if (v.length > 0 && !map.has(key)) map.set(key, v);
}

function firstMeta(meta: MetaMap, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = meta.get(key);
    if (v) return v;
  }
  return undefined;
}

const AUTHOR_META_KEYS = ["author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl", "citation_author"];

const MAX_HEADINGS = 60;
const NO_TEXT_TAGS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TITLE", "OPTION"]);

function textOf(el: DomElement): string {
  return (el.textContent ?? "").replace(/\s+/g, " ").trim();
}

export function primaryLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const primary = /^\s*([a-zA-Z]{2,3})(?:[-_]|$|\s)/.exec(tag)?.[1]?.toLowerCase();
  return primary && primary.length === 2 ? primary : undefined;
}

/**
 * Reads title, byline, dates, site name, language and canonical URL from JSON-LD, OpenGraph,
 * other meta tags, microdata and <time>, in one walk over the document.
 */
/** Metadata text: entities some sites escape twice ("&#8216;", "&amp;") decoded, spaces collapsed. */
function metaText(value: string): string {
  return decodeHTMLStrict(value).replace(/\s+/g, " ").trim();
}

export function readMetadata(doc: DomDocument, baseUrl?: string): PageMetadata {
  const meta: MetaMap = new Map();
  const jsonLd: JsonObject[] = [];
  let canonical: string | undefined;
  let itempropAuthor: string | undefined;
  let itempropHeadline: string | undefined;
  const relAuthors: string[] = [];
  const classBylines: string[] = [];
  const authorTexts: string[] = [];
  let firstH1: string | undefined;
  let documentTitle: string | undefined;
  const headings: HeadingCandidate[] = [];
  const dates = new DateEvidence();
  let leaves = 0;
  let hasPaywallElement = false;

  const root = doc.documentElement;
  const htmlLang = root.getAttribute("lang") ?? root.getAttribute("xml:lang") ?? undefined;

  /** The element after a subtree whose text holds no date (null: the document's end); undefined outside one. */
  let textWithoutDatesUntil: DomElement | null | undefined;
  for (let el: DomElement | null = root.firstElementChild; el; el = nextElement(el, root)) {
    if (el === textWithoutDatesUntil) textWithoutDatesUntil = undefined;
    const tag = el.tagName;
    if (tag === "META") {
      const key = (el.getAttribute("property") ?? el.getAttribute("name") ?? el.getAttribute("itemprop") ?? el.getAttribute("http-equiv") ?? "").toLowerCase();
      const content = el.getAttribute("content");
      if (key && content) setOnce(meta, key, content);
      continue;
    }
    if (tag === "SCRIPT") {
      if ((el.getAttribute("type") ?? "").toLowerCase().includes("ld+json")) {
        const parsed = parseJsonLd(el.textContent ?? "");
        if (parsed !== undefined) jsonLd.push(...flattenJsonLd(parsed));
      }
      continue;
    }
    if (tag === "LINK") {
      const rel = (el.getAttribute("rel") ?? "").toLowerCase();
      if (!canonical && rel.split(/\s+/).includes("canonical")) canonical = el.getAttribute("href") ?? undefined;
      continue;
    }
    if ((tag === "H1" || tag === "H2" || tag === "H3") && headings.length < MAX_HEADINGS) {
      const [whole, ...parts] = headingCandidates(el, headings.length, leaves);
      if (whole) headings.push(whole, ...parts);
      if (tag === "H1" && firstH1 === undefined && whole?.text && !whole.logo) firstH1 = whole.text;
    }
    const cls = `${el.className || ""} ${el.id || ""}`;
    dates.visit(el, cls, headings.length > 0, baseUrl);
    if (tag === "TITLE" && documentTitle === undefined) documentTitle = textOf(el);
    const itemprop = attribute(el, "itemprop", "itemProp");
    if (itemprop) {
      const props = itemprop.toLowerCase().split(/\s+/);
      if (!itempropAuthor && props.includes("author")) {
        const nameEl = el.querySelector('[itemprop~="name"]');
        itempropAuthor = nameEl ? (nameEl.getAttribute("content") ?? textOf(nameEl)) : (el.getAttribute("content") ?? textOf(el));
      }
      if (!itempropHeadline && props.includes("headline")) itempropHeadline = el.getAttribute("content") ?? textOf(el);
    }
    if (relAuthors.length < 3 && tag === "A" && (el.getAttribute("rel") ?? "").toLowerCase().split(/\s+/).includes("author")) {
      relAuthors.push(textOf(el));
    }
    if (!NO_TEXT_TAGS.has(tag)) {
      // Leaves, and small elements whose date is split over children ("am <b>5.</b> Mai 2021").
      if (!el.firstElementChild) leaves++;
      if (textWithoutDatesUntil === undefined && !dates.visitText(el, leaves)) textWithoutDatesUntil = nextElement(el, root, true);
    }
    if (cls.length > 1) {
      if (!hasPaywallElement && PAYWALL_CLASS.test(cls)) hasPaywallElement = true;
      if (authorTexts.length < MAX_AUTHOR_TEXTS && BYLINE_CLASS.test(cls) && !COMMENT_CLASS.test(cls)) {
        const text = textOf(el);
        // Dates and lone labels ("Autor") in author elements say nothing about a name's full form.
        if (text.length > 5 && /^\p{L}/u.test(text)) authorTexts.push(text.slice(0, 300));
        if (text.length > 2 && text.length < 100 && classBylines.length < MAX_CLASS_BYLINES) classBylines.push(text);
      }
    }
  }

  const ld = readJsonLd(jsonLd);
  const result: PageMetadata = { hasArticleJsonLd: ld.isArticle, markedNotFree: ld.notFree, hasPaywallElement, headings, siteNames: new Set(), authorTexts: [] };
  if (documentTitle) result.documentTitle = metaText(documentTitle);

  const siteName = meta.get("og:site_name") ?? ld.siteName ?? meta.get("application-name");
  if (siteName) result.siteName = metaText(siteName);

  const title = ld.title ?? meta.get("og:title") ?? meta.get("twitter:title") ?? itempropHeadline ?? meta.get("dc.title");
  if (title) result.title = metaText(title);
  if (firstH1) result.heading = firstH1;

  // A person's own site goes by the person's name, which is then no reason to reject a byline.
  const siteNames = ld.personPublisher
    ? new Set<string>()
    : siteNameForms(
        [siteName, ld.siteName, ...ld.siteNames, meta.get("publisher"), meta.get("application-name")],
        result.documentTitle,
        resolveUrl(canonical, baseUrl) ?? resolveUrl(meta.get("og:url"), baseUrl) ?? resolveUrl(baseUrl, undefined),
      );
  result.siteNames = siteNames;
  const declaredAuthor = (value: string | undefined): BylineCandidate[] => (value ? [{ value: metaText(value), kind: "declared" }] : []);
  const authorMeta = firstMeta(meta, AUTHOR_META_KEYS);
  const candidates: BylineCandidate[] = [
    ...(ld.authors.people.length > 0 ? declaredAuthor(ld.authors.people.join(", ")) : []),
    ...declaredAuthor(itempropAuthor),
    ...(authorMeta ? [{ value: metaText(authorMeta), kind: "meta" as const }] : []),
    ...relAuthors.map((value) => ({ value: metaText(value), kind: "link" as const })),
    ...classBylines.map((value) => ({ value: metaText(value), kind: "visible" as const })),
  ];
  const choice = chooseFrom(candidates, siteNames);
  if (choice.person) result.byline = fullerForm(choice.person, [...classBylines, ...relAuthors, ...authorTexts], siteNames);
  const organization = ld.authors.organizations.length > 0 ? chooseFrom(declaredAuthor(ld.authors.organizations.join(", ")), siteNames) : {};
  const fallback = choice.team ?? organization.person ?? organization.team;
  if (fallback) result.fallbackByline = fallback;
  result.authorTexts = authorTexts;

  const dateContext: DateContext = {
    meta,
    jsonLdPublished: ld.published,
    jsonLdModified: ld.modified,
    url: resolveUrl(canonical, baseUrl) ?? resolveUrl(meta.get("og:url"), baseUrl) ?? resolveUrl(baseUrl, undefined),
    documentTitle,
    headings,
    declaredTitles: [result.title, result.documentTitle && stripSiteSuffix(result.documentTitle)],
    siteName: result.siteName,
  };
  const publishedAt = dates.published(dateContext);
  if (publishedAt) result.publishedAt = publishedAt;

  const declared = primaryLanguage(htmlLang) ?? primaryLanguage(ld.language) ?? primaryLanguage(meta.get("og:locale")) ?? primaryLanguage(meta.get("content-language")) ?? primaryLanguage(meta.get("dc.language")) ?? primaryLanguage(meta.get("language"));
  if (declared) result.declaredLanguage = declared;

  const url = resolveUrl(canonical, baseUrl) ?? resolveUrl(meta.get("og:url"), baseUrl) ?? resolveUrl(ld.url, baseUrl) ?? resolveUrl(baseUrl, undefined);
  if (url) result.url = url;

  const excerpt = meta.get("description") ?? meta.get("og:description") ?? ld.description ?? meta.get("twitter:description");
  if (excerpt) result.excerpt = metaText(excerpt);

  const ogType = meta.get("og:type");
  if (ogType) result.ogType = ogType.toLowerCase();
  return result;
}
