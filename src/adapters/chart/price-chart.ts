import { createCanvas } from "@napi-rs/canvas";
import { DAY_CHART_MAX_TICKERS, type ChartRenderer } from "../../core/market.ts";
import { drawQuoteChart, drawTile } from "./chart-drawing.ts";
import { COLORS, registerChartFont } from "./chart-style.ts";

/**
 * Price charts as PNG, drawn with @napi-rs/canvas (Skia; its native part ships as a prebuilt
 * binary inside an npm package per platform) and the DejaVu Sans font shipped in assets/fonts,
 * so a server without any fonts still draws text.
 */

export { FONT_PATH } from "./chart-style.ts";

export const QUOTE_CHART_SIZE = { width: 800, height: 400 } as const;
const TILE = { width: 300, height: 130 } as const;
const DAY_COLUMNS = 3;

/** The chart renderer, its font registered now: a server without fonts still draws text. */
export function createChartRenderer(): ChartRenderer {
  registerChartFont();
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
