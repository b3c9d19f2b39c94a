import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import type { Article } from "../src/core/article.ts";
import { BriefSchema, type Ticker } from "../src/core/brief.ts";
import { isUserFacingError } from "../src/core/errors.ts";
import { cleanTitle, createExtractiveEngine } from "../src/core/extractive/engine.ts";
import { rankSentences } from "../src/core/extractive/rank.ts";
import { splitSentences } from "../src/core/extractive/sentences.ts";
import type { EngineOutput } from "../src/core/ports.ts";

const engine = createExtractiveEngine({ symbols: loadSymbolDirectory() });
const FIXTURES = join(import.meta.dirname, "fixtures/extractive");
const SEEDS = join(import.meta.dirname, "../../shared/corpus/seeds");
const haveSeeds = existsSync(SEEDS);
if (!haveSeeds) console.warn(`Skipping the seed-article checks: ${SEEDS} not found (../shared is absent).`);

/** Minimal stand-in for the extractor: first line is the title, the rest the text. */
function articleFrom(raw: string, language: string): Article {
  const newline = raw.indexOf("\n");
  return { title: raw.slice(0, newline).trim(), text: raw.slice(newline + 1).trim(), language };
}

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

async function summarize(raw: string, articleLanguage: string, language: string): Promise<EngineOutput> {
  return engine.summarize({ article: articleFrom(raw, articleLanguage), language });
}

function tickerFor(output: EngineOutput, symbols: readonly string[]): Ticker {
  const ticker = output.brief.tickers.find((t) => symbols.includes(t.symbol));
  if (!ticker) throw new Error(`no ticker among ${symbols.join(", ")} in ${output.brief.tickers.map((t) => t.symbol).join(", ")}`);
  return ticker;
}

function expectQuotedFrom(output: EngineOutput, raw: string) {
  expect(output.brief.keyPoints.length).toBeGreaterThanOrEqual(3);
  expect(output.brief.keyPoints.length).toBeLessThanOrEqual(5);
  for (const point of output.brief.keyPoints) {
    expect(raw).toContain(point.evidence);
    expect(point.text).toBe(point.evidence);
  }
}

