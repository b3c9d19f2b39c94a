import type { Article } from "../../core/article.ts";
import { hostOf } from "../../core/canonical-url.ts";
import { UserFacingError } from "../../core/errors.ts";
import type { ArticleExtractor } from "../../core/ports.ts";
import { NOT_ARTICLE_MESSAGE } from "../../core/article-gate.ts";
import { assessArticle } from "./assess.ts";
import { chooseFrom, fullerForm } from "./byline-choice.ts";
import { normalizeDate } from "./dates.ts";
import { extractContentChecked } from "./content.ts";
import { parseHtml } from "./dom.ts";
import { articleFromText, truncate } from "./from-text.ts";
import { collapseTitle, headlineFromHeadings, normalizeTitleText, stripSiteName, stripSiteSuffix } from "./headline.ts";
import { resolveLanguage } from "./language.ts";
import { type PageMetadata, readMetadata } from "./metadata.ts";
import { wordCount } from "./postclean.ts";
import { joinBlocks, textBlocks } from "./text-blocks.ts";

const EXCERPT_CHARS = 300;

/**
 * The visible heading that matches the declared title; else the first <h1> unless it is only the
 * site's logo text (a declared title no heading shows is often written for search engines, while
 * the <h1> is the headline a reader sees); then the declared headline; then the document <title>
 * as Readability cleans it.
 */
function chooseTitle(metadata: PageMetadata, readabilityTitle: string | undefined): string {
  const fromHeading = headlineFromHeadings(metadata.headings, [metadata.title, metadata.documentTitle && stripSiteSuffix(metadata.documentTitle)], metadata.siteName, metadata.documentTitle);
  if (fromHeading) return fromHeading;
  const heading = metadata.heading;
  const headingIsLogo = heading !== undefined && (wordCount(heading) < 3 || heading.toLowerCase() === metadata.siteName?.toLowerCase());
  const candidate = (heading && !headingIsLogo ? heading : undefined) ?? metadata.title ?? readabilityTitle ?? heading ?? "";
  return stripSiteSuffix(stripSiteName(collapseTitle(candidate), metadata.siteName));
}

/** A person the page names; then Readability's guess and "Von …" lines; then a newsroom or organization. */
function chooseByline(metadata: PageMetadata, readabilityByline: string | undefined, droppedBylines: readonly string[]): string | undefined {
  if (metadata.byline) return metadata.byline;
  const candidates = [readabilityByline, ...droppedBylines].filter((v): v is string => !!v).map((value) => ({ value, kind: "visible" as const }));
  const visible = chooseFrom(candidates, metadata.siteNames);
  if (visible.person) return fullerForm(visible.person, metadata.authorTexts, metadata.siteNames);
  return metadata.fallbackByline ?? visible.team;
}

function firstDate(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const iso = normalizeDate(line);
    if (iso) return iso;
  }
  return undefined;
}

function siteNameFromUrl(url: string | undefined): string | undefined {
  return url ? hostOf(url) || undefined : undefined;
}

function extractHtml(html: string, baseUrl?: string): Article {
  const doc = parseHtml(html);
  if (!doc.documentElement || !doc.body) throw new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
  const metadata = readMetadata(doc, baseUrl);
  const content = extractContentChecked(doc, () => parseHtml(html), metadata.title ? { title: metadata.title } : {});
  if (!content || content.text.trim().length === 0) return pageWithoutArticle(html, metadata, baseUrl);
  const assessment = assessArticle({
    words: wordCount(content.text),
    text: content.text,
    linkShare: content.linkShare,
    html,
    metadata,
    ...(baseUrl ? { baseUrl } : {}),
  });

  const article: Article = {
    title: normalizeTitleText(chooseTitle(metadata, content.readabilityTitle)),
    text: content.text,
    language: resolveLanguage(content.text, metadata.declaredLanguage),
    assessment,
  };
  const byline = chooseByline(metadata, content.readabilityByline, content.droppedBylines);
  if (byline) article.byline = byline;
  const siteName = metadata.siteName ?? siteNameFromUrl(metadata.url ?? baseUrl);
  if (siteName) article.siteName = siteName;
  const publishedAt = metadata.publishedAt ?? firstDate(content.droppedDatelines);
  if (publishedAt) article.publishedAt = publishedAt;
  if (metadata.url) article.url = metadata.url;
  const firstParagraph = content.blocks[0]?.text;
  const excerpt = metadata.excerpt ?? firstParagraph;
  if (excerpt) article.excerpt = truncate(excerpt, EXCERPT_CHARS);
  if (!article.title) article.title = truncate(firstParagraph ?? "", 100);
  return article;
}

/**
 * A page whose text the content stage rejects wholesale (a homepage of headlines, a link list):
 * its visible text is still reported, assessed `not_article`, so `extract` reports and the
 * summarizer refuses.
 */
function pageWithoutArticle(html: string, metadata: PageMetadata, baseUrl: string | undefined): Article {
  const body = parseHtml(html).body;
  const text = body ? joinBlocks(textBlocks(body)) : "";
  if (text.trim().length === 0) throw new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
  const article: Article = {
    title: chooseTitle(metadata, metadata.documentTitle),
    text,
    language: resolveLanguage(text, metadata.declaredLanguage),
    assessment: "not_article",
  };
  const siteName = metadata.siteName ?? siteNameFromUrl(metadata.url ?? baseUrl);
  if (siteName) article.siteName = siteName;
  if (metadata.publishedAt) article.publishedAt = metadata.publishedAt;
  if (metadata.url) article.url = metadata.url;
  return article;
}

/**
 * Article extraction: Readability on linkedom, with page chrome removed before scoring, the
 * content cleaned line by line after it, and metadata from JSON-LD, OpenGraph, meta tags,
 * microdata and <time>.
 */
export function createArticleExtractor(): ArticleExtractor {
  return {
    extractHtml: (html, baseUrl) => extractHtml(html, baseUrl),
    fromText: (text) => articleFromText(text),
  };
}
