/**
 * Fabrication suite: the real pages of ../shared/corpus (seeds and extraction pages) and the
 * project's own fixtures, summarized through the real summarizer and OpenAI engine against the
 * local stand-in, which answers faithfully (only the article's own statements) or with one kind
 * of fabrication injected into its first answer (repairs are answered faithfully). Per kind:
 * fabrications injected, fabrications that reached the output (target 0), faithful items
 * removed (target < 1 %), extra model requests, and the verifier's time per brief.
 * Run: npx node bench/fabrication.ts [--pages N]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
import { createOpenAiEngine } from "../src/adapters/llm/openai-engine.ts";
import { openSqliteStore } from "../src/adapters/store/sqlite-store.ts";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import type { Article } from "../src/core/article.ts";
import { createExtractiveEngine } from "../src/core/extractive/engine.ts";
import type { PageFetcher } from "../src/core/ports.ts";
import { createSummarizer, type SummarizeInput } from "../src/core/summarize.ts";
import { articleFacts } from "../src/core/verify/article-facts.ts";
import { verifyBrief } from "../src/core/verify/verify-brief.ts";
import { articleOf, fabricate, FABRICATION_KINDS, type FabricationKind, faithfulBrief, isRepair } from "../test/support/brief-fabrication.ts";
import { startOpenAiServer, type RecordedRequest } from "../test/support/openai-server.ts";
import { extractionCorpusAvailable, iterateExtractionCorpus } from "./lib/corpus.ts";
import { percentile, round } from "./lib/table.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SEEDS = join(ROOT, "../shared/corpus/seeds");
const FIXTURE_DIRS = ["test/fixtures/extractive", "test/fixtures/cli", "test/fixtures/pages", "test/fixtures/discord"].map((d) => join(ROOT, d));

interface Page {
  name: string;
  input: SummarizeInput;
}

function pages(limit: number): Page[] {
  const list: Page[] = [];
  const add = (path: string) => {
    const name = path.slice(ROOT.length);
    if (path.endsWith(".txt")) list.push({ name, input: { kind: "text", text: readFileSync(path, "utf8"), name } });
    else if (path.endsWith(".html")) list.push({ name, input: { kind: "html", html: readFileSync(path, "latin1"), name } });
  };
  if (existsSync(SEEDS)) for (const f of readdirSync(SEEDS).toSorted()) add(join(SEEDS, f));
  for (const dir of FIXTURE_DIRS) if (existsSync(dir)) for (const f of readdirSync(dir).toSorted()) add(join(dir, f));
  if (extractionCorpusAvailable()) {
    let n = 0;
    for (const page of iterateExtractionCorpus()) {
      if (n++ >= limit) break;
      list.push({ name: `corpus/${page.id}`, input: { kind: "html", html: page.html, name: page.id } });
    }
  }
  return list;
}

/** The stand-in learns the kind to inject from the model name ("bench-wrong-role"). */
function kindOf(request: RecordedRequest): FabricationKind | undefined {
  const kind = request.body.model.replace(/^bench-/, "");
  return (FABRICATION_KINDS as readonly string[]).includes(kind) ? (kind as FabricationKind) : undefined;
}

interface KindStats {
  briefs: number;
  injected: number;
  reached: number;
  faithfulItems: number;
  faithfulRemoved: number;
  extraRequests: number;
  fallbacks: number;
}

