import { type DomElement, hasMoreChildren, textPrefix } from "./dom.ts";
import { dateFromText, dateFromUrl, normalizeDate } from "./dates.ts";
import type { HeadingCandidate } from "./headline.ts";
import { datesSomethingElse, namesModification, showsModification } from "./date-place.ts";
import { resolveUrl } from "./page-url.ts";
import { dateAfterHeadline, type VisibleDate } from "./visible-date.ts";

/** Meta names and properties that state when a page was published, best first. */
export const DATE_META_KEYS = [
  "article:published_time", "og:article:published_time", "datepublished", "date", "pubdate",
  "publishdate", "publish-date", "publish_date", "published_time", "published-date",
  "dc.date.issued", "dc.date", "dcterms.date", "dcterms.created", "dc.date.created",
  "sailthru.date", "parsely-pub-date", "article.published", "article_date_original",
  "citation_publication_date", "original-publish-date", "og:published_time", "datecreated",
];

/** A microdata or RDFa property that names when the page was published (or created). */
const PUBLISHED_PROPERTY = /(?:^|[\s:/])(?:datepublished|datecreated)(?=$|\s)/;
/** An attribute value that is an ISO 8601 date. */
const ISO_DATE = /^\s*(?:19|20)\d{2}-\d{2}-\d{2}/;
/** Dates in visible text kept from one walk (the first ones in the document). */
const MAX_TEXT_DATES = 80;
/** Class or id of an element that states when the page was published. */
const DATE_CLASS = /date|datum|time|zeit|publish|posted|entry-meta|post-meta|article-meta|byline|dateline/i;
/** Longer texts that open with a date: a press release's "27.1.2022 - Bei der …". */
const LEADING_DATE_CHARS = 24;
/** Texts up to this length are read whole for a date. */
const WHOLE_DATE_CHARS = 400;

/** An element's attribute, also under the camelCase name some server renderers write ("dateTime"). */
export function attribute(el: DomElement, name: string, camel: string): string | undefined {
  return el.getAttribute(name) ?? el.getAttribute(camel) ?? undefined;
}

const SHORT_TEXT_CHARS = 200;

/** Text of an element when it is short (a dateline), else undefined. */
function shortText(el: DomElement): string | undefined {
  const text = textPrefix(el, SHORT_TEXT_CHARS + 1);
  return text.length <= SHORT_TEXT_CHARS ? text : undefined;
}

