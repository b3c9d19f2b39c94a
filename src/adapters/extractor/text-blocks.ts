import { type DomElement, type DomNode, ELEMENT_NODE, TEXT_NODE } from "./dom.ts";

/** Elements whose boundaries separate paragraphs. */
export const BLOCK_TAGS = new Set([
  "ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "CAPTION", "DD", "DETAILS", "DIV", "DL", "DT",
  "FIELDSET", "FIGCAPTION", "FIGURE", "FOOTER", "FORM", "H1", "H2", "H3", "H4", "H5", "H6",
  "HEADER", "HR", "LI", "MAIN", "NAV", "OL", "P", "PRE", "SECTION", "SUMMARY", "TABLE", "TBODY",
  "TD", "TFOOT", "TH", "THEAD", "TR", "UL",
]);

const SKIP_TAGS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "BUTTON", "SELECT", "TEXTAREA"]);

export interface TextBlock {
  /** Tag of the innermost block element the text sits in. */
  tag: string;
  text: string;
  /** The block element the text came from. */
  element: DomElement;
  /** Characters of `text` that sit inside links. */
  linkChars: number;
}

/**
 * Turns an element into text blocks, one per paragraph-level element, with whitespace
 * collapsed. Unlike textContent, block boundaries never glue two words together.
 */
export function textBlocks(root: DomElement): TextBlock[] {
  const blocks: TextBlock[] = [];
  let parts: string[] = [];
  let linkChars = 0;
  let owner: DomElement = root;

  const flush = (): void => {
    if (parts.length === 0) return;
    const text = parts.join("").replace(/[ \t\f\r\u00a0\u200b]*\n[ \t\f\r\u00a0\u200b]*/g, "\n").replace(/[ \t\f\r\u00a0\u200b]+/g, " ").trim();
    parts = [];
    if (text.length > 0) blocks.push({ tag: owner.tagName, text, element: owner, linkChars: Math.min(linkChars, text.length) });
    linkChars = 0;
  };

  const walk = (node: DomNode, blockOwner: DomElement, inLink: boolean): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === TEXT_NODE) {
        const value = child.textContent ?? "";
        if (value.length > 0) {
          if (parts.length === 0) owner = blockOwner;
          const collapsed = value.replace(/\s+/g, " ");
          parts.push(collapsed);
          if (inLink) linkChars += collapsed.trim().length;
        }
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as DomElement;
      const tag = el.tagName;
      if (SKIP_TAGS.has(tag)) continue;
      if (tag === "BR") {
        if (parts.length > 0) parts.push("\n");
        continue;
      }
      if (BLOCK_TAGS.has(tag)) {
        flush();
        walk(el, el, inLink);
        flush();
      } else {
        walk(el, blockOwner, inLink || tag === "A");
      }
    }
  };

  walk(root, root, false);
  flush();
  return blocks;
}

export function joinBlocks(blocks: readonly TextBlock[]): string {
  return blocks.map((b) => b.text).join("\n\n");
}
