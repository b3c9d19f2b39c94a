import type { MarketState, Quote } from "./market.ts";

/** Numbers in the reader's format: 130.70 in English, 130,70 in German. Unknown locales fall back to English. */
function numberFormat(locale: string | undefined, digits: number, signed = false): Intl.NumberFormat {
  const options: Intl.NumberFormatOptions = {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    ...(signed ? { signDisplay: "exceptZero" as const } : {}),
  };
  try {
    return new Intl.NumberFormat(locale ?? "en-US", options);
  } catch {
    return new Intl.NumberFormat("en-US", options);
  }
}

/** Digits a price needs: 2 as usual, 4 under 1 (penny stocks, some currencies). */
export function priceDigits(value: number): number {
  return Math.abs(value) < 1 && value !== 0 ? 4 : 2;
}

export function formatPrice(value: number, locale?: string, digits = priceDigits(value)): string {
  return numberFormat(locale, digits).format(value);
}

export function formatChange(value: number, locale?: string, digits = priceDigits(value)): string {
  return numberFormat(locale, digits, true).format(value);
}

/** "+0.4 %" / "−2,15 %". */
export function formatPct(value: number, locale?: string): string {
  return `${numberFormat(locale, Math.abs(value) < 10 ? 2 : 1, true).format(value)} %`;
}

export const MARKET_STATE_LABEL: Record<MarketState, string> = {
  open: "Market open",
  closed: "Market closed",
  pre: "Pre-market",
  post: "After hours",
};

/** "131.20 HKD" */
export function priceWithCurrency(quote: Pick<Quote, "price" | "currency">, locale?: string): string {
  return `${formatPrice(quote.price, locale)}${quote.currency ? ` ${quote.currency}` : ""}`;
}

/** "+1.45 (+1.12 %)", or undefined when there is no previous close. */
export function changeText(quote: Pick<Quote, "price" | "change" | "changePct">, locale?: string): string | undefined {
  if (quote.change === null || quote.changePct === null) return undefined;
  return `${formatChange(quote.change, locale, priceDigits(quote.price))} (${formatPct(quote.changePct, locale)})`;
}