async function main(): Promise<void> {
  const limitArg = process.argv.indexOf("--pages");
  const limit = limitArg >= 0 ? Number(process.argv[limitArg + 1]) : 200;
  const symbols = loadSymbolDirectory();
  const extractor = createArticleExtractor();
  const llm = await startOpenAiServer({
    schemas: {
      brief: (request) => {
        const article = articleOf(request);
        const faithful = faithfulBrief(article, symbols);
        const kind = kindOf(request);
        if (kind === undefined || isRepair(request)) return faithful;
        return fabricate(kind, article, faithful, symbols)?.brief ?? faithful;
      },
    },
  });
  const noFetch: PageFetcher = { fetch: () => Promise.reject(new Error("no fetching in this benchmark")) };
  const summarizerFor = (model: string) =>
    createSummarizer({
      fetcher: noFetch,
      extractor,
      extractive: createExtractiveEngine({ symbols }),
      llm: createOpenAiEngine({ apiKey: "bench", baseURL: llm.url, model, timeoutMs: 30_000, maxInputTokens: 6_000 }),
      store: openSqliteStore(":memory:"),
      symbols,
    });

  const all = pages(limit);
  const articles = new Map<string, Article>();
  const verifyMs: number[] = [];
  const indexMs: number[] = [];
  const stats = new Map<string, KindStats>();
  for (const kind of ["faithful", ...FABRICATION_KINDS]) {
    const s: KindStats = { briefs: 0, injected: 0, reached: 0, faithfulItems: 0, faithfulRemoved: 0, extraRequests: 0, fallbacks: 0 };
    stats.set(kind, s);
    const summarizer = summarizerFor(`bench-${kind}`);
    for (const page of all) {
      let article = articles.get(page.name);
      if (article === undefined) {
        try {
          article = extractor[page.input.kind === "text" ? "fromText" : "extractHtml"](page.input.kind === "text" ? page.input.text : (page.input as { html: string }).html);
        } catch {
          continue; // not an article (paywalled, too thin): nothing to summarize
        }
        articles.set(page.name, article);
      }
      llm.reset();
      let outcome;
      try {
        outcome = await summarizer.summarize(page.input, { language: "en" });
      } catch {
        continue; // too short for a brief
      }
      const first = llm.requests[0];
      if (!first) continue;
      const seen = articleOf(first);
      const faithful = faithfulBrief(seen, symbols);
      const fabricated = kind === "faithful" ? undefined : fabricate(kind as FabricationKind, seen, faithful, symbols);
      if (kind !== "faithful" && fabricated === undefined) continue; // no room for this kind in this article
      s.briefs += 1;
      s.extraRequests += llm.requests.length - 1;
      if (outcome.result.engine !== "llm") s.fallbacks += 1;
      const removed = outcome.result.verification?.removed ?? [];
      if (fabricated) {
        s.injected += fabricated.injected;
        s.reached += fabricated.reached(outcome.result.brief);
      }
      // Faithful items: everything of the faithful brief outside the fabricated fields.
      const touched = fabricated?.fields ?? [];
      const outside = (field: string) => !touched.some((t) => field === t || field.startsWith(`${t}.`) || field.startsWith(`${t}[`));
      const kept = outcome.result.engine === "llm" ? removed : [];
      s.faithfulItems += countItems(faithful);
      s.faithfulRemoved += kept.filter((r) => outside(r.field)).length;
      if (kind === "faithful") {
        const started = performance.now();
        const facts = articleFacts(article, symbols);
        const indexed = performance.now();
        verifyBrief(faithful, facts, symbols);
        verifyMs.push(performance.now() - indexed);
        indexMs.push(indexed - started);
      }
    }
  }
  await llm.close();

  const sortedMs = verifyMs.toSorted((a, b) => a - b);
  const header = ["kind", "briefs", "injected", "reached output", "faithful items removed", "extra model requests", "extractive fallbacks"];
  const rows = [...stats.entries()].map(([kind, s]) => [
    kind,
    String(s.briefs),
    kind === "faithful" ? "-" : String(s.injected),
    kind === "faithful" ? "-" : `${s.reached}${s.reached === 0 ? "" : " (target 0)"}`,
    `${s.faithfulRemoved} of ${s.faithfulItems} (${round((100 * s.faithfulRemoved) / Math.max(1, s.faithfulItems), 2)} %)`,
    `${s.extraRequests} (${round(s.extraRequests / Math.max(1, s.briefs), 2)}/brief)`,
    String(s.fallbacks),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  process.stdout.write(`${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n\n`);
  const sortedIndex = indexMs.toSorted((a, b) => a - b);
  process.stdout.write(
    `verifier per brief (${sortedMs.length} faithful briefs): checking the brief median ${round(percentile(sortedMs, 50), 2)} ms (target < 2), p95 ${round(percentile(sortedMs, 95), 2)} ms; ` +
      `indexing the article once (figures, companies, moves) median ${round(percentile(sortedIndex, 50), 2)} ms, p95 ${round(percentile(sortedIndex, 95), 2)} ms\n`,
  );
  process.stdout.write(`pages: ${all.length} (seeds, project fixtures, extraction corpus); targets: 0 reached, < 1 % faithful items removed\n`);
}

/** Items a brief asks the reader to trust: headline, key points, tickers, move figures, why it matters. */
function countItems(brief: ReturnType<typeof faithfulBrief>): number {
  let n = 2 + brief.keyPoints.length + brief.tickers.length;
  for (const t of brief.tickers) for (const m of t.moves) n += (m.price !== null ? 1 : 0) + (m.changePct !== null ? 1 : 0) + (m.currency !== null ? 1 : 0);
  return n;
}

await main();
