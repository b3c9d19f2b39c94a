/**
 * What the services count, as GET /metrics renders it: the app built by createApp (as the bot
 * builds it) with the prom-client adapter, the openai SDK against the OpenAI stand-in and the
 * market-data adapter against the local chart server.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrometheusMetrics, type PrometheusMetrics } from "../src/adapters/metrics/prometheus.ts";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { isMarketDataError } from "../src/core/market.ts";
import { removalKind } from "../src/core/verify/removal-metrics.ts";
import { articleOf, faithfulBrief, fabricate, isRepair } from "./support/brief-fabrication.ts";
import { startChartServer, type ChartServer } from "./support/chart-server.ts";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const ENGLISH = readFileSync(join(PROJECT_ROOT, "test/fixtures/extractive/chipmakers-nasdaq.en.txt"), "utf8");

/** The value of one sample in Prometheus text (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

let dir: string;
let llm: OpenAiServer;
let charts: ChartServer;
let app: App;
let metrics: PrometheusMetrics;
let injected = 0;
let fabricatedFields: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-ops-metrics-"));
  charts = await startChartServer();
  let symbols: App["symbols"] | undefined;
  llm = await startOpenAiServer({
    schemas: {
      brief: (request) => {
        const article = articleOf(request);
        if (symbols === undefined) throw new Error("the app is not built yet");
        const faithful = faithfulBrief(article, symbols);
        if (isRepair(request)) return faithful;
        const fabricated = fabricate("number-in-text", article, faithful, symbols);
        if (fabricated === undefined) throw new Error("the article gives the fabrication no place");
        injected = fabricated.injected;
        fabricatedFields = fabricated.fields;
        return fabricated.brief;
      },
    },
  });
  metrics = createPrometheusMetrics({ defaultMetrics: false });
  app = await createApp(
    loadConfig({
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "test-key",
      LLM_MODEL: "test-model",
      DATABASE_URL: `sqlite:${join(dir, "metrics.db")}`,
      MARKET_DATA_URL: charts.url,
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
    }),
    pino({ level: "silent" }),
    { metrics },
  );
  symbols = app.symbols;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await llm?.close();
  await charts?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("marketbrief_verifier_removals_total", () => {
  it("counts each fabricated figure the verifier removes from a model brief, once, by kind", async () => {
    const series = 'marketbrief_verifier_removals_total{reason="figure"}';
    expect(sample(await metrics.render(), series)).toBe(0);

    const { result } = await app.summarizer.summarize({ kind: "text", text: ENGLISH, name: "chipmakers.txt" }, { language: "en" });
    expect(result.engine).toBe("llm");
    expect(injected).toBeGreaterThan(0);
    const removed = result.verification?.removed ?? [];
    expect(removed.map((r) => r.field).toSorted()).toEqual(fabricatedFields.toSorted());
    expect(removed.every((r) => removalKind(r) === "figure")).toBe(true);
    // The engine's check and the final verification see the same answer: counted once.
    expect(sample(await metrics.render(), series)).toBe(injected);

    // A cached brief is not verified again.
    const again = await app.summarizer.summarize({ kind: "text", text: ENGLISH, name: "chipmakers.txt" }, { language: "en" });
    expect(again.result.cached).toBe(true);
    expect(sample(await metrics.render(), series)).toBe(injected);
  }, 60_000);
});

async function count(status: string): Promise<number> {
  return sample(await metrics.render(), `marketbrief_market_data_fetches_total{status="${status}"}`);
}

describe("marketbrief_market_data_fetches_total", () => {
  it("counts a quote by outcome: ok, then cached, and not_found for an unknown symbol", async () => {
    const now = Math.floor(Date.now() / 1000);
    charts.set("AAPL", { price: 201.5, previousClose: 198, session: { start: now - 3600, end: now + 3600 } });
    const market = app.market;
    if (market === undefined) throw new Error("market data is off");

    expect(await count("ok")).toBe(0);
    const quote = await market.quote("AAPL", "1d");
    expect(quote.price).toBe(201.5);
    expect(await count("ok")).toBe(1);

    await market.quote("AAPL", "1d");
    expect(await count("ok")).toBe(1);
    expect(await count("cached")).toBe(1);
    expect(charts.requests.filter((r) => r.symbol === "AAPL")).toHaveLength(1);

    const unknown = await market.quote("NOPE", "1d").catch((err: unknown) => err);
    expect(isMarketDataError(unknown)).toBe(true);
    expect(await count("not_found")).toBe(1);
  });
});

describe("removalKind", () => {
  it("names the kind of a removal from its reason, for a bounded metric label", () => {
    expect(removalKind({ reason: "figure 17.31 % not stated in the article; figure $987.65 not stated in the article" })).toBe("figure");
    expect(removalKind({ reason: "direction of -3.2 % is the opposite of the article's" })).toBe("direction");
    expect(removalKind({ reason: "currency of HK$ 5 not stated in the article" })).toBe("currency");
    expect(removalKind({ reason: "not an ISO 4217 code" })).toBe("currency");
    expect(removalKind({ reason: "quote not verbatim in the article" })).toBe("quote");
    expect(removalKind({ reason: "symbol not in the symbol directory" })).toBe("symbol");
    expect(removalKind({ reason: "the article does not mention Apple Inc." })).toBe("company_not_mentioned");
    expect(removalKind({ reason: "price not stated for this company" })).toBe("move");
    expect(removalKind({ reason: "no story with this id" })).toBe("story_id");
    expect(removalKind({ reason: "something new" })).toBe("other");
  });
});
