import { iterateAnnotatedPages, splitOf } from "./lib/corpus-de.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
const ex = createArticleExtractor();
const c = (s: string) => s.replace(/\s+/g, " ").trim();
const mode = process.argv[2] ?? "fp";
for (const p of iterateAnnotatedPages()) {
  if (splitOf(p.id) !== "dev") continue;
  let t = ""; try { t = c(ex.extractHtml(p.html).text); } catch {}
  const list = mode === "fp" ? p.mustNotContain.filter((s) => t.includes(c(s))) : p.mustContain.filter((s) => !t.includes(c(s)));
  for (const s of list) {
    const i = mode === "fp" ? t.indexOf(c(s)) : -1;
    console.log(p.id, JSON.stringify(s.slice(0, 90)), mode === "fp" ? `@${i}/${t.length}` : "");
  }
}
