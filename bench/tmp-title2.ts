import { iterateAnnotatedPages } from "./lib/corpus-de.ts";
import { parseHtml } from "../src/adapters/extractor/dom.ts";
import { readMetadata } from "../src/adapters/extractor/metadata.ts";
const norm = (s: string | undefined) => (s ?? "").toLowerCase().replace(/\s+/g, " ").trim();
const words = (s: string) => new Set((s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []));
function dice(a: Set<string>, b: Set<string>) { if (!a.size || !b.size) return 0; let i = 0; for (const x of a) if (b.has(x)) i++; return (2 * i) / (a.size + b.size); }
function contain(a: Set<string>, b: Set<string>) { if (!a.size) return 0; let i = 0; for (const x of a) if (b.has(x)) i++; return i / a.size; }
let n = 0, ok = 0;
const mode = process.argv[2] ?? "";
for (const page of iterateAnnotatedPages()) {
  if (!page.title) continue;
  n++;
  const doc = parseHtml(page.html);
  const meta = readMetadata(doc);
  const docTitle = (doc.querySelector("title")?.textContent ?? "").replace(/\s+/g, " ").trim();
  const refs = [meta.title, docTitle].filter((x): x is string => !!x).map(words);
  const hs = doc.querySelectorAll("h1,h2,h3");
  let best: { text: string; score: number } | undefined;
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    const texts = [(h.textContent ?? "").replace(/\s+/g, " ").trim()];
    const kids = h.children; let nonEmpty = 0;
    for (let k = 0; k < kids.length; k++) if ((kids[k]!.textContent ?? "").trim().length > 1) nonEmpty++;
    if (nonEmpty >= 2) for (let k = 0; k < kids.length; k++) texts.push((kids[k]!.textContent ?? "").replace(/\s+/g, " ").trim());
    for (const text of texts) {
    if (text.length < 2 || text.length > 300) continue;
    const w = words(text);
    let sim = 0;
    for (const r of refs) sim = Math.max(sim, Math.min(contain(w, r), 1) * 0.6 + dice(w, r) * 0.4);
    const tagW = h.tagName === "H1" ? 0.15 : h.tagName === "H2" ? 0.05 : 0;
    const score = sim + tagW - i * 0.002;
    if (!best || score > best.score + 0.01) best = { text, score };
  }}
  let chosen = best && best.score >= 0.55 ? best.text : meta.title ?? docTitle;
  const good = norm(chosen) === norm(page.title);
  if (good) ok++;
  else if (mode === "show") console.log(JSON.stringify(page.title), "<>", JSON.stringify(chosen), best?.score.toFixed(2));
}
console.log(n, ok, (ok / n).toFixed(3));
