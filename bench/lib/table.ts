/** Rows every benchmark prints: one measured figure, its unit, the target and whether it is met. */
export interface BenchRow {
  metric: string;
  value: number | string;
  unit: string;
  target: string;
  pass: boolean | "";
}

export function formatRows(rows: readonly BenchRow[]): string {
  const header = ["metric", "value", "unit", "target", "pass"];
  const cells = rows.map((r) => [r.metric, String(r.value), r.unit, r.target, r.pass === "" ? "" : r.pass ? "yes" : "NO"]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] as number)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
