import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { App } from "../app.ts";
import { UserFacingError } from "../core/errors.ts";
import { CHART_RANGES, closedDayNote, isChartRange, quoteForUser, type Quote } from "../core/market.ts";
import { changeText, formatPrice, MARKET_STATE_LABEL, priceWithCurrency } from "../core/price-format.ts";
import { quoteSymbol } from "../core/quote-symbol.ts";
import { UsageError } from "./usage.ts";

/** `marketbrief quote SYM [--range 5d] [--json] [--chart FILE.png] [--locale de]` */
export async function quoteCommand(args: string[], openApp: () => Promise<App>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      range: { type: "string", default: "1d" },
      json: { type: "boolean", default: false },
      chart: { type: "string" },
      locale: { type: "string", default: "en-US" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("quote takes one symbol or company, e.g. marketbrief quote BABA.");
  const range = values.range.trim();
  if (!isChartRange(range)) throw new UsageError(`--range takes one of ${CHART_RANGES.join(", ")}, not "${values.range}".`);
  const locale = values.locale.trim();
  try {
    Intl.NumberFormat.supportedLocalesOf(locale);
  } catch {
    throw new UsageError(`--locale "${values.locale}" is not a locale (en-US, de, fr-CH…).`);
  }
  const app = await openApp();
  const symbol = quoteSymbol(app.symbols, positionals[0] ?? "");
  const quote = await quoteForUser(app.market, symbol, range);
  if (values.chart !== undefined) {
    const png = await app.charts.renderQuote(quote, { locale });
    try {
      await writeFile(values.chart, png);
    } catch (err) {
      throw new UserFacingError("invalid_input", `Could not write the chart to ${values.chart} (${(err as NodeJS.ErrnoException).code ?? "error"}).`, { cause: err });
    }
  }
  process.stdout.write(values.json ? `${JSON.stringify(quote, null, 2)}\n` : quoteText(quote, locale, values.chart));
  return 0;
}

export function quoteText(quote: Quote, locale: string, chartPath?: string): string {
  const lines = [`${quote.symbol}${quote.name ? ` · ${quote.name}` : ""} (${quote.exchange || "?"}, ${quote.exchangeTimeZone})`];
  const change = changeText(quote, locale);
  const previous = quote.previousClose === null ? "" : ` vs previous close ${formatPrice(quote.previousClose, locale)}`;
  lines.push(`Last ${priceWithCurrency(quote, locale)}${change ? `  ${change}${previous}` : ""}`);
  const note = closedDayNote(quote, Date.now());
  const state = note === "closed_today" ? "Closed today" : note === "pre_open" ? "Not open yet today" : MARKET_STATE_LABEL[quote.marketState];
  const range = quote.dayRange ? `Day range ${formatPrice(quote.dayRange.low, locale)} – ${formatPrice(quote.dayRange.high, locale)} · ` : "";
  lines.push(`${range}${state} · last trade ${quote.marketTime.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")}`);
  if (chartPath !== undefined) lines.push(`Chart (${quote.range}) written to ${chartPath}`);
  return `${lines.join("\n")}\n`;
}
