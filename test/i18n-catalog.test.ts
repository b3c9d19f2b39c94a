/**
 * The message catalogs: English and German complete, the commands' name and description
 * localizations valid for Discord, every renderer in German without an English label, errors
 * in the reader's language, and number formats of one language per message.
 */
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.ts";
import { CATALOGS } from "../locales/index.ts";
import type { BriefResult } from "../src/core/brief.ts";
import type { Digest } from "../src/core/digest.ts";
import { UserFacingError } from "../src/core/errors.ts";
import type { Quote } from "../src/core/market.ts";
import { localizedError, translator } from "../src/discord/i18n.ts";
import { renderBriefEmbeds } from "../src/discord/render-brief.ts";
import { renderDigest } from "../src/discord/render-digest.ts";
import { priceLine, renderQuoteEmbed } from "../src/discord/render-quote.ts";

const en = CATALOGS["en"] ?? {};
const de = CATALOGS["de"] ?? {};
const messageKeys = (catalog: object) => Object.keys(catalog).filter((k) => !k.startsWith("cmd."));

const placeholders = (text: string) => [...text.replace(/\{\w+, plural,.*\}\}/g, "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]).toSorted();

interface Node {
  name: string;
  type?: number;
  description?: string;
  options?: Node[];
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

function* nodes(node: Node, path: string): Generator<[string, Node]> {
  yield [path, node];
  for (const option of node.options ?? []) yield* nodes(option, `${path}.${option.name}`);
}
const allNodes = () => commands.flatMap((c) => [...nodes(c.data as Node, c.data.name)]);

describe("catalogs", () => {
  it("every message key in English exists in German and vice versa, with the same placeholders", () => {
    expect(messageKeys(de).toSorted()).toEqual(messageKeys(en).toSorted());
    for (const key of messageKeys(en)) {
      const german = (de as Record<string, string>)[key] ?? "";
      // A translation may leave out a detail (an English-only parameter), never invent one.
      for (const name of placeholders(german)) expect(placeholders((en as Record<string, string>)[key] ?? ""), `${key}: {${name}}`).toContain(name);
    }
  });

  it("German localizes the name and description of every command, subcommand and option, as Discord requires", () => {
    const paths = new Set(allNodes().map(([path]) => path));
    for (const key of Object.keys(de).filter((k) => k.startsWith("cmd."))) {
      expect(paths, key).toContain(key.slice("cmd.".length).replace(/\.name$/, ""));
    }
    for (const [path, node] of allNodes()) {
      const name = node.name_localizations?.["de"];
      expect(name, `${path} name`).toBeTruthy();
      const chatInput = node.type !== 3 && !path.startsWith("Summarize link");
      if (chatInput) expect(name, path).toMatch(/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u);
      else expect(name?.length ?? 0).toBeLessThanOrEqual(32);
      if (node.description !== undefined) {
        const description = node.description_localizations?.["de"];
        expect(description, `${path} description`).toBeTruthy();
        expect(description?.length ?? 0).toBeLessThanOrEqual(100);
      }
    }
    // Names are unique among siblings in German too.
    for (const [path, node] of allNodes()) {
      const names = (node.options ?? []).map((o) => o.name_localizations?.["de"]);
      expect(new Set(names).size, path).toBe(names.length);
    }
  });
});

const brief: BriefResult = {
  source: { url: "https://news.example.com/a", title: "Alibaba cloud revenue jumps", siteName: undefined as unknown as string, language: "en", publishedAt: "2026-03-09T06:00:00Z" },
  brief: {
    headline: "Alibaba-Aktie steigt nach Cloud-Wachstum",
    keyPoints: [
      { text: "Cloud-Umsatz wuchs um 26 %.", evidence: "cloud revenue jumped 26%" },
      { text: "Die Aktie stieg in Hongkong.", evidence: "shares rose in Hong Kong" },
      { text: "Analysten hoben Ziele an.", evidence: "analysts raised targets" },
    ],
    tickers: [{ symbol: "9988.HK", name: "Alibaba", sentiment: "bullish", moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] }],
    whyItMatters: "Das Cloud-Geschäft treibt die Bewertung.",
  },
  language: "de",
  engine: "extractive",
  cached: false,
  warnings: ["w1", "w2"],
};
delete (brief.source as { siteName?: string }).siteName;

const SESSION = { start: Date.UTC(2026, 2, 6, 14, 30), end: Date.UTC(2026, 2, 6, 21, 0) };
const quote: Quote = {
  symbol: "9988.HK", name: "Alibaba", price: 130.7, previousClose: 126.3, change: 4.4, changePct: 3.48, currency: "HKD",
  exchange: "HKEX", exchangeTimeZone: "Asia/Hong_Kong", dayRange: null, marketTime: new Date(SESSION.end).toISOString(),
  marketState: "open", regularSession: SESSION, tradedToday: true, range: "1d", interval: "5m", chartPreviousClose: null,
  bars: [], fetchedAt: new Date(SESSION.end).toISOString(),
};

const digest: Digest = {
  generatedAt: "2026-03-09T07:30:00.000Z",
  language: "de",
  since: "2026-03-08T07:30:00.000Z",
  warnings: [],
  tickers: [
    {
      symbol: "9988.HK",
      name: "Alibaba",
      tone: null,
      bullets: [],
      mode: "headlines",
      price: { quote },
      stories: [{ id: "s1", title: "Alibaba", url: "https://news.example.com/a", sources: [{ outlet: "Wire", url: "https://news.example.com/a" }], brief: brief.brief }],
    },
    { symbol: "BABA", name: "Alibaba", tone: null, bullets: [], mode: "headlines", price: { unavailable: "no_data", message: "No price data for BABA" }, stories: [] },
  ],
};

/** Labels an English reader sees; none may reach a German reader. */
const ENGLISH = [
  "Why it matters", "Tickers", "Source", "Note", "article", "brief in", "published", "Extractive summary", "Engine", "Not investment advice",
  "Last price", "Change", "Previous close", "Day range", "Exchange", "Market", "n/a", "Range", "prices may be delayed",
  "Market open", "Market closed", "Headlines", "Top stories", "No new stories", "No price data", "more", " at ", " on ",
];

function textOf(value: unknown): string {
  return JSON.stringify(value);
}

describe("renderers for a German reader", () => {
  it("render a brief, a quote and a digest with no English label and German number formats only", () => {
    const texts = {
      brief: textOf(renderBriefEmbeds(brief)),
      quote: textOf(renderQuoteEmbed({ ...quote, dayRange: null, previousClose: null, change: null, changePct: null }, { locale: "de", now: SESSION.start + 60_000, withChart: false })),
      quoteFull: textOf(renderQuoteEmbed(quote, { locale: "de", now: SESSION.start + 60_000, withChart: false })),
      digest: textOf(renderDigest(digest, { language: "de" })),
    };
    for (const [name, text] of Object.entries(texts)) {
      // Discord handles and URLs are not labels.
      const visible = text.replace(/https?:\/\/[^"\s)]+/g, "").replace(/"(url|image)":"[^"]*"/g, "");
      for (const english of ENGLISH) expect(visible, `${name}: "${english}"`).not.toContain(english);
    }
    expect(texts.brief).toContain("Warum das wichtig ist");
    expect(texts.brief).toContain("+3,48 % bei 130,70 HKD");
    expect(texts.brief).toContain("Artikel auf Englisch");
    expect(texts.quoteFull).toContain("Letzter Kurs");
    expect(texts.quoteFull).toContain("+4,40 (+3,48 %)");
    expect(texts.digest).toContain("Keine Kursdaten für BABA");
    expect(texts.digest).toContain("9988.HK +3,48 %, 130,70 HKD");
    for (const text of Object.values(texts)) expect(text).not.toMatch(/\d\.\d\d (%|HKD)/);
  });

  it("English stays English with one percent style per message", () => {
    const english = textOf(renderBriefEmbeds({ ...brief, language: "en" }));
    expect(english).toContain("Why it matters");
    expect(english).toContain("+3.48 % at 130.70 HKD");
    expect(priceLine({ quote }, SESSION.start + 60_000, "en")).toContain("+4.40 (+3.48 %)");
  });
});

describe("errors in the reader's language", () => {
  it("translates a keyed error, falls back by code, and keeps English for English readers", () => {
    const keyed = new UserFacingError("invalid_input", "Unknown symbol XX. Pick one from the list as you type.", { key: "error.unknownSymbolPick", params: { symbol: "XX" } });
    expect(localizedError(keyed, "de")).toBe("Unbekanntes Symbol XX. Wähle beim Tippen eines aus der Liste.");
    expect(localizedError(keyed, "en-US")).toBe(keyed.message);
    const unkeyed = new UserFacingError("paywalled", "Some English detail.");
    expect(localizedError(unkeyed, "de")).toBe(translator("de").t("error.code.paywalled"));
    expect(localizedError(unkeyed, "en-GB")).toBe("Some English detail.");
    expect(localizedError(unkeyed, "fr")).toBe("Some English detail.");
  });
});
