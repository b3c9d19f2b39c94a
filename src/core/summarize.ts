import { createHash } from "node:crypto";
import type { Article } from "./article.ts";
import { assertSummarizable } from "./article-gate.ts";
import type { BriefResult } from "./brief.ts";
import { groundBrief } from "./grounding.ts";
import type { ArticleExtractor, BriefEngine, EngineOutput, PageFetcher, TokenUsage } from "./ports.ts";
import type { BriefCacheKey, Store } from "./store.ts";

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
  log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

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

  async function runEngine(article: Article, options: SummarizeOptions): Promise<EngineOutput> {
    const request = { article, language: options.language, ...(options.signal ? { signal: options.signal } : {}) };
    if (deps.llm === undefined) return deps.extractive.summarize(request);
    await options.beforeNewLlmBrief?.();
    try {
      return await deps.llm.summarize(request);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const reason = (err as { reason?: string }).reason ?? "error";
      const requests = (err as { requests?: number }).requests ?? 0;
      deps.log?.warn({ err, reason, requests }, "LLM brief failed; using the extractive engine");
      const fallback = await deps.extractive.summarize(request);
      return {
        ...fallback,
        requests,
        warnings: [
          `The model could not produce a brief (${reason}); this is an extractive brief, built from the article's own sentences.`,
          ...fallback.warnings,
        ],
      };
    }
  }

  async function summarizeUncoalesced(input: SummarizeInput, key: BriefCacheKey, options: SummarizeOptions): Promise<SummarizeOutcome> {
    const article = await loadArticle(input, options.signal);
    assertSummarizable(article);
    if (input.kind !== "url") key = { ...key, source: sourceKey(input, article) };
    const cached = await deps.store.getBrief(key);
    if (cached) return { result: { ...cached.result, cached: true }, llmRequests: 0 };

    const output = await runEngine(article, options);
    const grounded = groundBrief(output.brief, article.text);
    const warnings = [...output.warnings];
    if (grounded.ungrounded > 0) {
      warnings.push(
        `${grounded.ungrounded} key point(s) quote text that is not in the article${grounded.brief.keyPoints.length < output.brief.keyPoints.length ? " and were left out" : ""}.`,
      );
    }
    const built: BriefResult = {
      source: {
        ...(input.kind === "url" ? { url: input.canonicalUrl } : article.url ? { url: article.url } : {}),
        title: article.title,
        ...(article.siteName ? { siteName: article.siteName } : {}),
        language: article.language,
        ...(article.publishedAt ? { publishedAt: article.publishedAt } : {}),
      },
      brief: grounded.brief,
      language: options.language,
      engine: output.engine,
      ...(output.engine === "llm" && output.model ? { model: output.model } : {}),
      promptVersion: output.engine === "llm" ? primary.promptVersion : deps.extractive.promptVersion,
      cached: false,
      warnings,
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
