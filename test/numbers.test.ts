import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimalStyleFor, findNumberMentions, normalizeCurrency, parseLocaleNumber } from "../src/core/numbers.ts";
import { findDirectionCues, findSignedPercents } from "../src/core/price-direction.ts";
import { type CompanyMention, currentMovesByCompany, findIndexMentions, findPriceMoves } from "../src/core/price-moves.ts";

const summary = (text: string, language = "de") =>
  findNumberMentions(text, { language }).map((m) => [m.kind, m.value, m.currency ?? null, m.scaled]);
const signed = (text: string, language = "de") => findSignedPercents(text, { language }).map((m) => m.changePct);
const mentionsOf = (text: string, names: readonly string[]): CompanyMention[] =>
  names.flatMap((name) => [...text.matchAll(new RegExp(name, "g"))].map((m) => ({ id: name, start: m.index, end: m.index + name.length })));

describe("parseLocaleNumber", () => {
  it("reads German numbers", () => {
    expect(parseLocaleNumber("3,48", "comma")).toBe(3.48);
    expect(parseLocaleNumber("130,70", "comma")).toBe(130.7);
    expect(parseLocaleNumber("30.000", "comma")).toBe(30000);
    expect(parseLocaleNumber("1.234,5", "comma")).toBe(1234.5);
    expect(parseLocaleNumber("1.234.567", "comma")).toBe(1234567);
    expect(parseLocaleNumber("-0,5", "comma")).toBe(-0.5);
    expect(parseLocaleNumber("+1,72", "comma")).toBe(1.72);
  });

  it("reads English numbers", () => {
    expect(parseLocaleNumber("1,234.5", "dot")).toBe(1234.5);
    expect(parseLocaleNumber("3.48", "dot")).toBe(3.48);
    expect(parseLocaleNumber("30,000", "dot")).toBe(30000);
    expect(parseLocaleNumber("−2.1", "dot")).toBe(-2.1);
  });

  it("reads the unambiguous form whatever the style", () => {
    // Two decimals after a dot are decimals even in German text, and both separators decide themselves.
    expect(parseLocaleNumber("3.48", "comma")).toBe(3.48);
    expect(parseLocaleNumber("1,234.5", "comma")).toBe(1234.5);
    expect(parseLocaleNumber("1.234,5", "dot")).toBe(1234.5);
    expect(parseLocaleNumber("1'234.50", "dot")).toBe(1234.5);
  });

  it("rejects malformed numbers", () => {
    expect(parseLocaleNumber("1,2,3", "comma")).toBeUndefined();
    expect(parseLocaleNumber("12.", "comma")).toBeUndefined();
    expect(parseLocaleNumber("abc", "dot")).toBeUndefined();
  });

  it("round-trips numbers formatted by Intl in German and English", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), fc.integer({ min: 0, max: 2 }), (units, digits) => {
        const value = units / 10 ** digits;
        for (const [locale, style] of [["de-DE", "comma"], ["en-US", "dot"]] as const) {
          const text = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
          expect(parseLocaleNumber(text, style)).toBeCloseTo(value, 6);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("decimalStyleFor", () => {
  it("follows the language when the text is silent", () => {
    expect(decimalStyleFor("de")).toBe("comma");
    expect(decimalStyleFor("en")).toBe("dot");
    expect(decimalStyleFor("fr")).toBe("comma");
  });

  it("follows the text's own decimals over the language", () => {
    expect(decimalStyleFor("de", "Kurs 3.48 USD, Ziel 4.20 USD, Tief 2.95 USD")).toBe("dot");
    expect(decimalStyleFor("en", "up 3,48 % to 130,70 HKD")).toBe("comma");
  });
});

describe("normalizeCurrency", () => {
  it("maps words, symbols and codes to ISO 4217", () => {
    const cases: Array<[string, string]> = [
      ["HKD", "HKD"], ["US-Dollar", "USD"], ["Dollar", "USD"], ["USD", "USD"], ["$", "USD"], ["US$", "USD"],
      ["Euro", "EUR"], ["EUR", "EUR"], ["€", "EUR"], ["Yen", "JPY"], ["JPY", "JPY"], ["Pfund", "GBP"], ["GBP", "GBP"],
      ["£", "GBP"], ["CHF", "CHF"], ["Franken", "CHF"], ["Schweizer Franken", "CHF"], ["Yuan", "CNY"], ["CNY", "CNY"],
      ["RMB", "CNY"], ["Renminbi", "CNY"], ["HK$", "HKD"], ["Hongkong-Dollar", "HKD"], ["kanadische Dollar", "CAD"],
    ];
    for (const [raw, code] of cases) expect(normalizeCurrency(raw), raw).toBe(code);
    expect(normalizeCurrency("Punkte")).toBeUndefined();
  });
});

describe("findNumberMentions", () => {
  it("finds prices after and before the number", () => {
    expect(summary("Die Aktie schloss bei 9,00 US-Dollar und später bei 130,70 HKD.")).toEqual([
      ["money", 9, "USD", false],
      ["money", 130.7, "HKD", false],
    ]);
    expect(summary("Shares closed at $912.30, HK$ 45.10 and EUR 12.50 elsewhere.", "en")).toEqual([
      ["money", 912.3, "USD", false],
      ["money", 45.1, "HKD", false],
      ["money", 12.5, "EUR", false],
    ]);
    expect(summary("Der Titel kostet 12,50 € oder 11,90 Franken.")).toEqual([
      ["money", 12.5, "EUR", false],
      ["money", 11.9, "CHF", false],
    ]);
  });

  it("reads percentages in every spelling and keeps written signs", () => {
    expect(summary("+1,72 % und -0,5 % sowie 3,48 Prozent, 2 percent, 4 Pct")).toEqual([
      ["percent", 1.72, null, false],
      ["percent", -0.5, null, false],
      ["percent", 3.48, null, false],
      ["percent", 2, null, false],
      ["percent", 4, null, false],
    ]);
  });

  it("marks totals with a scale word so they are never taken for share prices", () => {
    expect(summary("Umsatz von 8,9 Mrd. Euro und 500 Millionen Dollar")).toEqual([
      ["money", 8_900_000_000, "EUR", true],
      ["money", 500_000_000, "USD", true],
    ]);
    expect(summary("a $25 billion buyback", "en")).toEqual([["money", 25_000_000_000, "USD", true]]);
  });

  it("gives a bare Dollar the currency of the qualified dollar before it", () => {
    const text = "Erst 9,00 US-Dollar, dann 6,65 Dollar. In Hongkong 45,10 Hongkong-Dollar, danach 44,00 Dollar.";
    expect(findNumberMentions(text, { language: "de" }).map((m) => m.currency)).toEqual(["USD", "USD", "HKD", "HKD"]);
    expect(findNumberMentions("Die Aktie fiel auf 6,65 Dollar.", { language: "de" })[0]?.currency).toBe("USD");
  });

  it("ignores digits inside names and reads thousands separators", () => {
    const text = "Qwen2.5-Omni-7B und MiDashengLM-7B; rund 30.000 Verkäufe und 450.000 Fahrzeuge";
    expect(summary(text)).toEqual([
      ["number", 30000, null, false],
      ["number", 450000, null, false],
    ]);
  });

  it("does not read percentage points as a percentage", () => {
    expect(summary("Die Marge stieg um 1,5 Prozentpunkte.")).toEqual([["number", 1.5, null, false]]);
  });
});

describe("findSignedPercents", () => {
  it("takes the sign from German verbs, including separable ones", () => {
    expect(signed("Die Aktie gewann 3,48 Prozent.")).toEqual([3.48]);
    expect(signed("Die Papiere zogen um 3,79 Prozent an.")).toEqual([3.79]);
    expect(signed("Der Wert verlor 2,1 Prozent.")).toEqual([-2.1]);
    expect(signed("Die Aktie fiel um 4 Prozent.")).toEqual([-4]);
    expect(signed("Siemens gab um 2,1 Prozent auf 176,30 Euro nach.")).toEqual([-2.1]);
    expect(signed("SAP legte um 4,25 Prozent auf 1.234,50 Euro zu.")).toEqual([4.25]);
    expect(signed("Der Kurs brach um 12 Prozent ein.")).toEqual([-12]);
    expect(signed("Die Aktie sank um 1,1 Prozent, stieg dann aber um 0,4 Prozent.")).toEqual([-1.1, 0.4]);
    expect(signed("Ein Minus von 2 Prozent und ein Plus von 3 Prozent.")).toEqual([-2, 3]);
    expect(signed("Die Aktien gaben zum Handelsschluss um 1,5 Prozent nach.")).toEqual([-1.5]);
    expect(signed("Der Hang Seng legt zeitweise um 1,72 Prozent zu.")).toEqual([1.72]);
    expect(signed("Die Aktie dürfte um 2 Prozent zulegen, könnte aber auch um 3 Prozent einbrechen.")).toEqual([2, -3]);
    expect(signed("Die Papiere könnten um 5 Prozent anziehen.")).toEqual([5]);
  });

  it("keeps the sign of each clause apart", () => {
    expect(signed("Alibaba gewann 3,48 Prozent, während Xiaomi um 1,2 Prozent nachgab.")).toEqual([3.48, -1.2]);
  });

  it("takes the sign from English verbs", () => {
    expect(signed("Shares rose 2.3% while rivals fell 1.1%.", "en")).toEqual([2.3, -1.1]);
    expect(signed("The stock slipped 0.7 percent.", "en")).toEqual([-0.7]);
    expect(signed("It gained 5% and then dropped 2%.", "en")).toEqual([5, -2]);
    expect(signed("The shares were down 3% at midday.", "en")).toEqual([-3]);
  });

  it("prefers a written sign and leaves out percentages without a direction", () => {
    expect(signed("Kursveränderung: -0,5 %")).toEqual([-0.5]);
    expect(signed("Der Anteil liegt bei 20 Prozent.")).toEqual([]);
  });

  it("does not take an inflected adjective for a verb", () => {
    expect(findDirectionCues("angesichts leicht fallender Ölpreise").map((c) => c.word)).toEqual([]);
  });
});

describe("price moves", () => {
  it("joins a percentage and a price in one clause and attributes each to the nearest company before it", () => {
    const text =
      "So gewann die Alibaba-Aktie in Hongkong 3,48 Prozent auf 130,70 HKD, während Anteilsscheine von Xiaomi um 3,79 Prozent auf 33,42 HKD anzogen.";
    const moves = currentMovesByCompany(text, mentionsOf(text, ["Alibaba", "Xiaomi"]), { language: "de" });
    expect(moves.get("Alibaba")?.moves).toEqual([{ changePct: 3.48, price: 130.7, currency: "HKD" }]);
    expect(moves.get("Xiaomi")?.moves).toEqual([{ changePct: 3.79, price: 33.42, currency: "HKD" }]);
  });

  it("never attributes an index move to a company", () => {
    const text =
      "Alibaba und Xiaomi waren gefragt, die Stimmung der Anleger - der Hang Seng legt zeitweise um 1,72 Prozent zu - war gut. Der DAX fiel um 0,4 Prozent, SAP verlor 1,3 Prozent.";
    const found = findPriceMoves(text, mentionsOf(text, ["Alibaba", "Xiaomi", "SAP"]), { language: "de" });
    expect(found.map((m) => [m.id, m.move.changePct])).toEqual([["SAP", -1.3]]);
    expect(findIndexMentions(text).map((s) => text.slice(s.start, s.end))).toEqual(["Hang Seng", "DAX"]);
  });

  it("reports the current price of a narrated price history first", () => {
    const text =
      "Die Aktie von Infineon tut sich schwer: Anfang Mai notierte das Papier noch bei 41,20 Euro, Mitte Juni war der Kurs bereits auf 33,80 Euro gefallen. Aktuell notiert die Infineon-Aktie bei nur noch 34,55 Euro.";
    const moves = currentMovesByCompany(text, mentionsOf(text, ["Infineon"]), { language: "de" });
    expect(moves.get("Infineon")?.moves).toEqual([{ price: 34.55, currency: "EUR", changePct: null }]);
    expect(moves.get("Infineon")?.direction).toBe(0);
  });

  it("leaves revenue growth and totals out of the price moves", () => {
    const text = "SAP steigerte den Umsatz um 12 Prozent auf 8,9 Mrd. Euro. Nvidia said revenue grew 18 percent to $26 billion.";
    expect(findPriceMoves(text, mentionsOf(text, ["SAP", "Nvidia"]), { language: "de" })).toEqual([]);
  });

  it("attributes a move in a sentence that names no company to the company of the paragraph", () => {
    const text = "Deutlich schwächer zeigten sich die Papiere von Siemens. Der Technologiekonzern gab um 2,1 Prozent auf 176,30 Euro nach.";
    const moves = currentMovesByCompany(text, mentionsOf(text, ["Siemens"]), { language: "de" });
    expect(moves.get("Siemens")?.moves).toEqual([{ price: 176.3, currency: "EUR", changePct: -2.1 }]);
  });

  it("reads English moves with prices before the percentage", () => {
    const text = "Intel fell 3.2% to $31.05, whereas Advanced Micro Devices rose 1.8% to $164.20. Apple closed at $187.45 (+0.9%).";
    const moves = currentMovesByCompany(text, mentionsOf(text, ["Intel", "Advanced Micro Devices", "Apple"]), { language: "en" });
    expect(moves.get("Intel")?.moves).toEqual([{ changePct: -3.2, price: 31.05, currency: "USD" }]);
    expect(moves.get("Advanced Micro Devices")?.moves).toEqual([{ changePct: 1.8, price: 164.2, currency: "USD" }]);
    expect(moves.get("Apple")?.moves).toEqual([{ changePct: 0.9, price: 187.45, currency: "USD" }]);
  });
});
