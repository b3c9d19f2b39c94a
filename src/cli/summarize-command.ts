import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { createLinkPolicy } from "../adapters/fetch/link-policy.ts";
import { loadConfig } from "../config.ts";
import { marketNowFor } from "../core/brief-market-now.ts";
import { resolveInput } from "./inputs.ts";
import { renderBriefText } from "./render-text.ts";
import { UsageError } from "./usage.ts";

/** `now` is the clock (epoch ms) deciding whether the article is older than today. */
export async function summarizeCommand(args: string[], openApp: () => Promise<App>, options: { now?: () => number } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lang: { type: "string", default: "en" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length !== 1) throw new UsageError("summarize takes exactly one URL, file or - (stdin).");
  const language = values.lang.trim().toLowerCase();
  if (!/^[a-z]{2}$/.test(language)) throw new UsageError(`--lang takes a two-letter language code (en, de, fr), not "${values.lang}".`);
  const { fetch } = loadConfig();
  const input = await resolveInput(positionals[0] as string, undefined, fetch.maxBytes);
  // A link the fetcher would refuse is refused before the app (symbols, extractor, model client) loads.
  if (input.kind === "url") createLinkPolicy(fetch.allowPrivate).check(input.url);
  const app = await openApp();
  const started = performance.now();
  const outcome = await app.summarizer.summarize(input, { language });
  app.logger.info(
    {
      command: "summarize",
      engine: outcome.result.engine,
      cached: outcome.result.cached,
      llmRequests: outcome.llmRequests,
      tokens: outcome.usage,
      ms: Math.round(performance.now() - started),
    },
    "brief ready",
  );
  // Where the tickers are now (older articles only): beside the brief, never cached with it.
  const marketNow = await marketNowFor(outcome.result, app.market, { log: app.logger, ...(options.now ? { now: options.now() } : {}) });
  const output = values.json ? JSON.stringify({ ...outcome.result, marketNow }, null, 2) : renderBriefText(outcome.result, marketNow);
  process.stdout.write(`${output}\n`);
  return 0;
}