function textOf(el: DomElement): string {
  return (el.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** What visibleDate says of an element whose whole text is short and has no digit: no element inside it shows a date either. */
const NO_DIGITS = "";

/**
 * The date a small element shows: its whole text when short ("am <b>5.</b> Mai 2021"), the
 * opening of a longer one, or, in an element with many children, its own text between them
 * ("<a>Yngrid</a> · November 22, 2011 · <a>Email</a>"). NO_DIGITS (empty) is no date.
 */
function visibleDate(el: DomElement): string | undefined {
  if (hasMoreChildren(el, 3)) {
    let own = "";
    for (let child = el.firstChild; child; child = child.nextSibling) if (child.nodeType === 3) own += ` ${child.textContent ?? ""}`;
    return /\d{4}/.test(own) ? dateFromText(own) : undefined;
  }
  // Only small subtrees: a wrapper with few children may hold the whole page.
  for (let child = el.firstElementChild; child; child = child.nextElementSibling) if (hasMoreChildren(child, 3)) return undefined;
  let text = textPrefix(el, WHOLE_DATE_CHARS + 1);
  // Past the whole-text limit only the opening is read, which needs all the leading spaces.
  if (text.length > WHOLE_DATE_CHARS && text.trimStart().length < LEADING_DATE_CHARS) text = el.textContent ?? "";
  // Every date format has digits: most texts are ruled out before any parsing.
  if (!/\d/.test(text)) return text.length <= WHOLE_DATE_CHARS ? NO_DIGITS : undefined;
  const whole = text.length <= WHOLE_DATE_CHARS ? dateFromText(text) : undefined;
  if (whole) return whole;
  const opening = /^\s*\d/.test(text) ? text.trimStart().slice(0, LEADING_DATE_CHARS) : undefined;
  return opening ? dateFromText(opening) : undefined;
}

/** What the page's markup outside <head> says about its date, and where its visible dates are. */
export interface DateContext {
  /** Meta tags by lowercase name/property. */
  meta: ReadonlyMap<string, string>;
  jsonLdPublished?: string | undefined;
  jsonLdModified?: string | undefined;
  /** The page's canonical URL (or og:url, or the URL it was fetched from). */
  url?: string | undefined;
  documentTitle?: string | undefined;
  headings: readonly HeadingCandidate[];
  /** Titles the page declares, to find its headline among the headings. */
  declaredTitles: ReadonlyArray<string | undefined>;
  siteName?: string | undefined;
}

/** Where a stated date comes from. */
export type DateSource =
  | "json-ld" | "meta" | "itemprop" | "time" | "url" | "heading-link" | "class" | "title" | "text"
  | "json-ld-modified" | "meta-modified" | "class-modified";

/** One stated date and where it came from, for choosing among them and for reports. */
export interface DateCandidate {
  source: DateSource;
  value: string;
}

/**
 * How much each statement counts when the page's statements disagree on the day: the
 * declared publication date most, a visible dateline or a machine-readable date in the body
 * as much as two weaker hints, a modification date only in support (an article is often
 * updated on the day it appears).
 */
const WEIGHT: Record<DateSource, number> = {
  "json-ld": 3, meta: 3, itemprop: 2, time: 2, url: 2, text: 2,
  "heading-link": 1, class: 1, title: 1,
  "json-ld-modified": 0.5, "meta-modified": 0.5, "class-modified": 0.5,
};

/** Collects the date signals of the page's elements during the metadata walk. */
export class DateEvidence {
  private firstTimeDatetime: string | undefined;
  private itempropDate: string | undefined;
  /** A date in an element named like a dateline (class "date", "meta", "posted"…). */
  private classDate: string | undefined;
  /** The same, in an element named as a modification date ("updated"). */
  private classModifiedDate: string | undefined;
  /** A date in the permalink of a heading ("<h2><a href="/2020/01/13/post">"). */
  private headingLinkDate: string | undefined;
  /** Dates in short visible texts, with how many leaves came before them. */
  private readonly textDates: VisibleDate[] = [];

  /**
   * Reads one element's markup: `cls` is its class and id ("" when it has neither);
   * `afterHeading` is true once a heading has been seen.
   */
  visit(el: DomElement, cls: string, afterHeading: boolean, baseUrl: string | undefined): void {
    const tag = el.tagName;
    if (tag === "TIME" && !this.firstTimeDatetime) {
      const dt = attribute(el, "datetime", "dateTime");
      if (dt && !namesModification(el) && !datesSomethingElse(el)) this.firstTimeDatetime = dt;
    }
    if (!this.headingLinkDate && afterHeading && tag === "A" && el.parentElement && /^H[1-3]$/.test(el.parentElement.tagName)) {
      this.headingLinkDate = dateFromUrl(resolveUrl(el.getAttribute("href") ?? undefined, baseUrl ?? "http://page.invalid/"));
    }
    if (!this.itempropDate) {
      // Microdata (itemprop="datePublished") and RDFa (property="schema:dateCreated").
      const itemprop = attribute(el, "itemprop", "itemProp");
      const property = el.getAttribute("property");
      if ((itemprop || property) && PUBLISHED_PROPERTY.test(`${itemprop ?? ""} ${property ?? ""}`.toLowerCase())) {
        this.itempropDate = attribute(el, "datetime", "dateTime") ?? el.getAttribute("content") ?? textOf(el);
      }
    }
    if (!this.classDate && cls.length > 1 && DATE_CLASS.test(cls)) {
      // hAtom writes the instant in a title: <abbr class="published" title="2013-04-04T18:52:11+00:00">.
      const title = el.getAttribute("title");
      const text = el.getAttribute("datetime") ?? el.getAttribute("content") ?? (title && ISO_DATE.test(title) ? title : undefined) ?? shortText(el);
      const date = text ? dateFromText(text) : undefined;
      if (date && !datesSomethingElse(el)) {
        if (!showsModification(el, date, visibleDate)) this.classDate ??= date;
        else this.classModifiedDate ??= date;
      }
    }
  }

  /**
   * Reads the visible text of an element that holds text (not script, style or title);
   * `leaves` counts the leaf elements up to and including this one. Returns false when the
   * elements inside this one need not be read: its whole text is short and has no digit.
   */
  visitText(el: DomElement, leaves: number): boolean {
    if (this.textDates.length >= MAX_TEXT_DATES || (this.textDates.at(-1)?.leafAt ?? -1) >= leaves) return true;
    const iso = visibleDate(el);
    if (!iso) return iso !== NO_DIGITS;
    const weak = datesSomethingElse(el) || showsModification(el, iso, visibleDate);
    this.textDates.push(weak ? { leafAt: leaves, iso, weak } : { leafAt: leaves, iso });
    return true;
  }

  /** Every date the page states about itself, in the order they are trusted. */
  candidates(context: DateContext): DateCandidate[] {
    const { meta } = context;
    const metaDate = DATE_META_KEYS.map((key) => meta.get(key)).find((v) => v !== undefined);
    const textDate = dateAfterHeadline(this.textDates, context.headings, context.declaredTitles, context.siteName);
    const listed: Array<[DateSource, string | undefined]> = [
      ["json-ld", context.jsonLdPublished],
      ["meta", metaDate],
      ["itemprop", this.itempropDate],
      ["time", this.firstTimeDatetime],
      ["url", dateFromUrl(context.url)],
      ["heading-link", this.headingLinkDate],
      ["class", this.classDate],
      ["title", context.documentTitle ? dateFromText(context.documentTitle) : undefined],
      ["text", textDate],
      ["json-ld-modified", context.jsonLdModified],
      ["meta-modified", meta.get("article:modified_time")],
      ["class-modified", this.classModifiedDate],
    ];
    return listed.filter((c): c is [DateSource, string] => c[1] !== undefined).map(([source, value]) => ({ source, value }));
  }

  /**
   * The date the page was published, as normalizeDate states it: the calendar day most of
   * the page's statements name (by weight), stated as precisely as its most trusted source
   * of that day states it; undefined when the page states none.
   */
  published(context: DateContext): string | undefined {
    const dated: Array<{ source: DateSource; iso: string }> = [];
    for (const { source, value } of this.candidates(context)) {
      const iso = normalizeDate(value);
      if (iso) dated.push({ source, iso });
    }
    const weightOfDay = new Map<string, number>();
    for (const { source, iso } of dated) weightOfDay.set(iso.slice(0, 10), (weightOfDay.get(iso.slice(0, 10)) ?? 0) + WEIGHT[source]);
    const most = Math.max(...weightOfDay.values());
    return dated.find(({ iso }) => weightOfDay.get(iso.slice(0, 10)) === most)?.iso;
  }
}
