/**
 * Two processes' worth of apps on one PostgreSQL build the same digest at the same moment: each
 * story is summarized, and each ticker synthesized, by only one of them (the model sees the
 * minimum number of requests), and both get the full digest.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYNTHESIS_SCHEMA_NAME } from "../src/adapters/llm/openai-synthesis.ts";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { startNewsWorld, SYMBOLS, type NewsWorld } from "./fixtures/digest/news-world.ts";
import { startOpenAiServer, userText, type OpenAiServer, type RecordedRequest } from "./support/openai-server.ts";
import { postgresForTests, startPostgres, type PostgresServer } from "./support/postgres-server.ts";

const pgBinaries = postgresForTests();
const NOW = new Date("2026-02-20T12:00:00Z");
const SINCE = new Date("2026-02-19T12:00:00Z");

function synthesisReply(request: RecordedRequest) {
  const ids = [...userText(request).matchAll(/<story id="([^"]+)">/g)].map((m) => m[1]);
  return { tone: "bullish", bullets: ["First bullet.", "Second bullet."], driverStoryIds: ids.slice(-1) };
}

describe.skipIf(!pgBinaries)("shared work across processes on one PostgreSQL", () => {
  let pg: PostgresServer;
  let world: NewsWorld;
  let llm: OpenAiServer;
  const apps: App[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    world = await startNewsWorld();
    // Slow answers keep both builds overlapping while the first holds each story.
    llm = await startOpenAiServer({ schemas: { [SYNTHESIS_SCHEMA_NAME]: synthesisReply } });
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({
        DATABASE_URL: pg.url,
        MARKET_DATA_URL: "off",
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: "test",
        LLM_MODEL: "test-model",
        NEWS_FEEDS: world.templates.join(" "),
        FETCH_ALLOW_PRIVATE: "127.0.0.1,127.0.0.2",
      });
      apps.push(await createApp(config, pino({ level: "silent" })));
    }
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await llm?.close();
    await world?.close();
    await pg?.close();
  });

  it("summarizes each story and synthesizes each ticker once between two builders", async () => {
    const request = { symbols: [...SYMBOLS], since: SINCE, language: "en", now: NOW };
    const [a, b] = await Promise.all(apps.map((app) => app.digestBuilder.build(request)));
    const briefs = llm.requests.filter((r) => r.schemaName === "brief");
    const syntheses = llm.requests.filter((r) => r.schemaName === SYNTHESIS_SCHEMA_NAME);
    const summarized = a?.tickers.flatMap((t) => t.stories.filter((s) => s.brief !== undefined)) ?? [];
    expect(summarized.length).toBeGreaterThan(0);
    // One brief request per summarized story (unique by URL), one synthesis per ticker.
    expect(briefs).toHaveLength(new Set(summarized.map((s) => s.url)).size);
    expect(syntheses).toHaveLength(SYMBOLS.length);
    expect(b?.tickers.map((t) => t.stories.map((s) => s.brief?.headline))).toEqual(a?.tickers.map((t) => t.stories.map((s) => s.brief?.headline)));
  }, 60_000);
});
