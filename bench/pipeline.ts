/**
 * Pipeline overhead without the model: fetch from a loopback server through the SSRF guard,
 * extract, validate a brief against the schema, render the Discord embeds and the CLI text.
 * Run: npx node bench/pipeline.ts
 */
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import { renderBriefText } from "../src/cli/render-text.ts";
import { BriefSchema, type BriefResult } from "../src/core/brief.ts";
import { createExtractiveEngine } from "../src/core/extractive/engine.ts";
import { renderBriefEmbeds } from "../src/discord/render-brief.ts";
import { startTestServer } from "../test/support/http-server.ts";
import { extractionCorpusAvailable, loadExtractionCorpus } from "./lib/corpus.ts";
import { formatRows, percentile, round, type BenchRow } from "./lib/table.ts";

const FIXTURE = fileURLToPath(new URL("../test/fixtures/cli/article-de.html", import.meta.url));

export async function runPipelineBench(options: { pages?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const pages: Array<{ path: string; body: Uint8Array | string; type: string }> = [
    { path: "/fixture", body: readFileSync(FIXTURE), type: "text/html; charset=windows-1252" },
  ];
  if (extractionCorpusAvailable()) {
    for (const page of loadExtractionCorpus().slice(0, options.pages ?? 40)) {
      pages.push({ path: `/corpus/${page.id}`, body: page.html, type: "text/html; charset=utf-8" });
    }
  }
  const server = await startTestServer(
    Object.fromEntries(pages.map((p) => [p.path, { headers: { "content-type": p.type }, body: p.body }])),
  );
  const fetcher = createPageFetcher({
    allowPrivate: ["127.0.0.1"],
    timeoutMs: 10_000,
    connectTimeoutMs: 2_000,
    maxBytes: 5_000_000,
    userAgent: "marketbrief-bench",
  });
  const extractor = createArticleExtractor();
  const symbols = loadSymbolDirectory();
  const extractive = createExtractiveEngine({ symbols });
  const overhead: number[] = [];
  const extractiveTotal: number[] = [];
  let failures = 0;
  try {
    const rounds = options.rounds ?? 3;
    for (let round = 0; round < rounds; round++) {
      for (const page of pages) {
        const started = performance.now();
        try {
          const fetched = await fetcher.fetch(`${server.url}${page.path}`);
          const article = extractor.extractHtml(fetched.body, fetched.url);
          const afterExtract = performance.now();
          const output = await extractive.summarize({ article, language: "en" });
          const summarizeMs = performance.now() - afterExtract;
          const result: BriefResult = {
            source: { url: fetched.url, title: article.title, language: article.language },
            brief: BriefSchema.parse(output.brief),
            language: "en",
            engine: "extractive",
            cached: false,
            warnings: output.warnings,
          };
          renderBriefEmbeds(result);
          renderBriefText(result);
          const total = performance.now() - started;
          // Overhead excludes the brief engine itself (the model's place in the pipeline).
          overhead.push(total - summarizeMs);
          extractiveTotal.push(total);
        } catch {
          failures++;
        }
      }
    }
  } finally {
    await server.close();
  }
  overhead.sort((a, b) => a - b);
  extractiveTotal.sort((a, b) => a - b);
  const median = percentile(overhead, 50);
  return [
    { metric: "pages x rounds", value: overhead.length, unit: "runs", target: "", pass: "" },
    { metric: "not an article / failed", value: failures, unit: "runs", target: "", pass: "" },
    { metric: "overhead median (fetch+extract+validate+render)", value: round(median), unit: "ms", target: "< 50", pass: median < 50 },
    { metric: "overhead p95", value: round(percentile(overhead, 95)), unit: "ms", target: "", pass: "" },
    { metric: "with extractive engine, median", value: round(percentile(extractiveTotal, 50)), unit: "ms", target: "", pass: "" },
    { metric: "with extractive engine, p95", value: round(percentile(extractiveTotal, 95)), unit: "ms", target: "", pass: "" },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatRows(await runPipelineBench())}\n`);
}
