/** `marketbrief quote` as a user runs it, against a local Yahoo-compatible chart server. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChartServer, type ChartServer } from "./support/chart-server.ts";
import { runCli } from "./support/run-cli.ts";

// A fixed trading day (the session's values are the test's; the CLI's clock only decides the market state).
const SESSION = { start: Date.UTC(2026, 2, 6, 14, 30) / 1000, end: Date.UTC(2026, 2, 6, 21, 0) / 1000 };

let server: ChartServer;
let dir: string;

beforeAll(async () => {
  server = await startChartServer();
  server.set("BABA", { price: 137.45, previousClose: 131.02, session: SESSION, name: "Alibaba Group Holding Limited" });
  dir = mkdtempSync(join(tmpdir(), "mb-cli-quote-"));
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { MARKET_DATA_URL: server.url, FETCH_ALLOW_PRIVATE: "127.0.0.1", DATABASE_URL: `sqlite:${join(dir, "cli.db")}`, ...extra };
}

describe("marketbrief quote", () => {
  it("--json gives the server's last price, previous close and the change % computed from them", async () => {
    const run = await runCli(["quote", "BABA", "--json"], { env: env() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const quote = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(quote).toMatchObject({ symbol: "BABA", price: 137.45, previousClose: 131.02, currency: "USD", exchange: "NYSE", exchangeTimeZone: "America/New_York", range: "1d" });
    expect(quote.changePct).toBeCloseTo(((137.45 - 131.02) / 131.02) * 100, 9);
    expect(quote.change).toBeCloseTo(6.43, 9);
    expect(["open", "closed", "pre", "post"]).toContain(quote.marketState);
    expect(server.requests.at(-1)).toMatchObject({ symbol: "BABA", range: "1d" });
  });

  it("--chart writes a PNG of at least 600×300; --range asks the server for that range", async () => {
    const file = join(dir, "f.png");
    const run = await runCli(["quote", "BABA", "--range", "5d", "--chart", file, "--locale", "de"], { env: env() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Last 137,45 USD  +6,43 (+4,91 %) vs previous close");
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(600);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(300);
    expect(server.requests.at(-1)).toMatchObject({ symbol: "BABA", range: "5d", interval: "15m" });
  });

  it("explains an unknown symbol, a failing source and prices turned off in one line, exit 1", async () => {
    const unknown = await runCli(["quote", "NOSUCH"], { env: env() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^marketbrief: No price data for NOSUCH\b.*\n$/);
    server.fail(500, 1);
    const failing = await runCli(["quote", "BABA"], { env: env({ DATABASE_URL: `sqlite:${join(dir, "fail.db")}` }) });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toBe("marketbrief: Prices unavailable: the market-data source is not answering right now.\n");
    const off = await runCli(["quote", "BABA"], { env: env({ MARKET_DATA_URL: "off" }) });
    expect(off.code).toBe(1);
    expect(off.stderr).toContain("MARKET_DATA_URL=off");
  });

  it("refuses a bad range with usage exit 2", async () => {
    const run = await runCli(["quote", "BABA", "--range", "2w"], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--range takes one of 1d, 5d, 1mo, 6mo, 1y, 5y/);
  });
});
