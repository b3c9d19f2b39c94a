import { describe, expect, it } from "vitest";
import { loadSymbolDirectory } from "../src/adapters/symbols/directory.ts";
import { quoteSymbol } from "../src/core/quote-symbol.ts";
import { resolveSymbol } from "../commands/shared.ts";

const directory = loadSymbolDirectory();
const symbols = (query: string, limit = 10) => directory.search(query, limit).map((e) => e.symbol);

describe("autocomplete ranks the companies people mean first", () => {
  it("puts a well-known company whose name starts with the text before small symbol matches", () => {
    expect(symbols("ali", 2)).toEqual(["BABA", "9988.HK"]);
    expect(symbols("tenc", 1)).toEqual(["0700.HK"]);
    expect(symbols("nvid", 1)).toEqual(["NVDA"]);
    expect(symbols("amaz", 1)).toEqual(["AMZN"]);
    expect(symbols("mic", 1)).toEqual(["MSFT"]);
    expect(symbols("sie", 1)).toEqual(["SIE.DE"]);
  });

  it("still puts a symbol typed in full first", () => {
    expect(symbols("app", 2)).toEqual(["APP", "AAPL"]);
    expect(symbols("baba", 2)).toEqual(["BABA", "BABAF"]);
  });
});

describe("a company name instead of a symbol", () => {
  it("finds the listings of the one company a name denotes, best first", () => {
    expect(directory.company("alibaba").map((e) => e.symbol).slice(0, 2)).toEqual(["BABA", "9988.HK"]);
    expect(directory.company("Siemens")[0]?.symbol).toBe("SIE.DE");
    expect(directory.company("Alibaba Group")[0]?.symbol).toBe("BABA");
    expect(directory.company("deutsche")).toEqual([]);
    expect(directory.company("zzzq")).toEqual([]);
  });

  it("/watch add and /quote accept a company name", () => {
    expect(resolveSymbol(directory, "alibaba").symbol).toBe("BABA");
    expect(resolveSymbol(directory, "Siemens").symbol).toBe("SIE.DE");
    expect(quoteSymbol(directory, "alibaba")).toBe("BABA");
    expect(() => resolveSymbol(directory, "deutsche")).toThrow(/Did you mean/);
  });
});