describe("extractive engine", () => {
  it("names itself for the cache key and costs no model request", async () => {
    expect([engine.name, engine.model, engine.promptVersion]).toEqual(["extractive", "extractive-v1", "extractive-v1"]);
    const output = await summarize(fixture("sap-siemens-dax.de.txt"), "de", "de");
    expect(output).toMatchObject({ engine: "extractive", model: "extractive-v1", requests: 0, warnings: [] });
    expect(() => BriefSchema.parse(output.brief)).not.toThrow();
  });

  it("reports German moves with sign verbs, thousands separators and no index ticker", async () => {
    const raw = fixture("sap-siemens-dax.de.txt");
    const output = await summarize(raw, "de", "de");
    expect(output.brief.headline).toBe("SAP und Siemens bewegen den DAX in unterschiedliche Richtungen");
    expect(tickerFor(output, ["SAP.DE"])).toMatchObject({
      sentiment: "bullish",
      moves: [{ changePct: 4.25, price: 1234.5, currency: "EUR" }],
    });
    expect(tickerFor(output, ["SIE.DE"])).toMatchObject({
      sentiment: "bearish",
      moves: [{ changePct: -2.1, price: 176.3, currency: "EUR" }],
    });
    expect(output.brief.tickers.map((t) => t.symbol)).not.toContain("DBK.DE");
    expect(output.brief.whyItMatters).toBe("SAP (SAP.DE) stieg um 4,25 % auf 1.234,50 EUR; Siemens (SIE.DE) fiel um 2,1 % auf 176,30 EUR.");
    expectQuotedFrom(output, raw);
    const quoted = output.brief.keyPoints.map((k) => k.text).join("\n");
    expect(quoted).not.toMatch(/Kaufen oder verkaufen|Gratis-Analyse|Einstieg|Redaktion/);
  });

  it("summarizes an English article and keeps the current price over a past one", async () => {
    const raw = fixture("chipmakers-nasdaq.en.txt");
    const output = await summarize(raw, "en", "en");
    expect(output.warnings).toEqual([]);
    expect(tickerFor(output, ["NVDA"]).moves).toEqual([{ changePct: 4.6, price: 912.3, currency: "USD" }]);
    expect(tickerFor(output, ["INTC"])).toMatchObject({ sentiment: "bearish", moves: [{ changePct: -3.2, price: 31.05 }] });
    expect(tickerFor(output, ["AMD"]).moves).toEqual([{ changePct: 1.8, price: 164.2, currency: "USD" }]);
    expect(output.brief.tickers.map((t) => t.symbol).toSorted()).toEqual(["AMD", "INTC", "NVDA"]);
    expect(output.brief.whyItMatters).toContain("Nvidia (NVDA) rose 4.6 % to 912.30 USD");
    expectQuotedFrom(output, raw);
    const quoted = output.brief.keyPoints.map((k) => k.text).join("\n");
    expect(quoted).not.toMatch(/newsletter|Jane Example/);
  });

  it("takes the current price of a narrated price history", async () => {
    const raw = fixture("infineon-history.de.txt");
    const output = await summarize(raw, "de", "de");
    expect(tickerFor(output, ["IFX.DE"])).toMatchObject({ sentiment: "bearish", moves: [{ price: 34.55, currency: "EUR", changePct: null }] });
    expect(output.brief.whyItMatters).toBe("Infineon (IFX.DE) notiert nach Verlusten bei 34,55 EUR.");
  });

  it("quotes in the article's language and says so when the reader's language differs", async () => {
    const output = await summarize(fixture("infineon-history.de.txt"), "de", "fr");
    expect(output.warnings).toEqual([
      "The extractive engine cannot translate: the key points are quoted in the article's language (de).",
    ]);
    expect(output.brief.whyItMatters).toBe("Infineon (IFX.DE) is quoted at 34.55 EUR after a decline.");
  });

  it("is deterministic", async () => {
    const raw = fixture("chipmakers-nasdaq.en.txt");
    expect(await summarize(raw, "en", "de")).toEqual(await summarize(raw, "en", "de"));
  });

  it("refuses a text without one full sentence to quote", async () => {
    const error = await summarize("Kurz\nDax +0,4 %. Euro 1,08.", "de", "de").catch((e: unknown) => e);
    expect(isUserFacingError(error) && error.code).toBe("not_article");
  });

  it("briefs a three-sentence wire story with one key point per sentence, each quoted", async () => {
    const wire = [
      "Hang Seng climbs as Alibaba rallies",
      "Hong Kong's Hang Seng index rose 1.4 % to 26,310 points on Tuesday, led by technology shares.",
      "Alibaba Group gained 3.1 % to HK$154.60 after the company raised its cloud revenue forecast.",
      "Traders said mainland buying through the Stock Connect programme supported the market.",
    ].join("\n");
    const output = await summarize(wire, "en", "en");
    expect(output.brief.headline).toBe("Hang Seng climbs as Alibaba rallies");
    expect(output.brief.keyPoints.length).toBeGreaterThanOrEqual(1);
    expect(output.brief.keyPoints.length).toBeLessThanOrEqual(3);
    for (const point of output.brief.keyPoints) expect(wire).toContain(point.evidence);
    const alibaba = tickerFor(output, ["9988.HK", "BABA"]);
    expect(alibaba.moves[0]).toMatchObject({ changePct: 3.1, price: 154.6 });
  });

  it("stops when the request is aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    const article = articleFrom(fixture("sap-siemens-dax.de.txt"), "de");
    await expect(engine.summarize({ article, language: "de", signal: controller.signal })).rejects.toThrow("cancelled");
  });

  it("uses the first sentence's lead as headline when the title is really a paragraph", async () => {
    const raw = fixture("infineon-history.de.txt").split("\n").slice(2).join("\n");
    const output = await summarize(raw, "de", "de");
    expect(output.brief.headline).toBe("Die Aktie von Infineon tut sich weiter schwer");
    expectQuotedFrom(output, raw);
  });
});

