import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { digestSince } from "../core/digest-builder.ts";
import type { Digest, DigestStory, TickerDigest } from "../core/digest.ts";
import { UserFacingError } from "../core/errors.ts";
import type { SymbolDirectory } from "../core/ports.ts";
import { UsageError } from "./usage.ts";

/** `marketbrief digest --ticker SYM [--ticker SYM…] [--lang xx] [--since ISO|24h] [--json]` */
export async function digestCommand(args: string[], openApp: () => Promise<App>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ticker: { type: "string", multiple: true, short: "t" },
      lang: { type: "string", default: "en" },
      since: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`digest takes no positional arguments (got "${positionals[0]}"); use --ticker SYM.`);
  const tickers = (values.ticker ?? []).flatMap((t) => t.split(",")).map((t) => t.trim()).filter((t) => t !== "");
  if (tickers.length === 0) throw new UsageError("digest needs at least one --ticker SYM.");
  const language = values.lang.trim().toLowerCase();
  if (!/^[a-z]{2}$/.test(language)) throw new UsageError(`--lang takes a two-letter language code (en, de, fr), not "${values.lang}".`);
  const now = new Date();
  const since = values.since === undefined ? digestSince(undefined, now) : parseSince(values.since, now);

  const app = await openApp();
  const directory = app.symbols;
  const symbols = tickers.map((t) => resolveSymbol(directory, t));
  const started = performance.now();
  const digest = await app.digestBuilder.build({ symbols, since, language, now });
  app.logger.info(
    {
      command: "digest",
      tickers: digest.tickers.length,
      stories: digest.tickers.reduce((n, t) => n + t.stories.length, 0),
      ms: Math.round(performance.now() - started),
    },
    "digest ready",
  );
  process.stdout.write(values.json ? `${JSON.stringify(digest, null, 2)}\n` : renderDigestText(digest));
  return 0;
}

/** An ISO instant, or a duration back from now: 90m, 24h, 2d. */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d{1,4})\s*([mhd])$/i.exec(text.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[(relative[2] ?? "h").toLowerCase() as "m" | "h" | "d"];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`--since "${text}" is neither an ISO date-time nor a duration like 24h, 90m or 2d.`);
  if (at > now.getTime()) throw new UsageError(`--since "${text}" is in the future.`);
  return new Date(at);
}

function resolveSymbol(directory: SymbolDirectory, symbol: string): string {
  const entry = directory.get(symbol);
  if (entry !== undefined) return entry.symbol;
  const close = directory.search(symbol, 5).map((e) => `${e.symbol} (${e.name})`);
  throw new UserFacingError(
    "not_found",
    `Unknown symbol ${symbol}.${close.length > 0 ? ` Did you mean: ${close.join(", ")}?` : " Check the listing's symbol (e.g. BABA, 9988.HK, SAP.DE)."}`,
  );
}

export function renderDigestText(digest: Digest): string {
  const lines = [`Digest of news since ${formatInstant(digest.since)} (language: ${digest.language})`];
  for (const warning of digest.warnings) lines.push(`! ${warning}`);
  for (const ticker of digest.tickers) lines.push("", ...tickerLines(ticker));
  return `${lines.join("\n")}\n`;
}

function tickerLines(ticker: TickerDigest): string[] {
  const lines = [`${ticker.symbol}: ${ticker.name}`];
  if (ticker.tone !== null) lines.push(`  Tone: ${ticker.tone}`);
  if (ticker.mode === "headlines" && ticker.stories.length > 0) lines.push("  (headlines and links only)");
  for (const bullet of ticker.bullets) lines.push(`  • ${bullet}`);
  if (ticker.stories.length === 0) {
    lines.push("  No new stories.");
    return lines;
  }
  lines.push("  Stories:");
  ticker.stories.forEach((story, i) => lines.push(...storyLines(story, i + 1)));
  return lines;
}

function storyLines(story: DigestStory, n: number): string[] {
  const when = story.publishedAt ? ` (${formatInstant(story.publishedAt)})` : "";
  const lines = [`  ${n}. ${story.title}${when}`];
  if (story.brief !== undefined && story.brief.headline !== story.title) lines.push(`     ${story.brief.headline}`);
  if (story.briefError !== undefined) lines.push(`     No brief: ${story.briefError}`);
  for (const source of story.sources) lines.push(`     ${source.outlet}: ${source.url}`);
  return lines;
}

function formatInstant(iso: string): string {
  return iso.replace("T", " ").replace(/:\d{2}(\.\d+)?Z$/, " UTC");
}
