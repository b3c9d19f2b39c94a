/**
 * Development report on ../shared/corpus/extraction-de: scores per split (dev / holdout) and,
 * with --show title|date|author|text, the pages that miss.
 *
 *   npx node bench/annotated-dev.ts ["marketbrief extract"] [--show date] [--split dev]
 */
import { annotatedEntries, extractionDeAvailable } from "./lib/corpus-de.ts";
import { evaluateAll, summarize } from "./lib/annotated-eval.ts";
import { EXTRACTORS } from "./lib/extractors.ts";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const name = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "marketbrief extract";
if (!extractionDeAvailable()) {
  console.error("no ../shared/corpus/extraction-de");
  process.exit(0);
}
const factory = EXTRACTORS[name];
if (!factory) throw new Error(`unknown extractor ${name}`);
const results = evaluateAll(factory());
for (const split of ["dev", "holdout", undefined] as const) {
  const s = summarize(split ? results.filter((r) => r.split === split) : results);
  console.log(
    `${(split ?? "all").padEnd(8)} pages ${s.pages} F1 ${s.f1.toFixed(3)} P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} de ${s.f1De.toFixed(3)} title ${(s.titleAccuracy * 100).toFixed(1)} date ${(s.dateAccuracy * 100).toFixed(1)} author ${(s.authorAccuracy * 100).toFixed(1)} empty ${s.withoutText}`,
  );
}
const times = results.map((r) => r.ms).toSorted((a, b) => a - b);
console.log(`median ${times[Math.floor(times.length / 2)]?.toFixed(1)} ms p95 ${times[Math.floor(times.length * 0.95)]?.toFixed(1)} ms`);
const show = flag("--show");
const splitFilter = flag("--split");
if (show) {
  const expected = new Map(annotatedEntries().map((e) => [e.id, e]));
  for (const r of results) {
    if (splitFilter && r.split !== splitFilter) continue;
    const miss = show === "text" ? r.counts.fn + r.counts.fp > 0 : r[show as "title" | "date" | "author"] === false;
    if (!miss) continue;
    const e = r.extraction;
    const want = expected.get(r.id);
    const got = show === "title" ? e.title : show === "date" ? e.publishedAt : e.byline;
    const wanted = show === "title" ? want?.title : show === "date" ? want?.date : want?.author;
    console.log(`${r.id} ${show === "text" ? `fn=${r.counts.fn} fp=${r.counts.fp} tp=${r.counts.tp} words=${e.text.split(/\s+/).length}` : `${JSON.stringify(got)} (want ${JSON.stringify(wanted)})`}`);
  }
}
