import { Readability } from "@mozilla/readability";
import { removeBoilerplate } from "./boilerplate.ts";
import type { DomDocument, DomElement } from "./dom.ts";
import { leadBeforeBody } from "./lead.ts";
import { proseRegion } from "./prose-region.ts";
import { cleanBlocks } from "./postclean.ts";
import { joinBlocks, type TextBlock, textBlocks } from "./text-blocks.ts";

export interface ContentOptions {
  /** Take page chrome out before content scoring (default true). */
  removeChrome?: boolean;
  /** Drop furniture lines after it (default true). */
  cleanLines?: boolean;
  /** Headline, so a copy of it inside the body can be dropped. */
  title?: string;
}

export interface ExtractedContent {
  text: string;
  blocks: TextBlock[];
  /** Paragraph-sized non-link text of the page before class-named chrome was removed (0 when not measured). */
  pageProse: number;
  /** Share of the content's characters inside links, before line cleaning. */
  linkShare: number;
  /** Readability's title guess (from <title>, separators handled). */
  readabilityTitle?: string;
  /** Readability's byline guess (rel=author, itemprop, byline-like classes). */
  readabilityByline?: string;
  /** Byline-looking lines the line cleaning took out of the body ("Von Max Muster"). */
  droppedBylines: string[];
  /** Dateline-looking lines it took out ("Veröffentlicht am 12.02.2024, 14:30 Uhr"). */
  droppedDatelines: string[];
}

/**
 * Main text of a parsed page: chrome removal, Readability's content scoring on the rest, then
 * the content turned into paragraph blocks and cleaned line by line. Mutates `doc`.
 */
export function extractContent(doc: DomDocument, options: ContentOptions = {}): ExtractedContent | undefined {
  let pageProse = 0;
  if (doc.body && options.removeChrome !== false) {
    pageProse = removeBoilerplate(doc.body);
  }
  // Page order of the blocks before content scoring moves them, to find the lead beside the body.
  const pageBlocks = doc.body ? textBlocks(doc.body) : [];
  const reader = new Readability<DomElement>(doc as unknown as ConstructorParameters<typeof Readability>[0], {
    // The content element itself: no serializing to HTML and parsing it again.
    serializer: (node) => node as unknown as DomElement,
    disableJSONLD: true,
  });
  const parsed = reader.parse();
  const content = parsed?.content;
  if (!parsed || !content) return undefined;

  const raw = textBlocks(content);
  let chars = 0;
  let linkChars = 0;
  for (const b of raw) {
    chars += b.text.length;
    linkChars += b.linkChars;
  }
  const droppedBylines: string[] = [];
  const droppedDatelines: string[] = [];
  const body =
    options.cleanLines === false
      ? raw
      : cleanBlocks(raw, {
          ...(options.title ? { title: options.title } : {}),
          onDrop: (block, rule) => {
            if (rule === "byline") droppedBylines.push(block.text);
            if (rule === "dateline") droppedDatelines.push(block.text);
          },
        });
  const lead = leadBeforeBody(pageBlocks, body, options.title);
  const blocks = lead.length === 0 ? body : [...(options.cleanLines === false ? lead : cleanBlocks(lead, { disabled: new Set(["tail"]) })), ...body];
  const result: ExtractedContent = {
    text: joinBlocks(blocks),
    blocks,
    linkShare: chars === 0 ? 0 : linkChars / chars,
    pageProse,
    droppedBylines,
    droppedDatelines,
  };
  if (parsed.title) result.readabilityTitle = parsed.title;
  if (parsed.byline) result.readabilityByline = parsed.byline;
  return result;
}

/**
 * Below this share of the page's prose, the text found may be a box beside the article (a
 * cookie notice, a signup form) chosen because chrome removal took a wrapper of the article.
 */
const SUSPICIOUSLY_SMALL = 0.4;
/**
 * Between 40 % and this share of the page's prose, the reading may be one box of an article
 * spread over several (page builders' columns): the page's prose region is read too.
 */
const PARTIAL = 0.6;
/** The prose region replaces the first reading when it is this much longer and holds most of it. */
const GAIN = 1.6;
const MAX_REGION_LINK_SHARE = 0.25;

/** The region widens the first reading rather than replacing it: it holds most of its blocks. */
function coversMost(text: string, blocks: readonly TextBlock[]): boolean {
  if (blocks.length === 0) return false;
  const held = blocks.filter((b) => text.includes(b.text)).length;
  return held >= 0.8 * blocks.length;
}

function widerReading(first: ExtractedContent, doc: DomDocument, options: ContentOptions): ExtractedContent | undefined {
  const blocks = cleanBlocks(proseRegion(doc), options.title ? { title: options.title } : {});
  const text = joinBlocks(blocks);
  let linkChars = 0;
  for (const b of blocks) linkChars += b.linkChars;
  if (text.length < GAIN * first.text.length || linkChars >= MAX_REGION_LINK_SHARE * text.length || !coversMost(text, first.blocks)) return undefined;
  return { ...first, text, blocks, linkShare: linkChars / text.length };
}

/**
 * The content of a page, checked against the page's prose: under 40 % of it, a second reading
 * without chrome removal wins when it is much larger; under 60 %, the prose region of the page
 * (see proseRegion) wins when it widens the first reading.
 * `reparse` gives a fresh copy of the page (the first reading mutates its document).
 */
export function extractContentChecked(doc: DomDocument, reparse: () => DomDocument, options: ContentOptions = {}): ExtractedContent | undefined {
  const first = extractContent(doc, options);
  const length = first?.text.length ?? 0;
  if (first && length < PARTIAL * first.pageProse && length >= SUSPICIOUSLY_SMALL * first.pageProse) {
    return (options.cleanLines === false ? undefined : widerReading(first, reparse(), options)) ?? first;
  }
  if (first && length >= SUSPICIOUSLY_SMALL * first.pageProse) return first;
  const second = extractContent(reparse(), { ...options, removeChrome: false });
  if (!second) return first;
  return length < SUSPICIOUSLY_SMALL * second.text.length ? second : first;
}
