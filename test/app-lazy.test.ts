import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createOpenAiEngine } from "../src/adapters/llm/openai-engine.ts";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "app-lazy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const src = (path: string) => pathToFileURL(join(PROJECT_ROOT, "src", path)).href;

/**
 * A real Node process builds the app as the bot does and reports which heavy parts it has loaded
 * (packages seen by the module resolver, the symbol CSV read through node:fs), before and after
 * one summary of pasted text (no model configured: the extractive engine, which needs symbols).
 */
const PROBE = `
import fs from "node:fs";
import { registerHooks, syncBuiltinESMExports } from "node:module";
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
let symbolReads = 0;
const readFileSync = fs.readFileSync;
fs.readFileSync = (path, ...rest) => { if (String(path).endsWith("symbols.csv")) symbolReads += 1; return readFileSync(path, ...rest); };
syncBuiltinESMExports();
const loaded = () => ({
  extractor: [...seen].some((u) => u.includes("/node_modules/linkedom/")),
  readability: [...seen].some((u) => u.includes("/node_modules/@mozilla/readability/")),
  languageDetection: [...seen].some((u) => u.includes("/node_modules/franc/")),
  openai: [...seen].some((u) => u.includes("/node_modules/openai/")),
  feedParser: [...seen].some((u) => u.includes("/node_modules/feedsmith/")),
  symbolData: symbolReads > 0,
});
const { createApp } = await import(${JSON.stringify(src("app.ts"))});
const { loadConfig } = await import(${JSON.stringify(src("config.ts"))});
const { silentLogger } = await import(${JSON.stringify(src("logger.ts"))});
const app = await createApp(loadConfig({ DATABASE_URL: process.env.PROBE_DB }), silentLogger);
const idle = loaded();
const text = "Die Aktie von SAP stieg am Freitag um 3 Prozent. Der Softwarekonzern aus Walldorf hob seine Prognose für das Gesamtjahr an. Analysten lobten das starke Cloud-Geschäft und die gute Auftragslage im dritten Quartal.";
const outcome = await app.summarizer.summarize({ kind: "text", text, name: "probe" }, { language: "de" });
const afterSummary = loaded();
await app.close();
process.stdout.write(JSON.stringify({ idle, afterSummary, engine: outcome.result.engine, tickers: outcome.result.brief.tickers.map((t) => t.symbol) }));
`;

describe("createApp", () => {
  it("loads the extractor, the OpenAI SDK, the feed parser and the symbol data only when first used", () => {
    const probe = join(dir, "probe.mjs");
    writeFileSync(probe, PROBE);
    const run = spawnSync(process.execPath, [probe], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", PROBE_DB: `sqlite:${join(dir, "probe.db")}` },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report["idle"]).toEqual({ extractor: false, readability: false, languageDetection: false, openai: false, feedParser: false, symbolData: false });
    expect(report["afterSummary"]).toEqual({ extractor: true, readability: true, languageDetection: true, openai: false, feedParser: false, symbolData: true });
    expect(report["engine"]).toBe("extractive");
    expect(report["tickers"]).toContain("SAP.DE");
  });

  it("reports the model and prompt version of the LLM engine before its SDK loads", async () => {
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, "llm.db")}`, OPENAI_API_KEY: "test-key", LLM_MODEL: "stand-in-model" });
    const app = await createApp(config, silentLogger);
    try {
      const llm = config.llm;
      if (!llm || !app.llm) throw new Error("expected an LLM configuration");
      const eager = createOpenAiEngine({ ...llm, logger: silentLogger });
      expect({ name: app.llm.name, model: app.llm.model, promptVersion: app.llm.promptVersion }).toEqual({
        name: eager.name,
        model: eager.model,
        promptVersion: eager.promptVersion,
      });
      expect(await app.loadExtractor()).toBe(await app.loadExtractor());
    } finally {
      await app.close();
    }
  });
});
