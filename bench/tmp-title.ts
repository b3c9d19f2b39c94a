import { iterateAnnotatedPages } from "./lib/corpus-de.ts";
import { parseHtml } from "../src/adapters/extractor/dom.ts";
import { readMetadata } from "../src/adapters/extractor/metadata.ts";
const norm = (s: string | undefined) => (s ?? "").toLowerCase().replace(/\s+/g, " ").trim();
const hits: Record<string, number> = {};
let n = 0;
let oracle = 0;
for (const page of iterateAnnotatedPages()) {
  if (!page.title) continue;
  n++;
  const doc = parseHtml(page.html);
  const meta = readMetadata(doc);
  const t = norm(page.title);
  const cands: Record<string, string | undefined> = {
    meta: meta.title,
    h1first: doc.querySelector("h1")?.textContent ?? undefined,
    title: doc.querySelector("title")?.textContent ?? undefined,
    h2first: doc.querySelector("h2")?.textContent ?? undefined,
  };
  const hs = doc.querySelectorAll("h1,h2,h3");
  let anyH = false;
  for (let i = 0; i < hs.length; i++) if (norm(hs[i]?.textContent ?? "") === t) anyH = true;
  cands.anyHeading = anyH ? page.title : undefined;
  const titleParts = (cands.title ?? "").split(/\s+[|–—:»›-]\s+|\s+[|·•]\s*/);
  cands.titlePart = titleParts.some((p) => norm(p) === t) ? page.title : undefined;
  let any = false;
  for (const [k, v] of Object.entries(cands)) if (norm(v) === t) { hits[k] = (hits[k] ?? 0) + 1; any = true; }
  if (any) oracle++;
  else if (process.argv[2]) console.log(JSON.stringify(page.title), "|", JSON.stringify(cands.meta), "|", JSON.stringify(cands.h1first?.trim().slice(0,80)), "|", JSON.stringify(cands.title?.trim().slice(0,80)));
}
console.log(n, hits, "oracle", oracle);