describe("ranking", () => {
  it("ranks the sentence that shares the most with the rest above a more leading one", () => {
    const sentences = [
      "Die Aktie von Beispiel AG stieg am Morgen deutlich an.",
      "Das Wetter in der Stadt war freundlich und warm.",
      "Der Umsatz von Beispiel AG wuchs, und die Aktie von Beispiel AG profitierte vom Umsatz.",
      "Analysten sehen den Umsatz von Beispiel AG weiter wachsen.",
      "Die Aktie von Beispiel AG gilt nach dem Umsatz als Favorit.",
    ].map((text) => ({ text, factWeight: 0 }));
    const order = rankSentences(sentences).map((r) => r.index);
    expect(order.indexOf(2)).toBeLessThan(order.indexOf(1));
    expect(order.at(-1)).toBe(1);
  });

  it("splits sentences without breaking at ordinals, decimals or abbreviations", () => {
    const text = "Die Analyse vom 08. August liefert z. B. Zahlen wie 3.5 Mio. Euro. Danach kam Dr. Beispiel zu Wort.\nEine Überschrift";
    expect(splitSentences(text).map((s) => [s.text, s.heading])).toEqual([
      ["Die Analyse vom 08. August liefert z. B. Zahlen wie 3.5 Mio. Euro.", false],
      ["Danach kam Dr. Beispiel zu Wort.", false],
      ["Eine Überschrift", true],
    ]);
  });

  it("cleans titles", () => {
    expect(cleanTitle("• Erste Zeile• Zweite Zeile• Dritte")).toBe("Erste Zeile");
    expect(cleanTitle("Chip stocks rally | Example News", "Example News")).toBe("Chip stocks rally");
  });
});

const seed = (name: string) => readFileSync(join(SEEDS, name), "utf8");

describe.skipIf(!haveSeeds)("seed articles (../shared/corpus/seeds)", () => {
  it("alibaba-xiaomi-hk: both Hong Kong moves, no Hang Seng ticker, quoted key points", async () => {
    const raw = seed("alibaba-xiaomi-hk-2026-03.de.txt");
    const output = await summarize(raw, "de", "en");
    expect(tickerFor(output, ["BABA", "9988.HK"]).moves[0]).toEqual({ changePct: 3.48, price: 130.7, currency: "HKD" });
    expect(tickerFor(output, ["1810.HK", "XIACY"]).moves[0]).toEqual({ changePct: 3.79, price: 33.42, currency: "HKD" });
    expect(output.brief.tickers.every((t) => !/hang seng/i.test(t.name))).toBe(true);
    expect(output.brief.tickers.map((t) => t.symbol)).not.toContain("0011.HK");
    expectQuotedFrom(output, raw);
    expect(output.brief.keyPoints.map((k) => k.text).join("\n")).not.toMatch(/@JustinLin610|Redaktion finanzen/);
    expect(output.warnings).toHaveLength(1);
  });

  it("xiaomi-nasdaq: the last price first and no promotional key point", async () => {
    const raw = seed("xiaomi-nasdaq-2025-08.de.txt");
    const output = await summarize(raw, "de", "de");
    const xiaomi = tickerFor(output, ["XIACY", "XIACF", "1810.HK"]);
    expect(xiaomi.moves[0]).toMatchObject({ price: 6.58, currency: "USD" });
    expect(["XIACY", "XIACF"]).toContain(xiaomi.symbol);
    expect(xiaomi.sentiment).toBe("bearish");
    expectQuotedFrom(output, raw);
    const quoted = output.brief.keyPoints.map((k) => k.text).join("\n");
    expect(quoted).not.toMatch(/Kaufen oder verkaufen|Gratis-Analyse|Handlungsbedarf|Lohnt sich|erfahren Sie/);
  });
});
