import { Readability } from "@mozilla/readability";
import { DOMParser } from "linkedom";
import { createArticleExtractor } from "../../src/adapters/extractor/index.ts";
import type { DomElement } from "../../src/adapters/extractor/dom.ts";
import { joinBlocks, textBlocks } from "../../src/adapters/extractor/text-blocks.ts";
import { type ContentOptions, extractContent } from "../../src/adapters/extractor/content.ts";
import { parseHtml } from "../../src/adapters/extractor/dom.ts";
import { readMetadata } from "../../src/adapters/extractor/metadata.ts";

/** What one extractor made of one page. Throwing counts as an empty extraction. */
export interface Extraction {
  text: string;
  title?: string;
  byline?: string;
  publishedAt?: string;
}

export type ExtractFn = (html: string, url: string) => Extraction;

function readabilityBaseline(blockText: boolean): ExtractFn {
  return (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const parsed = new Readability<DomElement>(doc as unknown as ConstructorParameters<typeof Readability>[0], {
      serializer: (node) => node as unknown as DomElement,
    }).parse();
    if (!parsed?.content) return { text: "" };
    const out: Extraction = {
      text: blockText ? joinBlocks(textBlocks(parsed.content)) : (parsed.textContent ?? ""),
    };
    if (parsed.title) out.title = parsed.title;
    if (parsed.byline) out.byline = parsed.byline;
    if (parsed.publishedTime) out.publishedAt = parsed.publishedTime;
    return out;
  };
}

/**
 * The extractor as `extract --json` runs it (`gated` false) or as the bot uses it (`gated`: pages
 * assessed paywalled or not_article are refused, scored as empty).
 */
function marketbrief(gated: boolean): ExtractFn {
  const extractor = createArticleExtractor();
  return (html, url) => {
    const article = extractor.extractHtml(html, url || undefined);
    const refused = gated && (article.assessment === "paywalled" || article.assessment === "not_article");
    const out: Extraction = { text: refused ? "" : article.text, title: article.title };
    if (article.byline) out.byline = article.byline;
    if (article.publishedAt) out.publishedAt = article.publishedAt;
    return out;
  };
}

/** The text stage alone, without the paywall / not-article gate, with parts switched off. */
function marketbriefText(options: ContentOptions = {}): ExtractFn {
  return (html, url) => {
    const doc = parseHtml(html);
    const metadata = readMetadata(doc, url);
    const content = extractContent(doc, { ...options, ...(metadata.title ? { title: metadata.title } : {}) });
    const out: Extraction = { text: content?.text ?? "" };
    if (metadata.title) out.title = metadata.title;
    if (metadata.byline) out.byline = metadata.byline;
    if (metadata.publishedAt) out.publishedAt = metadata.publishedAt;
    return out;
  };
}

/** Extractors the benchmark knows, by the name shown in its table. */
export const EXTRACTORS: Record<string, () => ExtractFn> = {
  "readability+linkedom": () => readabilityBaseline(false),
  "readability+linkedom (block text)": () => readabilityBaseline(true),
  "marketbrief text, no chrome removal": () => marketbriefText({ removeChrome: false }),
  "marketbrief text, no line cleaning": () => marketbriefText({ cleanLines: false }),
  "marketbrief text (no paywall/not-article gate)": () => marketbriefText(),
  "marketbrief extract": () => marketbrief(false),
  marketbrief: () => marketbrief(true),
};

/** The comparison the benchmark prints by default; the "no …" ablations run on request (--ablations). */
export const DEFAULT_EXTRACTORS = [
  "readability+linkedom",
  "readability+linkedom (block text)",
  "marketbrief extract",
  "marketbrief",
];
