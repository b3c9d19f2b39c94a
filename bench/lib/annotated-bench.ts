import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type AnnotatedResult, type AnnotatedSummary, evaluateAll, summarize } from "./annotated-eval.ts";
import { EXTRACTION_DE_DIR, extractionDeAvailable } from "./corpus-de.ts";
import { EXTRACTORS } from "./extractors.ts";
import { percentile } from "./table.ts";

/** Extractors compared on the annotated German-heavy set. */
export const ANNOTATED_EXTRACTORS = ["readability+linkedom", "marketbrief extract", "marketbrief"];

export interface AnnotatedRow extends AnnotatedSummary {
  extractor: string;
  f1Holdout: number;
  medianMs: number;
  p95Ms: number;
}

/** Runs one extractor over the set in this process (the child's side of runAnnotatedBench). */
export function annotatedWorker(name: string, dir: string = EXTRACTION_DE_DIR): AnnotatedRow {
  const factory = EXTRACTORS[name];
  if (!factory) throw new Error(`unknown extractor "${name}"`);
  const results: AnnotatedResult[] = evaluateAll(factory(), dir);
  const s = summarize(results);
  const holdout = summarize(results.filter((r) => r.split === "holdout"));
  const times = results.map((r) => r.ms).toSorted((a, b) => a - b);
  return {
    extractor: name,
    pages: s.pages,
    f1: s.f1,
    precision: s.precision,
    recall: s.recall,
    f1De: s.f1De,
    pagesDe: s.pagesDe,
    f1Holdout: holdout.f1,
    titleAccuracy: s.titleAccuracy,
    dateAccuracy: s.dateAccuracy,
    authorAccuracy: s.authorAccuracy,
    withoutText: s.withoutText,
    medianMs: percentile(times, 50),
    p95Ms: percentile(times, 95),
  };
}

/** Each extractor in its own child process (`self --worker-de NAME`); [] when the set is absent. */
export async function runAnnotatedBench(self: string, names: readonly string[] = ANNOTATED_EXTRACTORS, log: (line: string) => void = console.error): Promise<AnnotatedRow[]> {
  if (!extractionDeAvailable()) {
    log(`annotated extraction bench skipped: no corpus at ${EXTRACTION_DE_DIR} (it lives in ../shared/corpus/extraction-de)`);
    return [];
  }
  const rows: AnnotatedRow[] = [];
  for (const name of names) {
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, [self, "--worker-de", name], { maxBuffer: 64 * 1024 * 1024 });
    const row = JSON.parse(stdout) as AnnotatedRow;
    rows.push(row);
    log(`${name} (extraction-de): ${row.pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return rows;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

export function formatAnnotatedTable(rows: readonly AnnotatedRow[]): string {
  const header = ["extractor", "pages", "F1", "precision", "recall", "F1 de (n)", "F1 holdout", "title", "date", "author", "no text", "median ms", "p95 ms"];
  const body = rows.map((r) => [
    r.extractor,
    String(r.pages),
    r.f1.toFixed(3),
    r.precision.toFixed(3),
    r.recall.toFixed(3),
    `${r.f1De.toFixed(3)} (${r.pagesDe})`,
    r.f1Holdout.toFixed(3),
    pct(r.titleAccuracy),
    pct(r.dateAccuracy),
    pct(r.authorAccuracy),
    String(r.withoutText),
    r.medianMs.toFixed(1),
    r.p95Ms.toFixed(1),
  ]);
  const lines = [header, ...body];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  return [fmt(header), `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...body.map(fmt)].join("\n");
}
