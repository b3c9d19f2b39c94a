import { iterateAnnotatedPages } from "./lib/corpus-de.ts";
import { parseHtml } from "../src/adapters/extractor/dom.ts";
import { extractContent } from "../src/adapters/extractor/content.ts";
import { removeBoilerplate } from "../src/adapters/extractor/boilerplate.ts";
const ids = new Set(process.argv.slice(2));
for (const p of iterateAnnotatedPages(undefined, ids)) {
  const d = parseHtml(p.html);
  const A = extractContent(d);
  console.log(p.id, "A", A?.text.length, "prose", A?.pageProse);
  const B = extractContent(parseHtml(p.html), { removeChrome: false });
  console.log("B", B?.text.length, B?.text.slice(0, 200));
  const d3 = parseHtml(p.html);
  removeBoilerplate(d3.body!, { onRemove: (el, r) => { const t = (el.textContent ?? "").length; if (t > 300) console.log("removed", el.tagName, el.className, el.id, r, t); } });
  const i = p.html.indexOf(p.mustContain[0]!.slice(0, 20)); console.log("snippet at", i, p.html.slice(Math.max(0, i - 300), i).replace(/\s+/g, " "));
}
