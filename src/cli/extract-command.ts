import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { isUserFacingError } from "../core/errors.ts";
import { articleJson } from "./article-json.ts";
import { resolveInput } from "./inputs.ts";
import { renderArticleText } from "./render-text.ts";
import { UsageError } from "./usage.ts";

export async function extractCommand(args: string[], openApp: () => Promise<App>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "base-url": { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length === 0) throw new UsageError("extract needs at least one URL or file.");
  const baseUrl = values["base-url"];
  if (baseUrl !== undefined && !/^https?:\/\/\S+$/i.test(baseUrl)) throw new UsageError("--base-url must be an http(s) URL.");
  const app = await openApp();
  let failed = 0;
  let lastError = "";
  for (const input of positionals) {
    try {
      const resolved = await resolveInput(input, baseUrl, app.config.fetch.maxBytes);
      const article = await app.summarizer.loadArticle(resolved);
      if (values.json) process.stdout.write(`${JSON.stringify(articleJson(input, article))}\n`);
      else process.stdout.write(`${positionals.length > 1 ? `== ${input}\n` : ""}${renderArticleText(article)}\n\n`);
    } catch (err) {
      if (!isUserFacingError(err)) app.logger.error({ err, input }, "extraction failed unexpectedly");
      const message = isUserFacingError(err) ? err.message : `unexpected error: ${(err as Error).message}`;
      failed++;
      lastError = `${input}: ${message}`;
      if (values.json) process.stdout.write(`${JSON.stringify({ input, ok: false, error: message })}\n`);
    }
  }
  if (failed > 0) {
    process.stderr.write(
      `marketbrief: ${failed === 1 && positionals.length === 1 ? lastError : `${failed} of ${positionals.length} inputs failed (last: ${lastError})`}\n`,
    );
    return 1;
  }
  return 0;
}
