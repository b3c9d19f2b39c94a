import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { paragraphsOf } from "../src/core/article.ts";
import { cutToTokenBudget, estimateTokens } from "../src/core/token-budget.ts";

describe("estimateTokens", () => {
  it("counts about four Latin characters per token, umlauts included", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("Die Aktie stieg um 3,48 Prozent.")).toBe(Math.ceil(32 / 4));
    expect(estimateTokens("Börse Zürich")).toBe(3);
  });

  it("counts CJK characters as a token each and other scripts as half", () => {
    expect(estimateTokens("阿里巴巴")).toBe(4);
    expect(estimateTokens("Акции")).toBe(3);
  });

  it("is additive up to rounding", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        const whole = estimateTokens(a + b);
        expect(whole).toBeLessThanOrEqual(estimateTokens(a) + estimateTokens(b));
        expect(whole).toBeGreaterThanOrEqual(estimateTokens(a) + estimateTokens(b) - 1);
      }),
    );
  });
});

const paragraph = (i: number, words: number) => `Absatz ${i}: ${"Kurs steigt. ".repeat(words).trim()}`;

describe("cutToTokenBudget", () => {
  it("returns text that fits unchanged", () => {
    const text = "Erster Absatz.\n\nZweiter Absatz.";
    expect(cutToTokenBudget(text, 100)).toEqual({
      text,
      shortened: false,
      keptParagraphs: 2,
      totalParagraphs: 2,
      estimatedTokens: estimateTokens(text),
    });
  });

  it("keeps whole leading paragraphs and drops the rest", () => {
    const paragraphs = [paragraph(1, 10), paragraph(2, 10), paragraph(3, 10), paragraph(4, 10)];
    const budget = estimateTokens(paragraphs.slice(0, 2).join("\n\n")) + 5;
    const result = cutToTokenBudget(paragraphs.join("\n\n"), budget);
    expect(result.text).toBe(paragraphs.slice(0, 2).join("\n\n"));
    expect(result).toMatchObject({ shortened: true, keptParagraphs: 2, totalParagraphs: 4 });
  });

  it("cuts a lone oversized first paragraph at a sentence end", () => {
    const text = `${"Der Kurs stieg deutlich an. ".repeat(20).trim()}\n\nZweiter Absatz.`;
    const result = cutToTokenBudget(text, 30);
    expect(result.shortened).toBe(true);
    expect(result.keptParagraphs).toBe(0);
    expect(result.text).toMatch(/an\.$/);
    expect(text.startsWith(result.text)).toBe(true);
    expect(result.estimatedTokens).toBeLessThanOrEqual(30);
  });

  it("falls back to a word boundary when no sentence ends early enough", () => {
    const text = "wort ".repeat(200).trim();
    const result = cutToTokenBudget(text, 10);
    expect(result.text).toMatch(/^(wort )*wort$/);
    expect(estimateTokens(result.text)).toBeLessThanOrEqual(10);
  });

  it("always yields a prefix of whole paragraphs within the budget when the first paragraph fits", () => {
    const paragraphArb = fc
      .array(fc.stringMatching(/^[A-Za-zÄÖÜäöüß0-9,.%€ ]{1,80}$/), { minLength: 1, maxLength: 12 })
      .map((ps) => ps.map((p) => p.trim()).filter((p) => p.length > 0));
    fc.assert(
      fc.property(paragraphArb, fc.integer({ min: 1, max: 300 }), (paragraphs, budget) => {
        fc.pre(paragraphs.length > 0 && estimateTokens(paragraphs[0]!) <= budget);
        const text = paragraphs.join("\n\n");
        const result = cutToTokenBudget(text, budget);
        expect(result.estimatedTokens).toBeLessThanOrEqual(budget);
        const kept = paragraphsOf(result.text);
        expect(kept).toEqual(paragraphs.slice(0, kept.length));
        expect(result.shortened).toBe(kept.length < paragraphs.length);
      }),
    );
  });

  it("never exceeds the budget, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.integer({ min: 1, max: 100 }), (text, budget) => {
        expect(estimateTokens(cutToTokenBudget(text, budget).text)).toBeLessThanOrEqual(budget);
      }),
    );
  });
});
