/**
 * Charts: valid PNGs of the promised size, drawn with the shipped font (text pixels are there:
 * a chart drawn with labels differs from the same chart without them in many pixels).
 */
import { GlobalFonts, loadImage, createCanvas } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { createChartRenderer, FONT_PATH } from "../src/adapters/chart/price-chart.ts";
import type { Quote } from "../src/core/market.ts";

const START = Date.UTC(2026, 2, 6, 1, 30);

function quote(overrides: Partial<Quote> = {}): Quote {
  const bars = Array.from({ length: 60 }, (_, i) => ({ time: START + i * 300_000, close: 130 + Math.sin(i / 6) + i * 0.02 }));
  return {
    symbol: "9988.HK",
    name: "Alibaba Group Holding Limited",
    price: 131.2,
    previousClose: 130.7,
    change: 0.5,
    changePct: 0.3826,
    currency: "HKD",
    exchange: "HKSE",
    exchangeTimeZone: "Asia/Hong_Kong",
    dayRange: { low: 129.1, high: 132 },
    marketTime: new Date(START + 59 * 300_000).toISOString(),
    marketState: "open",
    regularSession: { start: START, end: START + 6.5 * 3_600_000 },
    tradedToday: true,
    range: "1d",
    interval: "5m",
    chartPreviousClose: 130.7,
    bars,
    fetchedAt: new Date(START + 3_600_000).toISOString(),
    ...overrides,
  };
}

/** Width and height from the PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const bytes = Buffer.from(png);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function pixels(png: Uint8Array): Promise<Uint8ClampedArray> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, image.width, image.height).data;
}

async function differingPixels(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [pa, pb] = await Promise.all([pixels(a), pixels(b)]);
  let n = 0;
  for (let i = 0; i < pa.length; i += 4) if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2]) n++;
  return n;
}

describe("price charts", () => {
  const charts = createChartRenderer();

  it("draws a quote chart as a PNG of at least 600×300 with text from the shipped font", async () => {
    const png = await charts.renderQuote(quote(), { locale: "de" });
    const size = pngSize(png);
    expect(size.width).toBeGreaterThanOrEqual(600);
    expect(size.height).toBeGreaterThanOrEqual(300);
    expect(GlobalFonts.families.some((f) => f.family === "MarketbriefSans")).toBe(true);
    expect(FONT_PATH).toMatch(/assets\/fonts\/DejaVuSans\.ttf$/);
    const bare = await charts.renderQuote(quote(), { locale: "de", labels: false });
    expect(await differingPixels(png, bare)).toBeGreaterThan(2000);
  });

  it("writes numbers in the reader's format", async () => {
    const english = await charts.renderQuote(quote(), { locale: "en-US" });
    const german = await charts.renderQuote(quote(), { locale: "de" });
    // Same chart, different decimal separators in every label: the images differ only in text.
    expect(await differingPixels(english, german)).toBeGreaterThan(20);
  });

  it("draws every range and an empty series without failing", async () => {
    for (const range of ["5d", "1mo", "6mo", "1y", "5y"] as const) {
      expect(pngSize(await charts.renderQuote(quote({ range }))).width).toBe(800);
    }
    expect(pngSize(await charts.renderQuote(quote({ bars: [], previousClose: null, change: null, changePct: null }))).height).toBe(400);
  });

  it("draws the digest's compact day chart: a panel per ticker, at least 600 wide", async () => {
    const one = pngSize(await charts.renderDay([quote()]));
    expect(one.width).toBeGreaterThanOrEqual(600);
    const five = pngSize(await charts.renderDay([quote(), quote({ symbol: "BABA" }), quote(), quote(), quote()]));
    expect(five).toEqual({ width: 900, height: 260 });
  });
});
