import { decodeHTMLStrict } from "entities";
import { type DomDocument, type DomElement, nextElement } from "./dom.ts";
import { type BylineCandidate, chooseFrom, fullerForm, siteNameForms } from "./byline-choice.ts";
import { headingCandidates } from "./heading-parts.ts";
import { attribute, type DateContext, DateEvidence } from "./date-evidence.ts";
import { type HeadingCandidate, stripSiteSuffix } from "./headline.ts";
import { resolveUrl } from "./page-url.ts";

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

const ARTICLE_TYPES =
  /^(?:Article|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|ScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|TechArticle|LiveBlog)$/;

/** JSON-LD types of the page itself (schema.org WebPage and its kinds). */
const WEB_PAGE_TYPES = /^(?:WebPage|ItemPage|AboutPage|FAQPage|QAPage|ProfilePage|MedicalWebPage)$/;

/** Class or id of a paywall overlay or gate (not of login links that merely mention one). */
const PAYWALL_CLASS =
  /(?:^|[\s_-])(?:pay|reg|meter|abo|subscription|premium)-?(?:wall|gate|barrier)(?=$|\s|[_-](?:container|wrapper|overlay|box|banner|teaser|content|inline|prompt|message|cta|offer|modal)(?:$|[\s_-]))|piano-?(?:offer|paywall)|subscriber-?only|article-?locked|plus-?teaser/i;

/** Class or id of the element that names the author (Readability's byline signal). */
const BYLINE_CLASS = /byline|author|writtenby|p-author|autor/i;
/** Author classes of comments and comment forms ("comment-author", "comment-form-author"). */
const COMMENT_CLASS = /comment|reply|respond|kommentar/i;
const MAX_CLASS_BYLINES = 6;
const MAX_AUTHOR_TEXTS = 12;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function typesOf(node: JsonObject): string[] {
  return asArray(node["@type"]).filter((t): t is string => typeof t === "string").map((t) => t.replace(/^.*[/:]/, ""));
}

function firstString(value: Json | undefined): string | undefined {
  for (const item of asArray(value)) {
    if (typeof item === "string" && item.trim().length > 0) return item.trim();
    if (isObject(item)) {
      const nested = firstString(item["@value"] ?? item["name"]);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** Every object in a JSON-LD document, through @graph arrays and nested arrays. */
function flattenJsonLd(root: Json): JsonObject[] {
  const out: JsonObject[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 200) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i] as Json);
    } else if (isObject(node)) {
      out.push(node);
      const graph = node["@graph"];
      if (graph !== undefined) stack.push(graph);
      const main = node["mainEntity"];
      if (isObject(main)) stack.push(main);
    }
  }
  return out;
}

function parseJsonLd(text: string): Json | undefined {
  const trimmed = text.trim().replace(/^<!--|-->$/g, "").replace(/^\s*\/\/<!\[CDATA\[|\/\/\]\]>\s*$/g, "");
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    // Some sites put raw newlines or tabs inside strings.
    try {
      return JSON.parse(trimmed.replace(/[\n\r\t]+/g, " ")) as Json;
    } catch {
      return undefined;
    }
  }
}

interface AuthorNames {
  people: string[];
  organizations: string[];
}

/** Authors by type; an author given only by "@id" (Yoast's @graph) is looked up there. */
function authorNames(value: Json | undefined, byId: ReadonlyMap<string, JsonObject>): AuthorNames {
  const people: string[] = [];
  const organizations: string[] = [];
  for (const entry of asArray(value)) {
    let item = entry;
    if (isObject(item) && item["name"] === undefined && typeof item["@id"] === "string") item = byId.get(item["@id"]) ?? item;
    if (typeof item === "string") {
      people.push(item);
    } else if (isObject(item)) {
      const name = firstString(item["name"]);
      if (!name) continue;
      const types = typesOf(item);
      if (types.includes("Person") || !types.some((t) => /Organization|Corporation|WebSite|Brand/.test(t))) people.push(name);
      else organizations.push(name);
    }
  }
  return { people, organizations };
}

