import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import type { Brief } from "../src/core/brief.ts";
import {
  articleOf,
  briefReply,
  fabricate,
  FABRICATION_KINDS,
  type FabricationKind,
  faithfulBrief,
} from "./support/brief-fabrication.ts";
import { startOpenAiServer, type OpenAiServer, type RecordedRequest } from "./support/openai-server.ts";
import { PROJECT_ROOT, runCli } from "./support/run-cli.ts";

const SEED = join(PROJECT_ROOT, "../shared/corpus/seeds/alibaba-xiaomi-hk-2026-03.de.txt");
const GERMAN = join(PROJECT_ROOT, "test/fixtures/extractive/sap-siemens-dax.de.txt");
const ENGLISH = join(PROJECT_ROOT, "test/fixtures/extractive/chipmakers-nasdaq.en.txt");
const symbols = loadSymbolDirectory();

let dir: string;
let llm: OpenAiServer;
let db = 0;
let reply: (request: RecordedRequest) => Brief = briefReply(symbols);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-verify-"));
  llm = await startOpenAiServer({ schemas: { brief: (request) => reply(request) } });
});

afterAll(async () => {
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function summarize(file: string, lang?: string) {
  const before = llm.requests.length;
  const args = ["summarize", file, "--json", ...(lang ? ["--lang", lang] : [])];
  const run = await runCli(args, {
    env: { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: "test-key", LLM_MODEL: "test-model", DATABASE_URL: `sqlite:${join(dir, `db-${++db}.sqlite`)}` },
  });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return { out: JSON.parse(run.stdout), requests: llm.requests.slice(before) };
}

const move = (out: { brief: Brief }, symbol: string) => out.brief.tickers.find((t) => t.symbol === symbol)?.moves[0];

describe("summarize against a faithful model", () => {
  it("keeps the LLM brief with its key points and every stated move (English article)", async () => {
    reply = briefReply(symbols);
    const { out, requests } = await summarize(ENGLISH);
    expect(requests).toHaveLength(1);
    expect(out.engine).toBe("llm");
    expect(out.brief.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(out.verification.removed).toEqual([]);
    expect(move(out, "NVDA")).toEqual({ price: 912.3, currency: "USD", changePct: 4.6 });
    expect(move(out, "INTC")).toEqual({ price: 31.05, currency: "USD", changePct: -3.2 });
  });

  it("keeps the German article's moves in German too", async () => {
    reply = briefReply(symbols);
    const { out } = await summarize(GERMAN, "de");
    expect(out.engine).toBe("llm");
    expect(out.verification.removed).toEqual([]);
    expect(move(out, "SAP.DE")).toEqual({ price: 1234.5, currency: "EUR", changePct: 4.25 });
    expect(move(out, "SIE.DE")).toEqual({ price: 176.3, currency: "EUR", changePct: -2.1 });
  });

  it.skipIf(!existsSync(SEED))("keeps the seed's figures: 9988.HK +3.48 % at 130.70 HKD and 1810.HK +3.79 % at 33.42 HKD", async () => {
    reply = briefReply(symbols);
    const { out } = await summarize(SEED, "en");
    expect(out.engine).toBe("llm");
    expect(out.brief.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(move(out, "9988.HK")).toEqual({ price: 130.7, currency: "HKD", changePct: 3.48 });
    expect(move(out, "1810.HK")).toEqual({ price: 33.42, currency: "HKD", changePct: 3.79 });
  });
});

describe("summarize against a fabricating model", () => {
  const cases = FABRICATION_KINDS.flatMap((kind, i) => [
    { kind, file: ENGLISH, lang: i % 2 === 0 ? "en" : undefined },
    { kind, file: GERMAN, lang: i % 2 === 0 ? undefined : "en" },
  ]);
  it.each(cases)("$kind in $file (--lang $lang): exit 0, nothing fabricated reaches the brief", async ({ kind, file, lang }) => {
    reply = briefReply(symbols, kind as FabricationKind);
    const { out, requests } = await summarize(file, lang);
    const first = requests[0] as RecordedRequest;
    const article = articleOf(first);
    const fabricated = fabricate(kind as FabricationKind, article, faithfulBrief(article, symbols), symbols);
    expect(fabricated, "the article has room for this fabrication").toBeDefined();
    expect(fabricated?.reached(out.brief)).toBe(0);
    expect(out.verification.removed.length).toBeGreaterThan(0);
    // Whatever was removed, what is posted is still a brief: an LLM one, or the extractive one after one repair.
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(out.brief.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(out.brief.headline).not.toBe("");
  });

  it("falls back to the labelled extractive brief when the repair is fabricated too", async () => {
    reply = briefReply(symbols, "paraphrased-quote", { stubborn: true });
    const fabricateAll = (request: RecordedRequest) => {
      const article = articleOf(request);
      const brief = faithfulBrief(article, symbols);
      return { ...brief, keyPoints: brief.keyPoints.map((k) => ({ ...k, evidence: `${k.evidence} (paraphrased)`.replace(/^\S+ /u, "") })) };
    };
    reply = fabricateAll;
    const { out, requests } = await summarize(ENGLISH);
    expect(requests).toHaveLength(2);
    expect(requests[1] && JSON.stringify(requests[1].body.messages)).toContain("keyPoints[0].evidence");
    expect(out.engine).toBe("extractive");
    expect(out.warnings[0]).toMatch(/does not support.*extractive brief/);
    for (const kp of out.brief.keyPoints) expect(kp.evidence).not.toContain("(paraphrased)");
  });
});
