import { describe, expect, it } from "vitest";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import type { Article } from "../src/core/article.ts";
import { BriefSchema, type Brief } from "../src/core/brief.ts";
import { articleFacts } from "../src/core/verify/article-facts.ts";
import { figuresIn } from "../src/core/verify/figures.ts";
import { repairProblem, textIsQuote, verifyBrief } from "../src/core/verify/verify-brief.ts";

const symbols = loadSymbolDirectory();

// Written for these tests, in the style of German and English market news.
const DE: Article = {
  title: "Alibaba und Xiaomi im Aufwind",
  language: "de",
  publishedAt: "2026-03-06T09:30:00Z",
  text: [
    "Am Freitag zeigen sich die Aktien deutlich stärker: So gewann die Alibaba-Aktie in Hongkong 3,48 Prozent auf 130,70 HKD, während Anteilsscheine von Xiaomi um 3,79 Prozent auf 33,42 HKD anzogen.",
    "Der Hang Seng legte zeitweise um 1,72 Prozent zu.",
    "Alibaba steigerte den Umsatz im Quartal auf 1,2 Mrd. US-Dollar. Die Zahl der Kunden erreichte rund 30.000.",
    "Zu Wochenbeginn fiel die Xiaomi-Aktie um 2,1 Prozent.",
  ].join("\n\n"),
};

const EN: Article = {
  title: "Chip stocks lift the Nasdaq as Nvidia rallies",
  language: "en",
  text: [
    "Shares of Nvidia jumped 4.6% to $912.30 on Wednesday after the chipmaker raised its forecast.",
    "Intel fell 3.2% to $31.05, whereas Advanced Micro Devices (NASDAQ: AMD) rose 1.8% to $164.20 in heavy trading.",
    "Nvidia said quarterly revenue grew 18 percent from a year earlier, to $26 billion, and announced a $25bn buyback.",
  ].join("\n\n"),
};

const quoteDe = "So gewann die Alibaba-Aktie in Hongkong 3,48 Prozent auf 130,70 HKD";

function deBrief(overrides: Partial<Brief> = {}): Brief {
  return {
    headline: "Alibaba gains 3.48 % in Hong Kong",
    keyPoints: [
      { text: "Alibaba rose 3.48 percent to HK$130.70.", evidence: quoteDe },
      { text: "Xiaomi climbed 3.79 % to 33.42 HKD.", evidence: "Anteilsscheine von Xiaomi um 3,79 Prozent auf 33,42 HKD anzogen" },
      { text: "Alibaba's quarterly revenue reached $1.2 billion.", evidence: "Alibaba steigerte den Umsatz im Quartal auf 1,2 Mrd. US-Dollar." },
      { text: "The customer count reached about 30,000.", evidence: "Die Zahl der Kunden erreichte rund 30.000." },
    ],
    tickers: [
      { symbol: "9988.HK", name: "Alibaba", sentiment: "bullish", moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] },
      { symbol: "1810.HK", name: "Xiaomi", sentiment: "bullish", moves: [{ price: 33.42, currency: "HKD", changePct: 3.79 }] },
    ],
    whyItMatters: "Both stocks recovered on Friday. The Hang Seng rose 1.72 %.",
    ...overrides,
  };
}

const verifyDe = (brief: Brief) => verifyBrief(brief, articleFacts(DE, symbols), symbols);

const values = (text: string) => figuresIn(text).map((f) => ({ kind: f.kind, values: f.values, currency: f.currency }));

describe("figures as values", () => {
  it("reads both decimal conventions, thousands separators, percent words, scale words and currencies", () => {
    expect(values("3,48 Prozent")).toEqual([{ kind: "percent", values: [3.48], currency: undefined }]);
    expect(values("3.48 pct")).toEqual([{ kind: "percent", values: [3.48], currency: undefined }]);
    expect(values("1.234,5 Euro")[0]).toMatchObject({ kind: "money", values: [1234.5], currency: "EUR" });
    expect(values("1,234.5 euros")[0]).toMatchObject({ kind: "money", values: [1234.5], currency: "EUR" });
    expect(values("30.000")[0]?.values.toSorted((a, b) => a - b)).toEqual([30, 30000]);
    expect(values("1,2 Mrd. US-Dollar")[0]).toMatchObject({ values: [1.2e9], currency: "USD" });
    expect(values("$1.2bn")[0]).toMatchObject({ values: [1.2e9], currency: "USD" });
    expect(values("HK$130.70")[0]).toMatchObject({ values: [130.7], currency: "HKD" });
    // Symbols, links and mentions are not figures.
    expect(values("Alibaba (9988.HK) at https://x.example/2025/11 <@&123456789012345678>")).toEqual([]);
  });
});

