import { readFileSync } from "node:fs";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
const ex = createArticleExtractor();
for (const f of process.argv.slice(2)) { try { const a = ex.extractHtml(readFileSync(f, "latin1").includes("windows-1252") ? readFileSync(f, "latin1") : readFileSync(f, "utf8")); console.log(f, JSON.stringify({ ...a, text: a.text.slice(0, 300) })); } catch (e) { console.log(f, String(e)); } }
