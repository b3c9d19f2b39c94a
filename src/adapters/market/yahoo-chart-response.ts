/** The response of a Yahoo-Finance-compatible chart API, and the Quote it gives. Pure functions. */
import { z } from "zod";
import {
  changeAgainst,
  marketStateAt,
  RANGE_SETTINGS,
  tradedOnDay,
  type ChartRange,
  type PriceBar,
  type Quote,
  type TradingPeriod,
  type TradingPeriods,
} from "../../core/market.ts";

const num = z.number().finite();
const period = z.object({ start: z.number(), end: z.number() }).loose();
const nullableNums = z.array(num.nullable());

const ChartResultSchema = z
  .object({
    meta: z
      .object({
        symbol: z.string(),
        currency: z.string().nullish(),
        exchangeName: z.string().nullish(),
        fullExchangeName: z.string().nullish(),
        exchangeTimezoneName: z.string().nullish(),
        regularMarketPrice: num.nullish(),
        regularMarketTime: z.number().nullish(),
        regularMarketDayHigh: num.nullish(),
        regularMarketDayLow: num.nullish(),
        previousClose: num.nullish(),
        chartPreviousClose: num.nullish(),
        longName: z.string().nullish(),
        shortName: z.string().nullish(),
        currentTradingPeriod: z
          .object({ pre: period.optional(), regular: period.optional(), post: period.optional() })
          .loose()
          .nullish(),
        // range=1d: [[period]]; longer ranges: one [period] per day.
        tradingPeriods: z.unknown().optional(),
      })
      .loose(),
    timestamp: z.array(z.number()).nullish(),
    indicators: z
      .object({ quote: z.array(z.object({ close: nullableNums.nullish() }).loose()).nullish() })
      .loose()
      .nullish(),
  })
  .loose();

export const ChartResponseSchema = z
  .object({
    chart: z
      .object({
        result: z.array(ChartResultSchema).nullish(),
        error: z.object({ code: z.string().nullish(), description: z.string().nullish() }).loose().nullish(),
      })
      .loose(),
  })
  .loose();

export type ChartResult = z.infer<typeof ChartResultSchema>;

const seconds = (value: number | null | undefined): number | undefined => (value == null ? undefined : value * 1000);

function toPeriod(value: { start: number; end: number } | undefined): TradingPeriod | undefined {
  return value === undefined ? undefined : { start: value.start * 1000, end: value.end * 1000 };
}

/** The regular sessions listed in tradingPeriods (range=1d: [[p]]; longer: [[p], [p], …] or {regular: [[p]]}). */
function regularSessions(raw: unknown): TradingPeriod[] {
  const list = Array.isArray(raw) ? raw : typeof raw === "object" && raw !== null ? (raw as { regular?: unknown }).regular : undefined;
  if (!Array.isArray(list)) return [];
  return list
    .flat()
    .filter((p): p is { start: number; end: number } => typeof p === "object" && p !== null && typeof p.start === "number" && typeof p.end === "number")
    .map((p) => ({ start: p.start * 1000, end: p.end * 1000 }));
}

function bars(result: ChartResult): PriceBar[] {
  const times = result.timestamp ?? [];
  const closes = result.indicators?.quote?.[0]?.close ?? [];
  const out: PriceBar[] = [];
  for (const [i, t] of times.entries()) {
    const close = closes[i];
    if (close != null && Number.isFinite(close)) out.push({ time: t * 1000, close });
  }
  return out;
}

/** The close of the last session before the latest bar's day (daily bars), for ranges longer than a day. */
function previousSessionClose(list: readonly PriceBar[], marketTime: number, timeZone: string): number | null {
  const last = list.at(-1);
  if (last === undefined) return null;
  const lastIsToday = tradedOnDay(marketTime, last.time, timeZone);
  const previous = lastIsToday ? list.at(-2) : last;
  return previous?.close ?? null;
}

export function toQuote(result: ChartResult, range: ChartRange, nowMs: number): Quote {
  const meta = result.meta;
  const price = meta.regularMarketPrice ?? 0;
  const timeZone = meta.exchangeTimezoneName ?? "UTC";
  const list = bars(result);
  const marketTime = seconds(meta.regularMarketTime) ?? list.at(-1)?.time ?? nowMs;
  const chartPreviousClose = meta.chartPreviousClose ?? null;
  const previousClose =
    meta.previousClose ??
    (range === "1d" ? chartPreviousClose : (RANGE_SETTINGS[range].interval === "1d" ? previousSessionClose(list, marketTime, timeZone) : null) ?? chartPreviousClose);
  const current = meta.currentTradingPeriod;
  const periods: TradingPeriods = {};
  const pre = toPeriod(current?.pre);
  const regular = toPeriod(current?.regular) ?? regularSessions(meta.tradingPeriods).find((p) => nowMs >= p.start && nowMs < p.end);
  const post = toPeriod(current?.post);
  if (pre) periods.pre = pre;
  if (regular) periods.regular = regular;
  if (post) periods.post = post;
  const marketState = marketStateAt(nowMs, periods);
  const high = meta.regularMarketDayHigh;
  const low = meta.regularMarketDayLow;
  const name = meta.longName ?? meta.shortName ?? undefined;
  return {
    symbol: meta.symbol,
    ...(name ? { name: name.trim() } : {}),
    price,
    previousClose,
    ...changeAgainst(price, previousClose),
    currency: meta.currency ?? "",
    exchange: meta.fullExchangeName ?? meta.exchangeName ?? "",
    exchangeTimeZone: timeZone,
    dayRange: high != null && low != null ? { low, high } : null,
    marketTime: new Date(marketTime).toISOString(),
    marketState,
    regularSession: regular ?? null,
    tradedToday: marketState === "open" || tradedOnDay(nowMs, marketTime, timeZone),
    range,
    interval: RANGE_SETTINGS[range].interval,
    chartPreviousClose,
    bars: list,
    fetchedAt: new Date(nowMs).toISOString(),
  };
}
