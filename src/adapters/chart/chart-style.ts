import { fileURLToPath } from "node:url";
import { GlobalFonts } from "@napi-rs/canvas";

/** The charts' look: the DejaVu Sans font shipped in assets/fonts, and the colours. */

export const FONT_PATH = fileURLToPath(new URL("../../../assets/fonts/DejaVuSans.ttf", import.meta.url));
const FAMILY = "MarketbriefSans";

export const COLORS = {
  background: "#ffffff",
  text: "#1f2328",
  muted: "#656d76",
  grid: "#e6e8eb",
  reference: "#8c959f",
  up: "#1a7f37",
  down: "#cf222e",
  flat: "#0969da",
} as const;

/** Registers the shipped font once, so a server without any fonts still draws text. */
export function registerChartFont(): void {
  if (!GlobalFonts.has(FAMILY) && GlobalFonts.registerFromPath(FONT_PATH, FAMILY) === null) {
    throw new Error(`could not load the chart font ${FONT_PATH}`);
  }
}

export function font(size: number, bold = false): string {
  return `${bold ? "bold " : ""}${size}px ${FAMILY}`;
}

export function trendColor(change: number | null): string {
  if (change === null || change === 0) return COLORS.flat;
  return change > 0 ? COLORS.up : COLORS.down;
}
