import { createHash } from "node:crypto";
import type { Article } from "./article.ts";
import { assertSummarizable } from "./article-gate.ts";
import type { Brief, BriefResult } from "./brief.ts";
import { noMetrics, type Metrics } from "./metrics.ts";
import type { ArticleExtractor, BriefEngine, BriefRequest, EngineOutput, PageFetcher, SymbolDirectory, TokenUsage } from "./ports.ts";
import type { BriefCacheKey, Store } from "./store.ts";
import { articleFacts, type ArticleFacts } from "./verify/article-facts.ts";
import { recordRemovals } from "./verify/removal-metrics.ts";
import { repairProblem, verifyBrief, type VerifiedBrief } from "./verify/verify-brief.ts";

export type SummarizeInput =
  | { kind: "url"; url: string; canonicalUrl: string }
  | { kind: "html"; html: string; name: string; baseUrl?: string }
  | { kind: "text"; text: string; name: string };

export interface SummarizeOptions {
  /** ISO 639-1 language of the brief. */
  language: string;
  signal?: AbortSignal;
  /** Called once before a new (uncached) LLM brief; may throw a UserFacingError to refuse (budgets). */
  beforeNewLlmBrief?: () => Promise<void>;
}

export interface SummarizeOutcome {
  result: BriefResult;
  /** Model requests this call made (0 on a cache hit or with the extractive engine). */
  llmRequests: number;
  usage?: TokenUsage;
}

export interface SummarizerDeps {
  fetcher: PageFetcher;
  extractor: ArticleExtractor;
  extractive: BriefEngine;
  llm?: BriefEngine;
  store: Store;
  /** The symbol directory the verifier checks tickers against. */
  symbols: SymbolDirectory;
  log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  /** Counts what the verifier removes (default: nothing). */
  metrics?: Pick<Metrics, "verifierRemoval">;
}

export const UNSUPPORTED_FALLBACK_WARNING =
  "The model's brief stated figures, tickers or quotes the article does not support, even after one repair; this is an extractive brief, built from the article's own sentences.";

export interface Summarizer {
  summarize(input: SummarizeInput, options: SummarizeOptions): Promise<SummarizeOutcome>;
  /** Loads and extracts an article without summarizing it. */
  loadArticle(input: SummarizeInput, signal?: AbortSignal): Promise<Article>;
}

export function contentKey(text: string): string {
  return `sha256:${createHash("sha256").update(text.replace(/\s+/g, " ").trim()).digest("hex")}`;
}

const TEXT_TYPES = /^text\/plain\b/i;

function sourceKey(input: SummarizeInput, article?: Article): string {
  if (input.kind === "url") return input.canonicalUrl;
  return contentKey(input.kind === "text" ? input.text : (article?.text ?? input.html));
}

