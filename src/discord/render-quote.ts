import type { APIEmbed } from "discord-api-types/v10";
import { closedDayNote, type PriceOutcome, type Quote } from "../core/market.ts";
import { changeText, formatPrice, MARKET_STATE_LABEL, priceWithCurrency } from "../core/price-format.ts";
import { escapeMarkdown } from "./escape.ts";

export const CHART_FILENAME = "chart.png";
const UP = 0x2e9e5b;
const DOWN = 0xd64545;
const FLAT = 0x5865f2;

function lastTradeDay(quote: Quote, locale: string | undefined): string {
  try {
    return new Intl.DateTimeFormat(locale ?? "en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: quote.exchangeTimeZone }).format(
      Date.parse(quote.marketTime),
    );
  } catch {
    return quote.marketTime.slice(0, 10);
  }
}

/**
 * A digest's price line: "💹 **131.20 HKD** +0.50 (+0.38 %) · Market open". When the exchange
 * has not traded today (weekend, holiday, before the open) it says so and shows the last close
 * as such, never as today's move.
 */
export function priceLine(outcome: PriceOutcome, now: number, locale?: string): string {
  if (!("quote" in outcome)) return `⚠️ ${escapeMarkdown(outcome.message, 200)}`;
  const quote = outcome.quote;
  const price = `**${escapeMarkdown(priceWithCurrency(quote, locale), 60)}**`;
  const change = changeText(quote, locale);
  const note = closedDayNote(quote, now);
  if (note !== undefined) {
    // The last session's move, dated, so it is not read as today's.
    const move = change ? ` ${change} on ${lastTradeDay(quote, locale)}` : "";
    return note === "closed_today" ? `💤 ${price}${move} · Market closed today` : `⏳ ${price}${move} · Not open yet today`;
  }
  const arrow = quote.change === null || quote.change === 0 ? "➖" : quote.change > 0 ? "🔼" : "🔽";
  return `${arrow} ${price}${change ? ` ${change}` : ""} · ${MARKET_STATE_LABEL[quote.marketState]}`;
}

/** The /quote embed; the chart is the attachment named CHART_FILENAME, shown as the embed's image. */
export function renderQuoteEmbed(quote: Quote, options: { locale?: string; now: number; withChart: boolean }): APIEmbed {
  const { locale } = options;
  const fields: NonNullable<APIEmbed["fields"]> = [
    { name: "Last price", value: escapeMarkdown(priceWithCurrency(quote, locale), 100), inline: true },
    {
      name: "Change",
      value: changeText(quote, locale) ?? "n/a (no previous close)",
      inline: true,
    },
    {
      name: "Previous close",
      value: quote.previousClose === null ? "n/a" : formatPrice(quote.previousClose, locale),
      inline: true,
    },
    { name: "Day range", value: quote.dayRange ? `${formatPrice(quote.dayRange.low, locale)} – ${formatPrice(quote.dayRange.high, locale)}` : "n/a", inline: true },
    { name: "Exchange", value: escapeMarkdown(`${quote.exchange || "?"} (${quote.exchangeTimeZone})`, 200), inline: true },
    { name: "Market", value: marketText(quote, options.now, locale), inline: true },
  ];
  const title = `${quote.symbol}${quote.name ? ` · ${quote.name}` : ""}`;
  return {
    title: escapeMarkdown(title, 250),
    color: quote.change === null || quote.change === 0 ? FLAT : quote.change > 0 ? UP : DOWN,
    fields,
    ...(options.withChart ? { image: { url: `attachment://${CHART_FILENAME}` } } : {}),
    footer: { text: `Range ${quote.range} · prices may be delayed · Not investment advice` },
    timestamp: quote.marketTime,
  };
}

function marketText(quote: Quote, now: number, locale: string | undefined): string {
  const note = closedDayNote(quote, now);
  if (note === "closed_today") return `Closed today (last trade ${lastTradeDay(quote, locale)})`;
  if (note === "pre_open") return "Not open yet today";
  return MARKET_STATE_LABEL[quote.marketState];
}
