import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSymbolDirectory, loadSymbolDirectory, nameKeyTokens, parseSymbolCsv } from "../src/adapters/symbols/directory.ts";

const directory = loadSymbolDirectory();
const found = (text: string, preferCurrencies?: readonly string[]) =>
  directory.findInText(text, preferCurrencies ? { preferCurrencies } : undefined).map((m) => m.entry.symbol);

describe("loadSymbolDirectory", () => {
  it("loads the shipped directory with the ADR supplement, once", () => {
    expect(directory.size).toBeGreaterThan(22_600);
    expect(loadSymbolDirectory()).toBe(directory);
    expect(directory.get("XIACY")?.name).toBe("Xiaomi Corporation (ADR)");
  });

  it("loads a CSV file given by path, quoted fields included", () => {
    const dir = mkdtempSync(join(tmpdir(), "symbols-"));
    try {
      const file = join(dir, "mini.csv");
      writeFileSync(
        file,
        'symbol,name,exchange,country,currency,isin,cik,aliases,source\nACME,"Acme, Widgets Inc.",NYSE,US,USD,,1,ACM.DE,x\nACM.DE,Acme Widgets Inc.,XETRA,DE,EUR,,,,y\n',
      );
      const mini = loadSymbolDirectory(file);
      expect(mini.size).toBe(2);
      expect(mini.get("acme")?.name).toBe("Acme, Widgets Inc.");
      expect(mini.get("ACM.DE")?.aliases).toEqual(["ACME"]);
      expect(mini.findInText("Acme Widgets fiel.", { preferCurrencies: ["EUR"] }).map((m) => m.entry.symbol)).toEqual(["ACM.DE"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says where it looked when the data is missing", () => {
    expect(() => loadSymbolDirectory("/nonexistent/symbols")).toThrow(/not found at \/nonexistent\/symbols/);
  });
});

describe("get", () => {
  it("finds a symbol case-insensitively and only exactly", () => {
    expect(directory.get("baba")?.symbol).toBe("BABA");
    expect(directory.get(" 9988.hk ")?.symbol).toBe("9988.HK");
    expect(directory.get("BAB")).toBeUndefined();
  });

  it("links every listing of a company through aliases both ways", () => {
    expect(directory.get("XIACF")?.aliases).toEqual(expect.arrayContaining(["1810.HK", "XIACY"]));
    expect(directory.get("1810.HK")?.aliases).toEqual(expect.arrayContaining(["XIACF", "XIACY"]));
  });
});

describe("nameKeyTokens", () => {
  it("keeps the distinctive part of a company name", () => {
    expect(nameKeyTokens("Alibaba Group Holding Ltd")).toEqual(["alibaba"]);
    expect(nameKeyTokens("Xiaomi Corporation (ADR)")).toEqual(["xiaomi"]);
    expect(nameKeyTokens("Mercedes-Benz Group AG")).toEqual(["mercedes", "benz"]);
    expect(nameKeyTokens("Novo Nordisk A/S")).toEqual(["novo", "nordisk"]);
    expect(nameKeyTokens("Amazon.com, Inc.")).toEqual(["amazon"]);
    expect(nameKeyTokens("Nestle S.A.")).toEqual(["nestle"]);
    expect(nameKeyTokens("Saputo Inc./ADR")).toEqual(["saputo"]);
    expect(nameKeyTokens("Fresenius SE & Co KGaA")).toEqual(["fresenius"]);
    expect(nameKeyTokens("Deutsche Börse AG")).toEqual(["deutsche", "boerse"]);
  });
});

describe("findInText", () => {
  it("finds companies in German and English spellings", () => {
    expect(found("Die Alibaba-Aktie und Alibabas KI-Sparte")).toHaveLength(1);
    expect(found("Der Xiaomi-Präsident sprach über die Xiaomi-Aktie.", ["HKD"])).toEqual(["1810.HK"]);
    expect(found("Apple and SAP reported results.")).toEqual(["AAPL", "SAP.DE"]);
    expect(found("Google and Facebook were fined.")).toEqual(["GOOGL", "META"]);
    expect(found("Mercedes-Benz, BMW und Siemens Energy legten zu.")).toEqual(["MBG.DE", "BMW.DE", "ENR.DE"]);
  });

  it("reports the text that matched and its first offset, in order of first mention", () => {
    const text = "Neben Tencent legten auch Alibabas Papiere zu; Alibaba selbst äußerte sich nicht.";
    const matches = directory.findInText(text, { preferCurrencies: ["HKD"] });
    expect(matches.map((m) => [m.entry.symbol, m.matched, m.index])).toEqual([
      ["0700.HK", "Tencent", 6],
      ["9988.HK", "Alibaba", text.indexOf("Alibabas")],
    ]);
  });

  it("picks the listing in the article's currency", () => {
    const text = "Alibaba und Xiaomi im Aufwind.";
    expect(found(text, ["HKD"])).toEqual(["9988.HK", "1810.HK"]);
    expect(found(text, ["USD"])).toEqual(["BABA", "XIACY"]);
    expect(found("Die SAP-Aktie stieg.", ["EUR"])).toEqual(["SAP.DE"]);
    expect(found("SAP shares rose in New York.", ["USD"])).toEqual(["SAP"]);
    // Nothing in the preferred currency: the best listing regardless.
    expect(found("Alphabet gewann.", ["HKD"])).toEqual(["GOOGL"]);
  });

  it("reads tickers written in the text", () => {
    expect(found("Shares of Microsoft (NASDAQ: MSFT) rose.")).toEqual(["MSFT"]);
    expect(found("Lowe's (LOW) beat estimates; $AAPL slipped.")).toEqual(["LOW", "AAPL"]);
    expect(found("Der Konzern (HKG: 9988) berichtete.")).toEqual(["9988.HK"]);
    expect(found("Die Alibaba Group (BABA) wächst.")).toEqual(["BABA"]);
    // Prices quoted in Hong Kong dollars point to the Hong Kong line even when the US ticker is written.
    expect(found("Die Alibaba Group (BABA) wächst.", ["HKD"])).toEqual(["9988.HK"]);
  });

  it("ignores acronyms, agencies and common words", () => {
    expect(found("Der CEO und der CTO sprachen mit der EU und den USA über KI.")).toEqual([]);
    expect(found("WASHINGTON (AP) — Officials met on Monday and Sunday.")).toEqual([]);
    expect(found("Ein Plus von 3 Prozent, dann ein Minus. Als die Allianz mit dem Block zerbrach")).toEqual([]);
    expect(found("South Korea's Ministry of Trade, Industry and Energy (MOTIE) said.")).toEqual([]);
    expect(found("the american national team")).toEqual([]);
  });

  it("takes a common-word name as a company next to a company cue", () => {
    expect(found("Die Allianz-Aktie und Block Inc. gewannen.")).toEqual(["ALV.DE", "XYZ"]);
  });

  it("does not take index names or exchanges for companies", () => {
    expect(found("Der Hang Seng und der Dow Jones stiegen, an der Nasdaq und an der Euronext auch; der Dow fiel.")).toEqual([]);
    expect(found("Hang Seng Bank erhöhte die Dividende.")).toEqual(["0011.HK"]);
  });
});

const symbols = (query: string, limit?: number) => directory.search(query, limit).map((e) => e.symbol);

describe("search", () => {
  it("puts the exact symbol first, then symbol prefixes", () => {
    expect(symbols("BABA")[0]).toBe("BABA");
    expect(symbols("baba", 2)).toEqual(["BABA", "BABAF"]);
    expect(symbols("sap")[0]).toBe("SAP");
    expect(symbols("sap", 3)).toContain("SAP.DE");
    expect(symbols("9988")).toEqual(["9988.HK"]);
  });

  it("matches name prefixes", () => {
    const alibaba = symbols("alibab", 5);
    expect(alibaba).toEqual(expect.arrayContaining(["BABA", "9988.HK"]));
    expect(symbols("xiaomi", 3)).toEqual(["1810.HK", "XIACY", "XIACF"]);
    expect(symbols("deutsche bank", 1)).toEqual(["DBK.DE"]);
  });

  it("suggests close names for typos (did you mean)", () => {
    expect(symbols("microsfot", 3)).toContain("MSFT");
    expect(symbols("tencnt", 2)).toContain("0700.HK");
    expect(symbols("alibabba", 3)).toEqual(expect.arrayContaining(["9988.HK"]));
  });

  it("respects the limit and answers nothing to an empty query", () => {
    expect(symbols("a", 25)).toHaveLength(25);
    expect(symbols("   ")).toEqual([]);
    expect(symbols("zzzzqqqq")).toEqual([]);
  });
});

describe("createSymbolDirectory", () => {
  const rows = parseSymbolCsv(
    [
      "symbol,name,exchange,country,currency,isin,cik,aliases,source",
      "PLUS,Plus Holdings Inc.,NASDAQ,US,USD,,,,t",
      "THE,The Group Ltd,NASDAQ,US,USD,,,,t",
      "ABC1,Gadgetworks Inc,NASDAQ,US,USD,,,ABC1.DE,t",
      "ABC1.DE,Gadgetworks Inc,XETRA,DE,EUR,DE0001234567,,ABC1,t",
      "ZZZ,Zetaworks Ltd,LSE,GB,GBP,,,,t",
    ].join("\n"),
  );
  const small = createSymbolDirectory(rows);
  const symbolsIn = (text: string, prefer?: string[]) =>
    small.findInText(text, prefer ? { preferCurrencies: prefer } : undefined).map((m) => m.entry.symbol);

  it("does not match names that are common words", () => {
    expect(symbolsIn("Ein Plus von 3 Prozent für The Group.")).toEqual(["THE"]);
    expect(symbolsIn("Die Plus-Aktie stieg.")).toEqual(["PLUS"]);
  });

  it("prefers the home listing without a currency and follows the currency when given", () => {
    expect(symbolsIn("Gadgetworks wächst.")).toEqual(["ABC1.DE"]);
    expect(symbolsIn("Gadgetworks grows.", ["USD"])).toEqual(["ABC1"]);
    expect(symbolsIn("Zetaworks fell.", ["USD"])).toEqual(["ZZZ"]);
  });
});

describe("search for a symbol with a typo", () => {
  it("offers the symbol one edit away first", () => {
    const symbols = loadSymbolDirectory();
    expect(symbols.search("BABAA", 5)[0]?.symbol).toBe("BABA");
    expect(symbols.search("APPL", 5).map((e) => e.symbol)).toContain("AAPL");
    expect(symbols.search("MSTF", 5).map((e) => e.symbol)).toContain("MSFT");
  });
});
