import type { ChartRange, PriceBar, Quote } from "../../core/market.ts";

/** Where things go on a chart: value range, grid steps, time labels and the x positions of bars. */

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The chart's reference: the previous close for a day, the close before the first bar otherwise. */
export function referenceOf(quote: Quote): { value: number; label: string } | undefined {
  if (quote.range === "1d" && quote.previousClose !== null) return { value: quote.previousClose, label: "Prev. close" };
  if (quote.chartPreviousClose !== null) return { value: quote.chartPreviousClose, label: "Start" };
  return quote.previousClose === null ? undefined : { value: quote.previousClose, label: "Prev. close" };
}

export function valueBounds(values: readonly number[]): { min: number; max: number } {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1 };
  if (max - min < Math.abs(max) * 1e-4 || max === min) {
    const pad = Math.max(Math.abs(max) * 0.005, 0.01);
    min -= pad;
    max += pad;
  }
  const pad = (max - min) * 0.08;
  return { min: min - pad, max: max + pad };
}

/** Round steps (1, 2, 2.5, 5 × 10^n) for about `count` grid lines. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function timeFormat(range: ChartRange, timeZone: string, locale: string | undefined): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions =
    range === "1d"
      ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : range === "5d"
        ? { weekday: "short", day: "numeric" }
        : range === "1mo" || range === "6mo"
          ? { day: "numeric", month: "short" }
          : { month: "short", year: "2-digit" };
  try {
    return new Intl.DateTimeFormat(locale ?? "en-US", { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
  }
}

/** X positions: by time for one session, by bar index across several (no gaps for nights and weekends). */
export function xScale(bars: readonly PriceBar[], quote: Quote, box: Box): (i: number) => number {
  const span = box.right - box.left;
  const first = bars[0]?.time ?? 0;
  if (quote.range === "1d" && quote.regularSession !== null && bars.length > 0) {
    const start = Math.min(first, quote.regularSession.start);
    const end = Math.max(bars.at(-1)?.time ?? start, quote.regularSession.end);
    if (end > start) return (i) => box.left + (((bars[i]?.time ?? start) - start) / (end - start)) * span;
  }
  const n = Math.max(1, bars.length - 1);
  return (i) => box.left + (i / n) * span;
}
