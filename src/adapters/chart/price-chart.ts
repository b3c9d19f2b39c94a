import { fileURLToPath } from "node:url";
import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import { DAY_CHART_MAX_TICKERS, type ChartRange, type ChartRenderer, type PriceBar, type Quote } from "../../core/market.ts";
import { formatPct, formatPrice, MARKET_STATE_LABEL, priceDigits } from "../../core/price-format.ts";

/**
 * Price charts as PNG, drawn with @napi-rs/canvas (Skia; its native part ships as a prebuilt
 * binary inside an npm package per platform) and the DejaVu Sans font shipped in assets/fonts,
 * so a server without any fonts still draws text.
 */

export const FONT_PATH = fileURLToPath(new URL("../../../assets/fonts/DejaVuSans.ttf", import.meta.url));
const FAMILY = "MarketbriefSans";

export const QUOTE_CHART_SIZE = { width: 800, height: 400 } as const;
const TILE = { width: 300, height: 130 } as const;
const DAY_COLUMNS = 3;

const COLORS = {
  background: "#ffffff",
  text: "#1f2328",
  muted: "#656d76",
  grid: "#e6e8eb",
  reference: "#8c959f",
  up: "#1a7f37",
  down: "#cf222e",
  flat: "#0969da",
} as const;

/** The chart renderer, its font registered now: a server without fonts still draws text. */
export function createChartRenderer(): ChartRenderer {
  if (!GlobalFonts.has(FAMILY) && GlobalFonts.registerFromPath(FONT_PATH, FAMILY) === null) {
    throw new Error(`could not load the chart font ${FONT_PATH}`);
  }
  return {
    async renderQuote(quote, options = {}) {
      const width = Math.max(600, options.width ?? QUOTE_CHART_SIZE.width);
      const height = Math.max(300, options.height ?? QUOTE_CHART_SIZE.height);
      const canvas = createCanvas(width, height);
      const ctx = canvas.getContext("2d");
      drawQuoteChart(ctx, quote, { width, height, locale: options.locale, labels: options.labels ?? true });
      return canvas.encode("png");
    },
    async renderDay(quotes, options = {}) {
      const shown = quotes.slice(0, DAY_CHART_MAX_TICKERS);
      const columns = Math.min(DAY_COLUMNS, Math.max(1, shown.length));
      const rows = Math.max(1, Math.ceil(shown.length / columns));
      // At least 600 wide, so one or two panels stay readable at Discord's embed width.
      const tileWidth = Math.max(TILE.width, Math.ceil(600 / columns));
      const canvas = createCanvas(tileWidth * columns, TILE.height * rows);
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = COLORS.background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      for (const [i, quote] of shown.entries()) {
        ctx.save();
        ctx.translate((i % columns) * tileWidth, Math.floor(i / columns) * TILE.height);
        drawTile(ctx, quote, { width: tileWidth, height: TILE.height, locale: options.locale, labels: options.labels ?? true });
        ctx.restore();
      }
      return canvas.encode("png");
    },
  };
}

