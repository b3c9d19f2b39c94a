import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";
import { PROJECT_ROOT, runCli } from "./support/run-cli.ts";

const SEEDS = join(PROJECT_ROOT, "../shared/corpus/seeds");
const ARTICLE = readFileSync(join(PROJECT_ROOT, "test/fixtures/cli/article-de.html"));

let dir: string;
let web: TestServer;
let llm: OpenAiServer;
let dbCounter = 0;

function freshDb(): string {
  return `sqlite:${join(dir, `db-${++dbCounter}.sqlite`)}`;
}

function llmEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: "test-key",
    LLM_MODEL: "test-model",
    FETCH_ALLOW_PRIVATE: "127.0.0.1",
    DATABASE_URL: freshDb(),
    ...extra,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-cli-"));
  web = await startTestServer({
    "/article": { headers: { "content-type": "text/html; charset=windows-1252" }, body: ARTICLE },
    "/missing": { status: 404, headers: { "content-type": "text/html" }, body: "<h1>Not found</h1>" },
    "/redirect-to-loopback": { status: 302, headers: { location: "http://127.0.0.2:9/article" } },
  });
  llm = await startOpenAiServer();
});

afterAll(async () => {
  await web?.close();
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("CLI usage", () => {
  it("exits 2 with usage for no command, an unknown command, a missing input or a bad --lang", async () => {
    for (const args of [[], ["frobnicate"], ["summarize"], ["summarize", "x.txt", "--lang", "german"], ["summarize", "--nope", "x"]]) {
      const run = await runCli(args);
      expect(run.code, args.join(" ")).toBe(2);
    }
  });

  it("reports a missing file in one line, exit 1, no stack trace", async () => {
    const run = await runCli(["summarize", join(dir, "nope.txt")], { env: { DATABASE_URL: freshDb() } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/No such file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports every configuration problem at once", async () => {
    const run = await runCli(["summarize", "-"], { env: { LLM_TIMEOUT_MS: "soon", DATABASE_URL: "mysql://x" }, stdin: "x" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/LLM_TIMEOUT_MS/);
    expect(run.stderr).toMatch(/DATABASE_URL/);
  });
});

describe.skipIf(!existsSync(SEEDS))("seed articles with no LLM configured (extractive engine)", () => {
  it("Alibaba/Xiaomi in Hong Kong: language, both moves, 3-5 grounded key points", async () => {
    const file = join(SEEDS, "alibaba-xiaomi-hk-2026-03.de.txt");
    const run = await runCli(["summarize", file, "--json"], { env: { DATABASE_URL: freshDb() } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const text = readFileSync(file, "utf8");
    expect(out.engine).toBe("extractive");
    expect(out.cached).toBe(false);
    expect(out.source.language).toBe("de");
    const alibaba = out.brief.tickers.find((t: { symbol: string }) => ["BABA", "9988.HK"].includes(t.symbol));
    const xiaomi = out.brief.tickers.find((t: { symbol: string }) => ["1810.HK", "XIACY"].includes(t.symbol));
    expect(alibaba?.moves[0]).toEqual({ price: 130.7, currency: "HKD", changePct: 3.48 });
    expect(xiaomi?.moves[0]).toEqual({ price: 33.42, currency: "HKD", changePct: 3.79 });
    expect(out.brief.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(out.brief.keyPoints.length).toBeLessThanOrEqual(5);
    const flat = text.replace(/\s+/g, " ");
    for (const kp of out.brief.keyPoints) expect(flat).toContain(kp.evidence.replace(/\s+/g, " "));
  });

  it("Xiaomi on Nasdaq: last price 6.58 USD and no promotional paragraph", async () => {
    const run = await runCli(["summarize", join(SEEDS, "xiaomi-nasdaq-2025-08.de.txt"), "--json"], {
      env: { DATABASE_URL: freshDb() },
    });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const xiaomi = out.brief.tickers.find((t: { name: string }) => /xiaomi/i.test(t.name));
    expect(xiaomi?.moves[0]).toMatchObject({ price: 6.58, currency: "USD" });
    const used = JSON.stringify(out.brief);
    expect(used).not.toMatch(/Gratis-Analyse|Kaufen oder verkaufen|Handlungsbedarf/);
  });
});

describe("summarize with an OpenAI-compatible server", () => {
  it("makes exactly one structured-output request for a new brief and none for a repeat", async () => {
    const env = llmEnv();
    const before = llm.requests.length;
    const first = await runCli(["summarize", `${web.url}/article`, "--json", "--lang", "en"], { env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out).toMatchObject({ engine: "llm", model: "test-model", cached: false, language: "en" });
    expect(out.source).toMatchObject({ language: "de", siteName: "Testbörse Nachrichten" });
    expect(llm.requests.length - before).toBe(1);
    const request = llm.requests.at(-1);
    expect(request?.body.response_format?.type).toBe("json_schema");

    const repeat = await runCli(["summarize", `${web.url}/article`, "--json", "--lang", "en"], { env });
    expect(repeat.code).toBe(0);
    expect(JSON.parse(repeat.stdout).cached).toBe(true);
    expect(llm.requests.length - before).toBe(1);
  });

  it("retries a 429 and still writes an LLM brief", async () => {
    const before = llm.requests.length;
    llm.enqueue({ kind: "status", status: 429, retryAfterMs: 50 });
    const run = await runCli(["summarize", `${web.url}/article`, "--json"], { env: llmEnv() });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).engine).toBe("llm");
    expect(llm.requests.length - before).toBe(2);
  });

  it("falls back to the extractive engine with a warning when the output stays broken", async () => {
    const before = llm.requests.length;
    llm.enqueue({ kind: "raw", content: "{not json" }, { kind: "raw", content: "still not json" }, { kind: "raw", content: "{" });
    const run = await runCli(["summarize", `${web.url}/article`, "--json"], { env: llmEnv() });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.engine).toBe("extractive");
    expect(out.warnings.join(" ")).toMatch(/extractive/i);
    expect(llm.requests.length - before).toBeLessThanOrEqual(3);
    llm.reset();
  });

  it("does not hang when the server never answers", async () => {
    llm.enqueue({ kind: "hang" }, { kind: "hang" }, { kind: "hang" });
    const run = await runCli(["summarize", `${web.url}/article`, "--json"], {
      env: llmEnv({ LLM_TIMEOUT_MS: "300" }),
      timeoutMs: 25_000,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).engine).toBe("extractive");
    llm.reset();
  });
});

describe("fetch errors from the CLI", () => {
  it("refuses every loopback trick without connecting", async () => {
    const port = new URL(web.url).port;
    const before = web.connections;
    for (const url of [
      `http://localhost:${port}/article`,
      `http://[::1]:${port}/article`,
      `http://127.1:${port}/article`,
      `http://2130706433:${port}/article`,
      `http://0x7f000001:${port}/article`,
      `http://[::ffff:127.0.0.1]:${port}/article`,
    ]) {
      const run = await runCli(["summarize", url], { env: { DATABASE_URL: freshDb() } });
      expect(run.code, url).toBe(1);
      expect(run.stderr.trim().split("\n"), url).toHaveLength(1);
      expect(run.stderr, url).toMatch(/address|blocked|private|loopback/i);
    }
    expect(web.connections).toBe(before);
  });

  it("refuses a redirect to loopback and reports HTTP errors", async () => {
    const redirect = await runCli(["summarize", `${web.url}/redirect-to-loopback`], {
      env: { DATABASE_URL: freshDb(), FETCH_ALLOW_PRIVATE: "127.0.0.1/32" },
    });
    expect(redirect.code).toBe(1);
    expect(redirect.stderr).toMatch(/address|blocked|private|loopback/i);
    const missing = await runCli(["summarize", `${web.url}/missing`], {
      env: { DATABASE_URL: freshDb(), FETCH_ALLOW_PRIVATE: "127.0.0.1" },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404/);
  });
});

describe("extract", () => {
  it("writes one JSON object per input, in input order, in one process", async () => {
    const inputs = [join(PROJECT_ROOT, "test/fixtures/cli/article-de.html"), join(dir, "missing.html"), `${web.url}/article`];
    const run = await runCli(["extract", ...inputs, "--json"], {
      env: { DATABASE_URL: freshDb(), FETCH_ALLOW_PRIVATE: "127.0.0.1" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.input, l.ok])).toEqual([
      [inputs[0], true],
      [inputs[1], false],
      [inputs[2], true],
    ]);
    expect(lines[0].language).toBe("de");
    expect(lines[0].text).toMatch(/Walldorf steigerte den Umsatz/);
    expect(lines[0].text).not.toMatch(/Cookies|Mehr zum Thema|Impressum/);
    expect(lines[0].title).toMatch(/SAP-Aktie/);
    expect(lines[0].publishedAt).toMatch(/^2026-03-06/);
    expect(lines[1].error).toMatch(/No such file/);
    expect(lines[2].text).toBe(lines[0].text);
  });

  it("delivers every line of a large batch through a pipe before exiting", async () => {
    const file = join(PROJECT_ROOT, "test/fixtures/cli/article-de.html");
    const inputs = Array.from({ length: 200 }, () => file);
    const run = await runCli(["extract", ...inputs, "--json"], { env: { DATABASE_URL: freshDb() }, pauseStdoutMs: 2000 });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(run.stdout.length).toBeGreaterThan(128 * 1024);
    expect(lines).toHaveLength(200);
    for (const line of lines) expect(JSON.parse(line).ok).toBe(true);
  });

  it("reads plain text from standard input for summarize", async () => {
    const text = readFileSync(join(PROJECT_ROOT, "test/fixtures/cli/article-de.html"), "latin1")
      .replace(/<[^>]+>/g, "\n")
      .replace(/\n{2,}/g, "\n\n");
    const run = await runCli(["summarize", "-", "--json"], { env: { DATABASE_URL: freshDb() }, stdin: text });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).brief.keyPoints.length).toBeGreaterThanOrEqual(3);
  });

  it("shows too short text with extract, and summarize refuses it saying how much to paste", async () => {
    const text = "Dax fester.\n\nMehr nicht.\n";
    const extracted = await runCli(["extract", "-", "--json"], { env: { DATABASE_URL: freshDb() }, stdin: text });
    expect(extracted.code).toBe(0);
    expect(JSON.parse(extracted.stdout)).toMatchObject({ ok: true, assessment: "not_article", text: "Dax fester.\n\nMehr nicht." });
    const summarized = await runCli(["summarize", "-"], { env: { DATABASE_URL: freshDb() }, stdin: text });
    expect(summarized.code).toBe(1);
    expect(summarized.stderr.trim().split("\n")).toHaveLength(1);
    expect(summarized.stderr).toMatch(/too short.*at least 15 words/);
  });
});
