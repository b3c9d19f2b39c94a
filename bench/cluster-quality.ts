/**
 * Same-story clustering quality on the labelled reports (test/fixtures/cluster): pairwise
 * precision and recall of "same story", per input the clusterer gets, and the time it takes.
 */
import { performance } from "node:perf_hooks";
import { scoreClustering, type ReportInput } from "../test/support/cluster-eval.ts";
import { formatRows, round, type BenchRow } from "./lib/table.ts";

const BASE = new Date(Date.UTC(2026, 1, 19, 6));
const rows: BenchRow[] = [];
for (const input of ["title", "title+teaser", "title+teaser+text"] as ReportInput[]) {
  const started = performance.now();
  const runs = 20;
  let scores = scoreClustering(input, BASE);
  for (let i = 1; i < runs; i += 1) scores = scoreClustering(input, BASE);
  const ms = (performance.now() - started) / runs;
  rows.push(
    { metric: `${input}: recall (same-event pairs merged of ${scores.samePairs})`, value: round(scores.recall, 3), unit: "", target: ">= 0.9", pass: scores.recall >= 0.9 },
    { metric: `${input}: precision`, value: round(scores.precision, 3), unit: "", target: "1.0", pass: scores.precision === 1 },
    { metric: `${input}: different-event pairs merged of ${scores.differentPairs}`, value: scores.falsePositives, unit: "pairs", target: "0", pass: scores.falsePositives === 0 },
    { metric: `${input}: time for the whole set`, value: round(ms, 2), unit: "ms", target: "", pass: "" },
  );
}
process.stdout.write(`${formatRows(rows)}\n`);