interface DrawOptions {
  width: number;
  height: number;
  locale: string | undefined;
  labels: boolean;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function font(size: number, bold = false): string {
  return `${bold ? "bold " : ""}${size}px ${FAMILY}`;
}

function trendColor(change: number | null): string {
  if (change === null || change === 0) return COLORS.flat;
  return change > 0 ? COLORS.up : COLORS.down;
}

/** The chart's reference: the previous close for a day, the close before the first bar otherwise. */
function referenceOf(quote: Quote): { value: number; label: string } | undefined {
  if (quote.range === "1d" && quote.previousClose !== null) return { value: quote.previousClose, label: "Prev. close" };
  if (quote.chartPreviousClose !== null) return { value: quote.chartPreviousClose, label: "Start" };
  return quote.previousClose === null ? undefined : { value: quote.previousClose, label: "Prev. close" };
}

function valueBounds(values: readonly number[]): { min: number; max: number } {
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
function niceTicks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function timeFormat(range: ChartRange, timeZone: string, locale: string | undefined): Intl.DateTimeFormat {
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
function xScale(bars: readonly PriceBar[], quote: Quote, box: Box): (i: number) => number {
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

function drawLine(ctx: SKRSContext2D, bars: readonly PriceBar[], x: (i: number) => number, y: (v: number) => number, color: string, width: number, box: Box): void {
  if (bars.length === 0) return;
  ctx.beginPath();
  for (const [i, bar] of bars.entries()) {
    if (i === 0) ctx.moveTo(x(i), y(bar.close));
    else ctx.lineTo(x(i), y(bar.close));
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineJoin = "round";
  ctx.stroke();
  // A light fill under the line helps reading the trend at a glance.
  ctx.lineTo(x(bars.length - 1), box.bottom);
  ctx.lineTo(x(0), box.bottom);
  ctx.closePath();
  ctx.globalAlpha = 0.08;
  ctx.fillStyle = color;
  ctx.fill();
  ctx.globalAlpha = 1;
}

function drawReference(ctx: SKRSContext2D, y: number, box: Box): void {
  ctx.save();
  ctx.setLineDash([6, 4]);
  ctx.strokeStyle = COLORS.reference;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(box.left, y);
  ctx.lineTo(box.right, y);
  ctx.stroke();
  ctx.restore();
}

function drawQuoteChart(ctx: SKRSContext2D, quote: Quote, o: DrawOptions): void {
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, o.width, o.height);
  const box: Box = { left: 20, top: 64, right: o.width - 92, bottom: o.height - 40 };
  const bars = quote.bars.length > 0 ? quote.bars : [{ time: Date.parse(quote.marketTime), close: quote.price }];
  const reference = referenceOf(quote);
  const { min, max } = valueBounds([...bars.map((b) => b.close), ...(reference ? [reference.value] : [])]);
  const y = (v: number) => box.bottom - ((v - min) / (max - min)) * (box.bottom - box.top);
  const x = xScale(bars, quote, box);
  const digits = priceDigits(quote.price);
  const ticks = niceTicks(min, max, 5);

  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  for (const tick of ticks) {
    ctx.beginPath();
    ctx.moveTo(box.left, Math.round(y(tick)) + 0.5);
    ctx.lineTo(box.right, Math.round(y(tick)) + 0.5);
    ctx.stroke();
  }
  const changeFromReference = reference === undefined ? quote.change : quote.price - reference.value;
  const color = trendColor(changeFromReference);
  if (reference) drawReference(ctx, y(reference.value), box);
  drawLine(ctx, bars, x, y, color, 2.5, box);
  if (!o.labels) return;

  // Header: symbol and name, then price, change and state.
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  ctx.fillStyle = COLORS.text;
  ctx.font = font(20, true);
  const title = `${quote.symbol}${quote.name ? ` · ${quote.name}` : ""}`;
  ctx.fillText(fit(ctx, title, o.width - 40), 20, 28);
  ctx.font = font(16);
  const price = `${formatPrice(quote.price, o.locale, digits)} ${quote.currency}`;
  ctx.fillText(price, 20, 52);
  const priceWidth = ctx.measureText(price).width;
  if (quote.change !== null && quote.changePct !== null) {
    ctx.fillStyle = trendColor(quote.change);
    ctx.fillText(`${formatPct(quote.changePct, o.locale)} `, 32 + priceWidth, 52);
  }
  ctx.textAlign = "right";
  ctx.fillStyle = COLORS.muted;
  ctx.font = font(13);
  ctx.fillText(`${quote.exchange ? `${quote.exchange} · ` : ""}${MARKET_STATE_LABEL[quote.marketState]} · ${quote.range}`, o.width - 20, 52);

  // Price axis on the right.
  ctx.textAlign = "left";
  ctx.font = font(12);
  for (const tick of ticks) {
    const ty = y(tick);
    if (ty < box.top - 4 || ty > box.bottom + 4) continue;
    ctx.fillStyle = COLORS.muted;
    ctx.fillText(formatPrice(tick, o.locale, digits), box.right + 8, ty + 4);
  }
  if (reference) {
    ctx.fillStyle = COLORS.reference;
    ctx.font = font(11);
    const ry = y(reference.value);
    ctx.fillText(`${reference.label} ${formatPrice(reference.value, o.locale, digits)}`, box.left + 4, ry > box.top + 16 ? ry - 5 : ry + 14);
  }

  // Time axis in the exchange's local time.
  const format = timeFormat(quote.range, quote.exchangeTimeZone, o.locale);
  ctx.font = font(12);
  ctx.fillStyle = COLORS.muted;
  ctx.textAlign = "center";
  const labels = Math.min(6, bars.length);
  let lastRight = -Infinity;
  let lastText = "";
  for (let k = 0; k < labels; k++) {
    const i = labels === 1 ? 0 : Math.round((k / (labels - 1)) * (bars.length - 1));
    const bar = bars[i];
    if (bar === undefined) continue;
    const text = format.format(bar.time);
    if (text === lastText) continue;
    const tx = Math.min(Math.max(x(i), box.left + ctx.measureText(text).width / 2), box.right - ctx.measureText(text).width / 2);
    if (tx - ctx.measureText(text).width / 2 < lastRight + 8) continue;
    ctx.fillText(text, tx, box.bottom + 18);
    lastRight = tx + ctx.measureText(text).width / 2;
    lastText = text;
  }
  ctx.textAlign = "right";
  ctx.font = font(11);
  ctx.fillText(`Times: ${quote.exchangeTimeZone}`, o.width - 20, o.height - 6);
}

function drawTile(ctx: SKRSContext2D, quote: Quote, o: DrawOptions): void {
  const box: Box = { left: 10, top: 48, right: o.width - 10, bottom: o.height - 10 };
  const bars = quote.bars.length > 0 ? quote.bars : [{ time: Date.parse(quote.marketTime), close: quote.price }];
  const reference = quote.previousClose ?? quote.chartPreviousClose;
  const { min, max } = valueBounds([...bars.map((b) => b.close), ...(reference !== null ? [reference] : [])]);
  const y = (v: number) => box.bottom - ((v - min) / (max - min)) * (box.bottom - box.top);
  const x = xScale(bars, quote, box);
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, o.width - 1, o.height - 1);
  if (reference !== null) drawReference(ctx, y(reference), box);
  drawLine(ctx, bars, x, y, trendColor(quote.change), 2, box);
  if (!o.labels) return;
  ctx.textAlign = "left";
  ctx.fillStyle = COLORS.text;
  ctx.font = font(15, true);
  ctx.fillText(fit(ctx, quote.symbol, o.width / 2 - 10), 10, 21);
  ctx.font = font(13);
  ctx.fillText(`${formatPrice(quote.price, o.locale)} ${quote.currency}`, 10, 40);
  ctx.textAlign = "right";
  if (quote.changePct !== null) {
    ctx.fillStyle = trendColor(quote.change);
    ctx.font = font(15, true);
    ctx.fillText(formatPct(quote.changePct, o.locale), o.width - 10, 21);
  }
  ctx.fillStyle = COLORS.muted;
  ctx.font = font(11);
  ctx.fillText(quote.tradedToday ? MARKET_STATE_LABEL[quote.marketState] : "Closed today", o.width - 10, 40);
}

function fit(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}
