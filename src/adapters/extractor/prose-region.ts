import { measureProse, removeBoilerplate } from "./boilerplate.ts";
import type { DomDocument, DomElement } from "./dom.ts";
import { textBlocks, type TextBlock } from "./text-blocks.ts";

/** The region must hold this share of the page's prose. */
const REGION_SHARE = 0.7;

/**
 * The innermost element that still holds most of the page's prose once chrome is gone: where
 * the article is when its paragraphs are spread over several boxes (page builders' columns and
 * widgets) and content scoring took only one of them. Mutates `doc`.
 */
export function proseRegion(doc: DomDocument): TextBlock[] {
  const body = doc.body;
  if (!body) return [];
  removeBoilerplate(body);
  const { prose, total } = measureProse(body);
  if (total === 0) return [];
  let region: DomElement = body;
  for (;;) {
    let next: DomElement | undefined;
    for (let child = region.firstElementChild; child; child = child.nextElementSibling) {
      if ((prose.get(child) ?? 0) >= REGION_SHARE * total) next = child;
    }
    if (!next) break;
    region = next;
  }
  return textBlocks(region);
}
