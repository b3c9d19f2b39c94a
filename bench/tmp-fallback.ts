import { iterateAnnotatedPages } from "./lib/corpus-de.ts";
import { parseHtml } from "../src/adapters/extractor/dom.ts";
import { extractContent } from "../src/adapters/extractor/content.ts";
import { readMetadata } from "../src/adapters/extractor/metadata.ts";
import { scoreSnippets, snippetF1, sumCounts, type SnippetCounts } from "./lib/snippet-score.ts";
const ratio = Number(process.argv[2] ?? 0.4);
const a: SnippetCounts[] = [], b: SnippetCounts[] = [], c: SnippetCounts[] = [];
let switched = 0;
for (const p of iterateAnnotatedPages()) {
  const d1 = parseHtml(p.html); const m = readMetadata(d1);
  const A = extractContent(d1, m.title ? { title: m.title } : {})?.text ?? "";
  const d2 = parseHtml(p.html);
  const B = extractContent(d2, { removeChrome: false, ...(m.title ? { title: m.title } : {}) })?.text ?? "";
  const pick = A.length < ratio * B.length ? B : A;
  if (pick !== A) switched++;
  a.push(scoreSnippets(A, p.mustContain, p.mustNotContain));
  b.push(scoreSnippets(B, p.mustContain, p.mustNotContain));
  c.push(scoreSnippets(pick, p.mustContain, p.mustNotContain));
}
for (const [n, x] of [["A", a], ["B", b], ["pick", c]] as const) { const s = snippetF1(sumCounts(x)); console.log(n, s.f1.toFixed(3), s.precision.toFixed(3), s.recall.toFixed(3)); }
console.log("switched", switched);
