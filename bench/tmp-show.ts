import { iterateAnnotatedPages } from "./lib/corpus-de.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
const ids = new Set(process.argv.slice(2));
const ex = createArticleExtractor();
for (const p of iterateAnnotatedPages(undefined, ids)) {
  const a = ex.extractHtml(p.html);
  console.log("=====", p.id, p.url, a.assessment, "\nMUST:", p.mustContain.map((s) => s.slice(0, 80)).join(" || "), "\nGOT:", a.text.slice(0, 600).replace(/\n+/g, " / "));
}
