export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: marketbrief <command> [options]

Commands:
  summarize <url|file|->  [--lang xx] [--json]     brief of one article (file: HTML or plain text; -: stdin)
  extract <url|file>...   [--base-url URL] [--json] extracted article(s); with --json one object per line
  digest --ticker SYM [--ticker SYM...] [--lang xx] [--since ISO|24h] [--json]
                                                     today's digest for tickers, without Discord
  quote SYM [--range 1d|5d|1mo|6mo|1y|5y] [--json] [--chart FILE.png] [--locale xx]
                                                     price, day change and chart (MARKET_DATA_URL)
  deploy-commands [--guild ID]                       register the bot's slash commands with Discord

Environment: see .env.example (OPENAI_BASE_URL / OPENAI_API_KEY enable the LLM engine).`;
