import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYNTHESIS_SCHEMA_NAME } from "../src/adapters/llm/openai-synthesis.ts";
import { parseSince } from "../src/cli/digest-command.ts";
import type { Digest } from "../src/core/digest.ts";
import { startNewsWorld, type NewsWorld } from "./fixtures/digest/news-world.ts";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";
import { runCli } from "./support/run-cli.ts";

const SINCE = "2026-02-19T12:00:00Z";

let dir: string;
let world: NewsWorld;
let llm: OpenAiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-cli-digest-"));
  world = await startNewsWorld();
  llm = await startOpenAiServer({
    schemas: {
      [SYNTHESIS_SCHEMA_NAME]: () => ({ tone: "bullish", bullets: ["Cloud revenue beat estimates.", "Shares rose."], driverStoryIds: [] }),
    },
  });
});

afterAll(async () => {
  await world?.close();
  await llm?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function env(db: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NEWS_FEEDS: world.templates.join(" "),
    FETCH_ALLOW_PRIVATE: "127.0.0.1,127.0.0.2",
    MARKET_DATA_URL: "off",
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: "test-key",
    LLM_MODEL: "test-model",
    DATABASE_URL: `sqlite:${join(dir, db)}`,
    ...extra,
  };
}

describe("marketbrief digest", () => {
  it("prints the digest as JSON; a repeat costs no model request", async () => {
    llm.reset();
    const run = await runCli(["digest", "--ticker", "BABA", "--ticker", "9988.HK", "--since", SINCE, "--json"], { env: env("a.sqlite") });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const digest = JSON.parse(run.stdout) as Digest;
    expect(digest.since).toBe("2026-02-19T12:00:00.000Z");
    expect(digest.warnings).toEqual([]);
    expect(digest.tickers.map((t) => [t.symbol, t.mode, t.tone, t.stories.length, t.bullets.length])).toEqual([
      ["BABA", "llm", "bullish", 3, 2],
      ["9988.HK", "llm", "bullish", 3, 2],
    ]);
    const shared = digest.tickers[0]?.stories.find((s) => s.sources.length === 2);
    expect(shared?.sources.map((s) => s.outlet)).toEqual(["Market Wire", "Finance Daily"]);
    expect(llm.requests.length).toBe(5 + 2);
    expect(world.pageHits("/a/alibaba-cloud-beat")).toBe(1);

    const again = await runCli(["digest", "-t", "baba,9988.hk", "--since", SINCE, "--json"], { env: env("a.sqlite") });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as Digest).tickers).toEqual(digest.tickers);
    expect(llm.requests.length).toBe(7);
  });

  it("prints readable text: tone, bullets, stories with outlets and links", async () => {
    const run = await runCli(["digest", "--ticker", "BABA", "--since", SINCE, "--lang", "de"], { env: env("b.sqlite") });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Digest of news since 2026-02-19 12:00 UTC (language: de)");
    expect(run.stdout).toContain("BABA: Alibaba Group Holding Ltd");
    expect(run.stdout).toContain("  Tone: bullish");
    expect(run.stdout).toContain("  • Cloud revenue beat estimates.");
    expect(run.stdout).toContain(`     Market Wire: ${world.marketWire.url}/a/alibaba-cloud-beat`);
    expect(run.stdout).toContain(`     Finance Daily: ${world.financeDaily.url}/b/alibaba-cloud-revenue`);
    expect(run.stdout).not.toContain("Dubai");
  });

  it("marks a digest without a model as headlines only", async () => {
    const noLlm = env("c.sqlite");
    delete noLlm.OPENAI_BASE_URL;
    delete noLlm.OPENAI_API_KEY;
    const run = await runCli(["digest", "--ticker", "BABA", "--since", SINCE], { env: noLlm });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("! No language model is configured: this digest is headlines and links only.");
    expect(run.stdout).toContain("(headlines and links only)");
  });

  it("refuses an unknown symbol with close matches, exit 1", async () => {
    const run = await runCli(["digest", "--ticker", "BABA", "--ticker", "BABAA"], { env: env("d.sqlite") });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^marketbrief: Unknown symbol BABAA\. Did you mean: BABA \(Alibaba/);
    expect(run.stdout).toBe("");
  });

  it("exits 2 on usage errors", async () => {
    const cases = [
      { args: ["digest", "BABA"], message: /needs at least one --ticker|no positional/ },
      { args: ["digest", "--ticker", "BABA", "--since", "yesterday"], message: /--since "yesterday" is neither/ },
      { args: ["digest", "--ticker", "BABA", "--lang", "german"], message: /two-letter language code/ },
    ];
    for (const { args, message } of cases) {
      const run = await runCli(args, { env: env("e.sqlite") });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});

describe("--since", () => {
  const now = new Date("2026-02-20T12:00:00Z");
  it("takes a duration back from now or an ISO instant", () => {
    expect(parseSince("24h", now).toISOString()).toBe("2026-02-19T12:00:00.000Z");
    expect(parseSince("90m", now).toISOString()).toBe("2026-02-20T10:30:00.000Z");
    expect(parseSince("2d", now).toISOString()).toBe("2026-02-18T12:00:00.000Z");
    expect(parseSince("2026-02-20T09:15:00+01:00", now).toISOString()).toBe("2026-02-20T08:15:00.000Z");
  });
  it("refuses anything else, and the future", () => {
    for (const text of ["yesterday", "24", "h24", "2026-13-45", "2026-02-21T00:00:00Z"]) {
      expect(() => parseSince(text, now), text).toThrow(/--since/);
    }
  });
});