export function createSummarizer(deps: SummarizerDeps): Summarizer {
  const inFlight = new Map<string, Promise<SummarizeOutcome>>();
  const primary = deps.llm ?? deps.extractive;
  const metrics = deps.metrics ?? noMetrics;

  async function loadArticle(input: SummarizeInput, signal?: AbortSignal): Promise<Article> {
    switch (input.kind) {
      case "text":
        return deps.extractor.fromText(input.text);
      case "html":
        return deps.extractor.extractHtml(input.html, input.baseUrl);
      case "url": {
        const page = await deps.fetcher.fetch(input.url, signal ? { signal } : {});
        const article = TEXT_TYPES.test(page.contentType)
          ? deps.extractor.fromText(page.body)
          : deps.extractor.extractHtml(page.body, page.url);
        return { ...article, url: article.url ?? page.url };
      }
    }
  }

  async function runEngine(article: Article, options: SummarizeOptions, check: (brief: Brief) => string | undefined): Promise<EngineOutput> {
    const request = { article, language: options.language, ...(options.signal ? { signal: options.signal } : {}) };
    if (deps.llm === undefined) return deps.extractive.summarize(request);
    await options.beforeNewLlmBrief?.();
    try {
      return await deps.llm.summarize({ ...request, check });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const reason = (err as { reason?: string }).reason ?? "error";
      const requests = (err as { requests?: number }).requests ?? 0;
      deps.log?.warn({ err, reason, requests }, "LLM brief failed; using the extractive engine");
      return extractiveFallback(request, requests, reason === "unsupported" ? UNSUPPORTED_FALLBACK_WARNING : undefined, reason);
    }
  }

  async function extractiveFallback(request: BriefRequest, requests: number, warning: string | undefined, reason: string): Promise<EngineOutput> {
    const fallback = await deps.extractive.summarize(request);
    return {
      ...fallback,
      requests,
      warnings: [
        warning ?? `The model could not produce a brief (${reason}); this is an extractive brief, built from the article's own sentences.`,
        ...fallback.warnings,
      ],
    };
  }

  /**
   * Checks a brief against the article; logs what an engine's answer lost, with model and prompt
   * version, and counts it once per distinct answer (`counted`: an answer the engine's check
   * accepted is verified again as the final brief).
   */
  function verify(brief: Brief, facts: ArticleFacts, symbols: SymbolDirectory | undefined, engine: BriefEngine, source: string, final: boolean, counted: Set<string>): VerifiedBrief {
    const verified = verifyBrief(brief, facts, symbols);
    const answer = JSON.stringify(brief);
    if (!counted.has(answer)) {
      counted.add(answer);
      recordRemovals(metrics, verified.verification.removed);
    }
    const stage = final ? "verifier removed an unsupported item" : "verifier rejected an answer item";
    for (const item of verified.verification.removed) {
      deps.log?.warn({ ...item, engine: engine.name, model: engine.model, promptVersion: engine.promptVersion, source }, stage);
    }
    return verified;
  }

  async function summarizeUncoalesced(input: SummarizeInput, key: BriefCacheKey, options: SummarizeOptions): Promise<SummarizeOutcome> {
    const article = await loadArticle(input, options.signal);
    assertSummarizable(article, input.kind === "text" ? "pasted text" : "page");
    if (input.kind !== "url") key = { ...key, source: sourceKey(input, article) };
    const cached = await deps.store.getBrief(key);
    if (cached) return { result: { ...cached.result, cached: true }, llmRequests: 0 };

    const { symbols } = deps;
    const facts = articleFacts(article, symbols);
    const llm = deps.llm;
    const counted = new Set<string>();
    const check = (brief: Brief): string | undefined => {
      const verified = verify(brief, facts, symbols, llm ?? deps.extractive, key.source, false, counted);
      return verified.usable ? undefined : repairProblem(verified.verification.removed);
    };
    let output = await runEngine(article, options, check);
    let verified = verify(output.brief, facts, symbols, output.engine === "llm" ? primary : deps.extractive, key.source, true, counted);
    if (!verified.usable && output.engine === "llm") {
      // An engine that did not repair (or could not): the extractive brief, labelled.
      const request = { article, language: options.language, ...(options.signal ? { signal: options.signal } : {}) };
      output = await extractiveFallback(request, output.requests, UNSUPPORTED_FALLBACK_WARNING, "unsupported");
      verified = verify(output.brief, facts, symbols, deps.extractive, key.source, true, counted);
    }
    const warnings = [...output.warnings];
    const built: BriefResult = {
      source: {
        ...(input.kind === "url" ? { url: input.canonicalUrl } : article.url ? { url: article.url } : {}),
        title: article.title,
        ...(article.siteName ? { siteName: article.siteName } : {}),
        language: article.language,
        ...(article.publishedAt ? { publishedAt: article.publishedAt } : {}),
      },
      brief: verified.brief,
      language: options.language,
      engine: output.engine,
      ...(output.engine === "llm" && output.model ? { model: output.model } : {}),
      promptVersion: output.engine === "llm" ? primary.promptVersion : deps.extractive.promptVersion,
      cached: false,
      warnings,
      verification: verified.verification,
    };
    // A copy that shares no string with the page: an extractive brief quotes the article and
    // its metadata comes from the page, and V8 keeps a whole page alive behind any slice of it
    // for as long as a digest holds the brief.
    const result = JSON.parse(JSON.stringify(built)) as BriefResult;
    // A fallback brief is stored under the extractive engine's key, so a repeat retries the model.
    const engine = output.engine === "llm" ? primary : deps.extractive;
    await deps.store.putBrief({ ...key, model: engine.model, promptVersion: engine.promptVersion }, result);
    return { result, llmRequests: output.requests, ...(output.usage ? { usage: output.usage } : {}) };
  }

  return {
    loadArticle,
    async summarize(input, options) {
      const key: BriefCacheKey = {
        source: input.kind === "url" ? input.canonicalUrl : "",
        promptVersion: primary.promptVersion,
        model: primary.model,
        language: options.language,
      };
      if (input.kind === "url") {
        const cached = await deps.store.getBrief(key);
        if (cached) return { result: { ...cached.result, cached: true }, llmRequests: 0 };
      }
      const flightKey = `${key.source || sourceKey(input)}|${key.language}`;
      const existing = inFlight.get(flightKey);
      if (existing) return existing;
      const running = summarizeUncoalesced(input, key, options).finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, running);
      return running;
    },
  };
}
