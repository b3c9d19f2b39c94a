import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSymbolDirectory, loadSymbolDirectory, parseSymbolCsv } from "../src/adapters/symbols/directory.ts";
import { SMALL_SYMBOLS_CSV } from "./fixtures/small-symbols.ts";

const dir = mkdtempSync(join(tmpdir(), "symbols-loading-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CSV = SMALL_SYMBOLS_CSV;

describe("loadSymbolDirectory", () => {
  it("answers exactly like a directory built from the parsed rows", () => {
    const file = join(dir, "same.csv");
    writeFileSync(file, CSV);
    const loaded = loadSymbolDirectory(file);
    const built = createSymbolDirectory(parseSymbolCsv(CSV));
    expect(loaded.size).toBe(built.size);
    for (const symbol of ["GADG", "gad.de", "WIDG", "ZETA.L", "ZETAF", "NOPE"]) expect(loaded.get(symbol)).toEqual(built.get(symbol));
    for (const query of ["gad", "zeta", "widget sp", "gadgetwork", "zetawrks"]) expect(loaded.search(query, 5)).toEqual(built.search(query, 5));
    const text = "Gadgetworks (NASDAQ: GADG) und Zetaworks legten zu, Widget, Sprocket & Co nicht.";
    for (const prefer of [undefined, ["EUR"], ["GBP"]]) {
      const options = prefer ? { preferCurrencies: prefer } : undefined;
      expect(loaded.findInText(text, options)).toEqual(built.findInText(text, options));
    }
  });

  it("keeps one entry object per listing, with the company's other listings as aliases", () => {
    const file = join(dir, "entries.csv");
    writeFileSync(file, CSV);
    const directory = loadSymbolDirectory(file);
    const entry = directory.get("GADG");
    expect(directory.get(" gadg ")).toBe(entry);
    expect(directory.search("GADG", 1)[0]).toBe(entry);
    expect(entry).toEqual({ symbol: "GADG", name: "Gadgetworks Inc", exchange: "NASDAQ", country: "US", currency: "USD", aliases: ["GAD.DE"] });
    expect(directory.get("GAD.DE")).toEqual({
      symbol: "GAD.DE",
      name: "Gadgetworks Inc",
      exchange: "XETRA",
      country: "DE",
      currency: "EUR",
      isin: "US0001234567",
      aliases: ["GADG"],
    });
    expect(directory.get("WIDG")?.cik).toBe("42");
    // Alias fields are trimmed; the link holds both ways.
    expect(directory.get("ZETAF")?.aliases).toEqual(["ZETA.L"]);
    expect(directory.get("ZETA.L")?.aliases).toEqual(["ZETAF"]);
  });
});
