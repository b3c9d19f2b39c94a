import type { SKRSContext2D } from "@napi-rs/canvas";
import type { PriceBar, Quote } from "../../core/market.ts";
import { formatPct, formatPrice, MARKET_STATE_LABEL, priceDigits } from "../../core/price-format.ts";
import { niceTicks, referenceOf, timeFormat, valueBounds, xScale, type Box } from "./chart-scales.ts";
import { COLORS, font, trendColor } from "./chart-style.ts";

/** Draws one quote's chart, or one tile of the day's grid, onto a canvas context. */

export interface DrawOptions {
  width: number;
  height: number;
  locale: string | undefined;
  labels: boolean;
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

export function drawQuoteChart(ctx: SKRSContext2D, quote: Quote, o: DrawOptions): void {
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

export function drawTile(ctx: SKRSContext2D, quote: Quote, o: DrawOptions): void {
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
