import { decodeHTMLStrict } from "entities";
import { XMLValidator } from "fast-xml-parser";
import { parseFeed as parseAnyFeed } from "feedsmith";
import type { AnyFeed, AtomFeed, RdfFeed, RssFeed } from "feedsmith";
import type { FeedItem } from "../../core/ports.ts";
import { UserFacingError } from "../../core/errors.ts";

export type FeedFormat = "rss" | "atom" | "rdf";

export interface ParsedFeed {
  format: FeedFormat;
  /** Feed (channel) title, as plain text. */
  title?: string;
  items: FeedItem[];
}

export interface ParseFeedOptions {
  /**
   * URL the feed was fetched from (`FetchedPage.url`): relative item links are resolved
   * against it, and its host names the source when the feed has no title.
   */
  feedUrl?: string;
  /** Items kept, in feed order (default 200). */
  maxItems?: number;
  /** Longest summary kept, in characters (default 600). */
  maxSummaryChars?: number;
}

const DEFAULT_MAX_ITEMS = 200;
const DEFAULT_MAX_SUMMARY_CHARS = 600;
const TITLE_FROM_SUMMARY_CHARS = 120;

/**
 * Parses an RSS 2.0, RSS 1.0 (RDF) or Atom document, already decoded to a string, into items.
 * Throws UserFacingError("invalid_input") for malformed XML and for XML that is not a feed.
 * Items without a usable http(s) link, or with neither title nor summary, are left out.
 */
export function parseFeed(body: string, options: ParseFeedOptions = {}): ParsedFeed {
  const xml = body.replace(/^\uFEFF/, "").trimStart();
  assertWellFormedXml(xml);
  let parsed: AnyFeed;
  try {
    parsed = parseAnyFeed<string>(xml, { maxItems: options.maxItems ?? DEFAULT_MAX_ITEMS });
  } catch (err) {
    throw notAFeed(rootElementName(xml) === "html" ? "it is a web page" : "it has no <rss>, <feed> or <rdf:RDF> root", err);
  }
  const context: MappingContext = {
    baseUrl: absoluteHttpUrl(options.feedUrl),
    maxSummaryChars: options.maxSummaryChars ?? DEFAULT_MAX_SUMMARY_CHARS,
  };
  switch (parsed.format) {
    case "rss":
      return fromRss(parsed.feed, context);
    case "atom":
      return fromAtom(parsed.feed, context);
    case "rdf":
      return fromRdf(parsed.feed, context);
    case "json":
      throw notAFeed("JSON Feed is not supported");
  }
}

/** `parseFeed(body, options).items`. */
export function parseFeedItems(body: string, options: ParseFeedOptions = {}): FeedItem[] {
  return parseFeed(body, options).items;
}