describe("verifier on a German article", () => {
  it("keeps a faithful brief untouched, whatever the notation", () => {
    const brief = deBrief();
    const verified = verifyDe(brief);
    expect(verified.verification.removed).toEqual([]);
    expect(verified.brief).toEqual(brief);
    expect(verified.usable).toBe(true);
    expect(verified.verification).toMatchObject({ tickers: 2, quotes: 4 });
    expect(verified.verification.figures).toBeGreaterThanOrEqual(12);
  });

  it("accepts a direction word for the sign and refuses the opposite sign", () => {
    const falling = deBrief({ tickers: [{ symbol: "1810.HK", name: "Xiaomi", sentiment: "bearish", moves: [{ price: null, currency: null, changePct: -2.1 }] }] });
    expect(verifyDe(falling).brief.tickers[0]?.moves).toEqual([{ price: null, currency: null, changePct: -2.1 }]);
    const flipped = deBrief({ tickers: [{ symbol: "9988.HK", name: "Alibaba", sentiment: "bearish", moves: [{ price: 130.7, currency: "HKD", changePct: -3.48 }] }] });
    const verified = verifyDe(flipped);
    expect(verified.brief.tickers[0]?.moves).toEqual([{ price: 130.7, currency: "HKD", changePct: null }]);
    expect(verified.verification.removed).toEqual([
      { field: "tickers[0].moves[0].changePct", value: "-3.48", reason: "change not stated for this company" },
    ]);
    const text = verifyDe(deBrief({ whyItMatters: "Alibaba fell 3.48 %." }));
    expect(text.brief.whyItMatters).toBe("");
  });

  it("removes invented figures from text fields: the key point, the headline clause, the sentence", () => {
    const keyPoints = deBrief().keyPoints;
    const brief = deBrief({
      headline: "Alibaba jumps, revenue up 17.31 %",
      keyPoints: [...keyPoints.slice(0, 3), { ...keyPoints[3]!, text: "The customer count reached 31,000." }],
      whyItMatters: "Both stocks recovered on Friday. Analysts see a fair value of $987.65.",
    });
    const verified = verifyDe(brief);
    expect(verified.brief.headline).toBe("");
    expect(verified.brief.keyPoints).toHaveLength(3);
    expect(verified.brief.whyItMatters).toBe("Both stocks recovered on Friday.");
    expect(verified.verification.removed.map((r) => r.field)).toEqual(["headline", "keyPoints[3]", "whyItMatters"]);
    expect(verified.usable).toBe(false);
    const problem = repairProblem(verified.verification.removed);
    expect(problem).toContain("17.31 %");
    expect(problem).toContain("keyPoints[3]");
  });

  it("does not let a rounded figure through when the article does not round", () => {
    const verified = verifyDe(deBrief({ whyItMatters: "Alibaba rose 3.5 %." }));
    expect(verified.brief.whyItMatters).toBe("");
  });

  it("refuses a percentage as a price, a year as a price, another company's move and the index's move", () => {
    const brief = deBrief({
      tickers: [
        { symbol: "9988.HK", name: "Alibaba", sentiment: "bullish", moves: [{ price: 3.48, currency: "HKD", changePct: 3.79 }] },
        { symbol: "1810.HK", name: "Xiaomi", sentiment: "bullish", moves: [{ price: 2026, currency: "HKD", changePct: 1.72 }] },
      ],
    });
    const verified = verifyDe(brief);
    expect(verified.brief.tickers.map((t) => t.moves)).toEqual([[], []]);
    expect(verified.verification.removed).toHaveLength(4);
  });

  it("refuses a currency the article does not state for the price, and a ticker it does not mention or that does not exist", () => {
    const brief = deBrief({
      tickers: [
        { symbol: "9988.HK", name: "Alibaba", sentiment: "bullish", moves: [{ price: 130.7, currency: "EUR", changePct: 3.48 }] },
        { symbol: "TSLA", name: "Tesla", sentiment: "neutral", moves: [] },
        { symbol: "QZXW", name: "Quazex", sentiment: "neutral", moves: [] },
      ],
    });
    const verified = verifyDe(brief);
    expect(verified.brief.tickers).toEqual([
      { symbol: "9988.HK", name: "Alibaba", sentiment: "bullish", moves: [{ price: 130.7, currency: null, changePct: 3.48 }] },
    ]);
    expect(verified.verification.removed.map((r) => r.reason)).toEqual([
      "currency not stated for this price",
      "the article does not mention Tesla, Inc.",
      "symbol not in the symbol directory",
    ]);
  });

  it("accepts another listing of a mentioned company and removes a symbol in text that the article does not support", () => {
    const brief = deBrief({
      tickers: [{ symbol: "BABA", name: "Alibaba", sentiment: "bullish", moves: [] }],
      whyItMatters: "Alibaba (BABA) and Tencent (0700.HK) are in focus.",
    });
    const verified = verifyDe(brief);
    expect(verified.brief.tickers.map((t) => t.symbol)).toEqual(["BABA"]);
    expect(verified.brief.whyItMatters).toBe("");
  });

  it("drops a key point whose quote is paraphrased, keeps quotes that differ only in quote marks and spacing", () => {
    const keyPoints = deBrief().keyPoints;
    const brief = deBrief({
      keyPoints: [
        { ...keyPoints[0]!, evidence: "Die Alibaba-Aktie gewann in Hongkong 3,48 Prozent" },
        { ...keyPoints[1]!, evidence: "Anteilsscheine   von Xiaomi um 3,79 Prozent auf 33,42 HKD anzogen" },
        keyPoints[2]!,
        keyPoints[3]!,
      ],
    });
    const verified = verifyDe(brief);
    expect(verified.brief.keyPoints).toHaveLength(3);
    expect(verified.verification.removed).toEqual([
      { field: "keyPoints[0].evidence", value: "Die Alibaba-Aktie gewann in Hongkong 3,48 Prozent", reason: "quote not verbatim in the article" },
    ]);
  });
});

