import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { resolveInput } from "./inputs.ts";
import { renderBriefText } from "./render-text.ts";
import { UsageError } from "./usage.ts";

export async function summarizeCommand(args: string[], openApp: () => Promise<App>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lang: { type: "string", default: "en" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length !== 1) throw new UsageError("summarize takes exactly one URL, file or - (stdin).");
  const language = values.lang.trim().toLowerCase();
  if (!/^[a-z]{2}$/.test(language)) throw new UsageError(`--lang takes a two-letter language code (en, de, fr), not "${values.lang}".`);
  const app = await openApp();
  const input = await resolveInput(positionals[0] as string, undefined, app.config.fetch.maxBytes);
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
  process.stdout.write(values.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : `${renderBriefText(outcome.result)}\n`);
  return 0;
}
