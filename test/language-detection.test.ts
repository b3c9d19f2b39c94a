import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectLanguages, resolveLanguage } from "../src/adapters/extractor/language.ts";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/extractive/${name}`, import.meta.url), "utf8");
const german = fixture("sap-siemens-dax.de.txt");
const english = fixture("chipmakers-nasdaq.en.txt");
const french =
  "La Banque centrale européenne a laissé ses taux directeurs inchangés jeudi, comme prévu par les marchés. " +
  "La présidente de l'institution a souligné que l'inflation restait trop élevée dans la zone euro et que le conseil " +
  "des gouverneurs surveillerait de près l'évolution des salaires et des prix de l'énergie au cours des prochains mois. " +
  "Les investisseurs attendent désormais une première baisse des taux au printemps, selon les économistes interrogés.";

describe("detectLanguages", () => {
  it("names the language as ISO 639-1, best first, each language once", () => {
    const detected = detectLanguages(german);
    expect(detected[0]).toEqual({ lang: "de", score: 1 });
    expect(detectLanguages(english)[0]?.lang).toBe("en");
    expect(detectLanguages(french)[0]?.lang).toBe("fr");
    const langs = detected.map((d) => d.lang);
    expect(langs.every((l) => /^[a-z]{2}$/.test(l))).toBe(true);
    expect(new Set(langs).size).toBe(langs.length);
  });

  it("tells scripts apart", () => {
    expect(detectLanguages("東京株式市場で日経平均株価は続伸し、半導体関連株が買われた。")[0]?.lang).toBe("ja");
    expect(detectLanguages("Акции компании выросли после публикации квартального отчёта.")[0]?.lang).toBe("ru");
  });

  it("finds nothing in empty or too short text", () => {
    expect(detectLanguages("   ")).toEqual([]);
    expect(detectLanguages("SAP +3 %")).toEqual([]);
  });
});

describe("resolveLanguage", () => {
  it("keeps a declaration the text agrees with", () => {
    expect(resolveLanguage(german, "de")).toBe("de");
    expect(resolveLanguage(english, "en")).toBe("en");
  });

  it("corrects a declaration the text clearly contradicts", () => {
    expect(resolveLanguage(german, "en")).toBe("de");
    expect(resolveLanguage(english, "de")).toBe("en");
    expect(resolveLanguage(french, "de")).toBe("fr");
  });

  it("keeps the declaration for text too short to judge", () => {
    expect(resolveLanguage("Die Aktie von SAP stieg am Freitag deutlich.", "en")).toBe("en");
  });

  it("keeps a declared language detection cannot name", () => {
    expect(resolveLanguage(english, "ga")).toBe("ga");
  });

  it("detects when nothing is declared, English when nothing is detected", () => {
    expect(resolveLanguage(german, undefined)).toBe("de");
    expect(resolveLanguage("12,5 % | 3.200", undefined)).toBe("en");
  });
});