function notAFeed(reason: string, cause?: unknown): UserFacingError {
  return new UserFacingError(
    "invalid_input",
    `This is not a valid RSS or Atom feed (${reason}); check the feed address.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Rejects documents that are not well-formed XML (truncated, mismatched tags, HTML). Two
 * common, harmless feed faults are tolerated: bare "&" and HTML named entities such as &nbsp;.
 * CDATA sections are blanked first so their contents are not checked as markup.
 */
function assertWellFormedXml(xml: string): void {
  if (xml === "") throw notAFeed("the document is empty");
  const checked = xml
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "")
    .replace(/&(?!(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);)/g, "&amp;");
  const result = XMLValidator.validate(checked, { allowBooleanAttributes: true });
  if (result === true) return;
  // Unclosed elements are reported at line 1, which would only mislead.
  const where = result.err.line > 1 ? ` at line ${result.err.line}` : "";
  const reason = rootElementName(xml) === "html" ? "it is a web page" : `malformed XML${where}`;
  throw notAFeed(reason, new Error(`${result.err.code}: ${result.err.msg}`));
}

function rootElementName(xml: string): string | undefined {
  const withoutProlog = xml.replace(/^(?:\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>))*/i, "");
  if (/^\s*<!doctype\s+html/i.test(xml)) return "html";
  return /^\s*<([A-Za-z_][\w.:-]*)/.exec(withoutProlog)?.[1]?.toLowerCase();
}

interface MappingContext {
  baseUrl: string | undefined;
  maxSummaryChars: number;
}

interface RawItem {
  title?: string | undefined;
  /** Candidate links, best first; relative ones are resolved against the feed. */
  links: Array<string | undefined>;
  /** Identifiers that may be links (RSS guid, Atom id), used only when already absolute. */
  idLinks: Array<string | undefined>;
  dates: Array<string | undefined>;
  summary?: string | undefined;
  source?: string | undefined;
  guid?: string | undefined;
}

/** RSS has no base URI rule; relative links in the wild are relative to the site (channel link). */
function fromRss(feed: RssFeed.Feed<string>, context: MappingContext): ParsedFeed {
  const title = plainText(feed.title);
  const base = absoluteHttpUrl(feed.link, context.baseUrl) ?? context.baseUrl;
  const items = (feed.items ?? []).map((item) =>
    toFeedItem(
      {
        title: item.title,
        links: [item.link],
        idLinks: [item.guid?.isPermaLink === false ? undefined : item.guid?.value],
        dates: [item.pubDate, ...(item.dc?.dates ?? []), item.atom?.published, item.atom?.updated],
        summary: item.description ?? item.content?.encoded,
        source: item.source?.title,
        guid: item.guid?.value,
      },
      title,
      { ...context, baseUrl: base },
    ),
  );
  return withTitle({ format: "rss", items: items.filter(isDefined) }, title);
}

/** Atom (RFC 4287) resolves relative links against xml:base, else the document's own URL. */
function fromAtom(feed: AtomFeed.Feed<string>, context: MappingContext): ParsedFeed {
  const title = plainText(feed.title?.value);
  const documentUrl =
    context.baseUrl ?? absoluteHttpUrl(feed.links?.find((link) => link.rel === "self")?.href) ?? absoluteHttpUrl(pickAtomLink(feed.links));
  const base = absoluteHttpUrl(feed.xml?.base, documentUrl) ?? documentUrl;
  const items = (feed.entries ?? []).map((entry) =>
    toFeedItem(
      {
        title: entry.title?.value,
        links: [pickAtomLink(entry.links)],
        idLinks: [entry.id],
        dates: [entry.published, entry.updated, ...(entry.dc?.dates ?? [])],
        summary: entry.summary?.value ?? atomTextContent(entry.content),
        source: entry.source?.title?.value,
        guid: entry.id,
      },
      title,
      { ...context, baseUrl: absoluteHttpUrl(entry.xml?.base, base) ?? base },
    ),
  );
  return withTitle({ format: "atom", items: items.filter(isDefined) }, title);
}

function fromRdf(feed: RdfFeed.Feed<string>, context: MappingContext): ParsedFeed {
  const title = plainText(feed.title);
  const base = absoluteHttpUrl(feed.link, context.baseUrl) ?? context.baseUrl;
  const items = (feed.items ?? []).map((item) =>
    toFeedItem(
      {
        title: item.title,
        links: [item.link],
        idLinks: [item.rdf?.about],
        dates: [...(item.dc?.dates ?? []), ...(item.dcterms?.issued ?? []), ...(item.dcterms?.created ?? [])],
        summary: item.description ?? item.content?.encoded,
        source: item.dc?.publishers?.[0],
        guid: item.rdf?.about,
      },
      title,
      { ...context, baseUrl: base },
    ),
  );
  return withTitle({ format: "rdf", items: items.filter(isDefined) }, title);
}

function withTitle(feed: ParsedFeed, title: string | undefined): ParsedFeed {
  return title === undefined ? feed : { ...feed, title };
}

function toFeedItem(raw: RawItem, feedTitle: string | undefined, context: MappingContext): FeedItem | undefined {
  const url =
    raw.links.map((link) => absoluteHttpUrl(link, context.baseUrl)).find(isDefined) ??
    raw.idLinks.map((link) => absoluteHttpUrl(link)).find(isDefined);
  if (url === undefined) return undefined;
  const summary = truncate(plainText(raw.summary), context.maxSummaryChars);
  const title = plainText(raw.title) ?? (summary === undefined ? undefined : truncate(summary, TITLE_FROM_SUMMARY_CHARS));
  if (title === undefined) return undefined;
  const item: FeedItem = { title, url };
  const publishedAt = raw.dates.map(parseFeedDate).find(isDefined);
  if (publishedAt !== undefined) item.publishedAt = publishedAt;
  if (summary !== undefined) item.summary = summary;
  item.source = plainText(raw.source) ?? feedTitle ?? new URL(url).hostname.replace(/^www\./, "");
  const guid = raw.guid?.trim();
  if (guid !== undefined && guid !== "") item.guid = guid;
  return item;
}

/** The link a reader would open: rel="alternate" (or no rel), HTML preferred. */
function pickAtomLink(links: ReadonlyArray<{ href?: string; rel?: string; type?: string }> | undefined): string | undefined {
  const alternates = (links ?? []).filter((link) => link.href !== undefined && (link.rel ?? "alternate") === "alternate");
  const html = alternates.find((link) => link.type === undefined || /html/i.test(link.type));
  return (html ?? alternates[0])?.href;
}

function atomTextContent(content: AtomFeed.Content | undefined): string | undefined {
  if (content?.value === undefined) return undefined;
  const type = content.type ?? "text";
  return type === "text" || type === "html" || type === "xhtml" ? content.value : undefined;
}

function absoluteHttpUrl(link: string | undefined, base?: string): string | undefined {
  const text = link?.trim();
  if (text === undefined || text === "") return undefined;
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}

/** HTML elements feeds put into titles and teasers; anything else in angle brackets is text. */
const HTML_TAG =
  /<\/?(?:a|abbr|b|big|blockquote|br|caption|cite|code|dd|del|dfn|div|dl|dt|em|figcaption|figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|picture|pre|q|s|small|source|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|time|tr|tt|u|ul|video|audio|iframe|wbr)\b[^<>]*>/gi;

/**
 * Markup-free text: HTML elements removed, HTML entities decoded (feeds often escape HTML
 * twice), whitespace collapsed. Undefined when nothing is left.
 */
export function plainText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = decodeHTMLStrict(
    value
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<(script|style|noscript)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(HTML_TAG, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? undefined : text;
}

function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Time-zone abbreviations feeds use that the JavaScript date parser does not know. */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  CET: "+0100",
  MEZ: "+0100",
  CEST: "+0200",
  MESZ: "+0200",
  BST: "+0100",
  JST: "+0900",
  HKT: "+0800",
  SGT: "+0800",
  AEST: "+1000",
  AEDT: "+1100",
};

/**
 * ISO 8601 instant of an RSS (RFC 822) or Atom (RFC 3339) date, or undefined when it cannot be
 * read. A date without a zone is taken as UTC, so the result never depends on the host's zone.
 */
export function parseFeedDate(value: string | undefined): string | undefined {
  let text = value?.trim().replace(/\s+/g, " ");
  if (text === undefined || text === "") return undefined;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text)) {
    text = `${text.replace(" ", "T")}Z`;
  } else if (/^(?:[A-Za-z]{2,9},? )?\d{1,2} [A-Za-z]{3,9}\.? \d{2,4} \d{1,2}:\d{2}(?::\d{2})?$/.test(text)) {
    text = `${text} +0000`;
  } else {
    text = text.replace(/ ([A-Z]{3,4})$/, (whole, zone: string) => {
      const offset = ZONE_ABBREVIATIONS[zone];
      return offset === undefined ? whole : ` ${offset}`;
    });
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
