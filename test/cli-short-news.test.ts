import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";
import { PROJECT_ROOT, runCli } from "./support/run-cli.ts";

const PAGES = join(PROJECT_ROOT, "test/fixtures/pages");
const WIRE = join(PAGES, "wire-short.html");

let dir: string;
let llm: OpenAiServer;
let dbCounter = 0;
const freshDb = (): string => `sqlite:${join(dir, `db-${++dbCounter}.sqlite`)}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-cli-short-"));
  llm = await startOpenAiServer();
});

afterAll(async () => {
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("extract --json reports an assessment instead of failing", () => {
  it("returns text and metadata for a short story, a gzipped windows-1252 page, a gallery and a homepage", async () => {
    const gz = join(dir, "stadtwerke.html.gz");
    writeFileSync(gz, gzipSync(readFileSync(join(PAGES, "de-datum-numerisch.html"))));
    const inputs = [WIRE, gz, join(PAGES, "gallery.html"), join(PAGES, "de-boerse-artikel.html")];
    const run = await runCli(["extract", ...inputs, "--json"], { env: { DATABASE_URL: freshDb() } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [wire, stadtwerke, gallery, full] = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(wire).toMatchObject({
      input: WIRE,
      ok: true,
      assessment: "short",
      title: "Hang Seng legt zu, Alibaba gefragt",
      date: "2025-08-08",
      publishedAt: "2025-08-08T09:12:00",
      author: "Anna Beispiel",
      byline: "Anna Beispiel",
      language: "de",
    });
    expect(wire.text).toContain("26.310 Punkte");
    expect(stadtwerke).toMatchObject({ ok: true, date: "2025-08-08", title: "Stadtwerke senken Strompreis" });
    expect(stadtwerke.text).toContain("Strombörse");
    expect(gallery).toMatchObject({ ok: true, assessment: "not_article" });
    expect(full).toMatchObject({ ok: true, assessment: "article" });
  });
});

describe("summarize a three-sentence wire story", () => {
  it("writes a brief without a model (extractive), with fewer key points and the date shown", async () => {
    const json = await runCli(["summarize", WIRE, "--json", "--lang", "de"], { env: { DATABASE_URL: freshDb() } });
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.engine).toBe("extractive");
    expect(result.source).toMatchObject({ title: "Hang Seng legt zu, Alibaba gefragt", publishedAt: "2025-08-08T09:12:00" });
    expect(result.brief.keyPoints.length).toBeGreaterThanOrEqual(1);
    expect(result.brief.keyPoints.length).toBeLessThanOrEqual(3);
    const text = readFileSync(WIRE, "utf8");
    for (const point of result.brief.keyPoints) expect(text).toContain(point.evidence);

    const plain = await runCli(["summarize", WIRE, "--lang", "de"], { env: { DATABASE_URL: freshDb() } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("published 2025-08-08");
  });

  it("writes a brief with an OpenAI-compatible model", async () => {
    llm.reset();
    const run = await runCli(["summarize", WIRE, "--json", "--lang", "en"], {
      env: { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: "test-key", LLM_MODEL: "test-model", DATABASE_URL: freshDb() },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.engine).toBe("llm");
    expect(result.brief.keyPoints.length).toBeGreaterThanOrEqual(1);
    expect(llm.requests).toHaveLength(1);
    expect(JSON.stringify(llm.requests[0]?.body.messages)).toContain("26.310 Punkte");
  });
});

describe("summarize still refuses pages without an article", () => {
  it("refuses a homepage and a gallery in one line on stderr, exit 1", async () => {
    for (const name of ["homepage.html", "gallery.html"]) {
      const run = await runCli(["summarize", join(PAGES, name)], { env: { DATABASE_URL: freshDb() } });
      expect(run.code, name).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n"), name).toHaveLength(1);
      expect(run.stderr, name).toMatch(/no article text to summarize/);
    }
  });
});
