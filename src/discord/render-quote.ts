import type { APIEmbed } from "discord-api-types/v10";
import { closedDayNote, type PriceOutcome, type Quote } from "../core/market.ts";
import { changeText, formatPrice, priceWithCurrency } from "../core/price-format.ts";
import { escapeMarkdown } from "./escape.ts";
import { translator, type MessageKey, type Translator } from "./i18n.ts";

export const CHART_FILENAME = "chart.png";
const UP = 0x2e9e5b;
const DOWN = 0xd64545;
const FLAT = 0x5865f2;

function marketState(quote: Quote, tr: Translator): string {
  return tr.t(`market.${quote.marketState}` as MessageKey);
}

function lastTradeDay(quote: Quote, locale: string | undefined): string {
  try {
    // "en" alone would be US style ("Fri, Mar 6"); English readers get "Fri 6 Mar".
    return new Intl.DateTimeFormat(locale === undefined || locale === "en" ? "en-GB" : locale, { weekday: "short", day: "numeric", month: "short", timeZone: quote.exchangeTimeZone }).format(
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
export function priceLine(outcome: PriceOutcome, now: number, locale?: string, symbol = "?"): string {
  const tr = translator(locale);
  if (!("quote" in outcome)) return `⚠️ ${escapeMarkdown(unavailableText(outcome, tr, symbol), 200)}`;
  const quote = outcome.quote;
  const price = `**${escapeMarkdown(priceWithCurrency(quote, locale), 60)}**`;
  const change = changeText(quote, locale);
  const note = closedDayNote(quote, now);
  if (note !== undefined) {
    // The last session's move, dated, so it is not read as today's.
    const move = change ? ` ${tr.t("price.moveOn", { change, day: lastTradeDay(quote, locale) })}` : "";
    return note === "closed_today" ? `💤 ${price}${move} · ${tr.t("price.closedToday")}` : `⏳ ${price}${move} · ${tr.t("price.notOpenYet")}`;
  }
  const arrow = quote.change === null || quote.change === 0 ? "➖" : quote.change > 0 ? "🔼" : "🔽";
  return `${arrow} ${price}${change ? ` ${change}` : ""} · ${marketState(quote, tr)}`;
}

/** Why a ticker has no price, in the reader's language. */
function unavailableText(outcome: Exclude<PriceOutcome, { quote: Quote }>, tr: Translator, symbol: string): string {
  if (tr.language === "en") return outcome.message;
  return outcome.unavailable === "no_data" ? tr.t("price.noData", { symbol }) : tr.t("price.unavailable");
}

/** The /quote embed; the chart is the attachment named CHART_FILENAME, shown as the embed's image. */
export function renderQuoteEmbed(quote: Quote, options: { locale?: string; now: number; withChart: boolean }): APIEmbed {
  const { locale } = options;
  const tr = translator(locale);
  const fields: NonNullable<APIEmbed["fields"]> = [
    { name: tr.t("quote.lastPrice"), value: escapeMarkdown(priceWithCurrency(quote, locale), 100), inline: true },
    {
      name: tr.t("quote.change"),
      value: changeText(quote, locale) ?? tr.t("quote.noPreviousClose"),
      inline: true,
    },
    {
      name: tr.t("quote.previousClose"),
      value: quote.previousClose === null ? tr.t("quote.na") : formatPrice(quote.previousClose, locale),
      inline: true,
    },
    {
      name: tr.t("quote.dayRange"),
      value: quote.dayRange ? `${formatPrice(quote.dayRange.low, locale)} – ${formatPrice(quote.dayRange.high, locale)}` : tr.t("quote.na"),
      inline: true,
    },
    { name: tr.t("quote.exchange"), value: escapeMarkdown(`${quote.exchange || "?"} (${quote.exchangeTimeZone})`, 200), inline: true },
    { name: tr.t("quote.market"), value: marketText(quote, options.now, locale, tr), inline: true },
  ];
  const title = `${quote.symbol}${quote.name ? ` · ${quote.name}` : ""}`;
  return {
    title: escapeMarkdown(title, 250),
    color: quote.change === null || quote.change === 0 ? FLAT : quote.change > 0 ? UP : DOWN,
    fields,
    ...(options.withChart ? { image: { url: `attachment://${CHART_FILENAME}` } } : {}),
    footer: { text: tr.t("quote.footer", { range: quote.range }) },
    timestamp: quote.marketTime,
  };
}

function marketText(quote: Quote, now: number, locale: string | undefined, tr: Translator): string {
  const note = closedDayNote(quote, now);
  if (note === "closed_today") return tr.t("quote.closedToday", { day: lastTradeDay(quote, locale) });
  if (note === "pre_open") return tr.t("price.notOpenYet");
  return marketState(quote, tr);
}