describe("verifier on an English article", () => {
  const facts = articleFacts(EN, symbols);
  const base: Brief = {
    headline: "Nvidia jumps 4.6% as chip stocks lift the Nasdaq",
    keyPoints: [
      { text: "Nvidia rose 4.6 % to $912.30.", evidence: "Shares of Nvidia jumped 4.6% to $912.30 on Wednesday" },
      { text: "Intel lost 3.2 percent, to 31.05 US dollars.", evidence: "Intel fell 3.2% to $31.05" },
      { text: "Revenue grew 18% to $26bn; a $25 billion buyback was announced.", evidence: "Nvidia said quarterly revenue grew 18 percent from a year earlier" },
    ],
    tickers: [
      { symbol: "NVDA", name: "Nvidia", sentiment: "bullish", moves: [{ price: 912.3, currency: "USD", changePct: 4.6 }] },
      { symbol: "INTC", name: "Intel", sentiment: "bearish", moves: [{ price: 31.05, currency: "USD", changePct: -3.2 }] },
      { symbol: "AMD", name: "AMD", sentiment: "bullish", moves: [{ price: 164.2, currency: "USD", changePct: 1.8 }] },
    ],
    whyItMatters: "AI demand moves chip stocks.",
  };

  it("keeps a faithful brief", () => {
    const verified = verifyBrief(base, facts, symbols);
    expect(verified.verification.removed).toEqual([]);
    expect(verified.brief).toEqual(base);
  });

  it("removes swapped moves and an invented move", () => {
    const brief = structuredClone(base);
    brief.tickers[0]!.moves = [{ price: 31.05, currency: "USD", changePct: -3.2 }];
    brief.tickers[1]!.moves = [{ price: 912.3, currency: "USD", changePct: 4.6 }];
    brief.tickers[2]!.moves = [{ price: 170, currency: "USD", changePct: 2.5 }];
    const verified = verifyBrief(brief, facts, symbols);
    expect(verified.brief.tickers.map((t) => t.moves)).toEqual([[], [], []]);
    expect(verified.usable).toBe(true);
  });
});

describe("schema", () => {
  it("rejects what cannot be a symbol, a currency or a price", () => {
    const valid = deBrief();
    expect(BriefSchema.safeParse(valid).success).toBe(true);
    const bad = (ticker: object) => BriefSchema.safeParse({ ...valid, tickers: [{ ...valid.tickers[0], ...ticker }] }).success;
    expect(bad({ symbol: "Die Alibaba-Aktie gewann" })).toBe(false);
    expect(bad({ moves: [{ price: 2025, currency: "Xiaom", changePct: 2025 }] })).toBe(false);
    expect(bad({ moves: [{ price: "130,70", currency: "HKD", changePct: 3.48 }] })).toBe(false);
    expect(bad({ moves: [{ price: 130.7, currency: "XXY", changePct: 3.48 }] })).toBe(false);
  });

  it("knows when a key point's text is its quote", () => {
    expect(textIsQuote({ text: "A “quoted”  sentence.", evidence: 'A "quoted" sentence.' })).toBe(true);
    expect(textIsQuote({ text: "A point.", evidence: "Another sentence." })).toBe(false);
  });
});

describe("digest synthesis", () => {
  it("drops a bullet whose figure no story states, and driver ids that name no story", async () => {
    const { verifySynthesis } = await import("../src/core/verify/verify-digest.ts");
    const stories = [
      { id: "s1", title: "Alibaba shares jump 3.48 %", url: "https://example.com/a", sources: [], brief: deBrief() },
      { id: "s2", title: "Alibaba names a new CFO", url: "https://example.com/b", sources: [] },
    ];
    const checked = verifySynthesis(
      { tone: "bullish", bullets: ["Alibaba rose 3.48 % to HK$130.70.", "Revenue climbed 17.31 %.", "A new CFO was named."], driverStoryIds: ["s1", "s9"] },
      "9988.HK",
      stories,
    );
    expect(checked.synthesis).toEqual({ tone: "bullish", bullets: ["Alibaba rose 3.48 % to HK$130.70.", "A new CFO was named."], driverStoryIds: ["s1"] });
    expect(checked.removed.map((r) => r.field)).toEqual(["bullets[1]", "driverStoryIds[1]"]);
  });
});