function isFalse(value: Json | undefined): boolean {
  return value === false || (typeof value === "string" && value.trim().toLowerCase() === "false");
}

interface JsonLdFacts {
  title?: string;
  authors: AuthorNames;
  /** Other names the site goes by (publisher, WebSite). */
  siteNames: string[];
  /** A person publishes the site (a personal blog): the site's name is the author's. */
  personPublisher?: boolean;
  published?: string;
  modified?: string;
  siteName?: string;
  language?: string;
  url?: string;
  description?: string;
  isArticle: boolean;
  notFree: boolean;
}

function readJsonLd(objects: readonly JsonObject[]): JsonLdFacts {
  const facts: JsonLdFacts = { authors: { people: [], organizations: [] }, siteNames: [], isArticle: false, notFree: false };
  const byId = new Map<string, JsonObject>();
  for (const node of objects) {
    const id = node["@id"];
    if (typeof id === "string" && !byId.has(id)) byId.set(id, node);
  }
  let websiteName: string | undefined;
  /** A WebPage's dates, for pages whose JSON-LD describes no article. */
  let pagePublished: string | undefined;
  let pageModified: string | undefined;
  for (const node of objects) {
    const types = typesOf(node);
    if (types.includes("WebSite") && !websiteName) {
      websiteName = firstString(node["name"]);
      if (websiteName) facts.siteNames.push(websiteName);
    }
    if (types.some((t) => WEB_PAGE_TYPES.test(t)) && !pagePublished) {
      pagePublished = firstString(node["datePublished"]) ?? firstString(node["dateCreated"]);
      pageModified = firstString(node["dateModified"]);
    }
    if (!types.some((t) => ARTICLE_TYPES.test(t))) continue;
    if (facts.isArticle) {
      // The first article object describes the page; later ones are usually related items.
      continue;
    }
    facts.isArticle = true;
    const title = firstString(node["headline"]) ?? firstString(node["name"]);
    if (title) facts.title = title;
    facts.authors = authorNames(node["author"] ?? node["creator"], byId);
    const published = firstString(node["datePublished"]) ?? firstString(node["dateCreated"]);
    if (published) facts.published = published;
    const modified = firstString(node["dateModified"]);
    if (modified) facts.modified = modified;
    const publisher = asArray(node["publisher"]).find(isObject);
    const publisherName = publisher ? firstString(publisher["name"]) : undefined;
    if (publisherName) facts.siteName = publisherName;
    const publisherId = publisher?.["@id"];
    const publisherNode = publisher && publisherName === undefined && typeof publisherId === "string" ? byId.get(publisherId) : publisher;
    const declaredPublisher = publisherNode ? firstString(publisherNode["name"]) : undefined;
    // Yoast names a person publisher "…/#/schema/person/…" even where the node is missing.
    if ((publisherNode && typesOf(publisherNode).includes("Person")) || (typeof publisherId === "string" && /\/person\//.test(publisherId))) facts.personPublisher = true;
    else if (declaredPublisher) facts.siteNames.push(declaredPublisher);
    const language = firstString(node["inLanguage"]);
    if (language) facts.language = language;
    const main = node["mainEntityOfPage"];
    const url = firstString(node["url"]) ?? (isObject(main) ? firstString(main["@id"] ?? main["url"]) : firstString(main));
    if (url) facts.url = url;
    const description = firstString(node["description"]);
    if (description) facts.description = description;
    if (isFalse(node["isAccessibleForFree"])) facts.notFree = true;
    for (const part of asArray(node["hasPart"])) {
      if (isObject(part) && isFalse(part["isAccessibleForFree"])) facts.notFree = true;
    }
  }
  if (!facts.siteName && websiteName) facts.siteName = websiteName;
  if (!facts.published && !facts.modified) {
    if (pagePublished) facts.published = pagePublished;
    if (pageModified) facts.modified = pageModified;
  }
  return facts;
}

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
