import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { APIEmbed } from "discord-api-types/v10";
import type { BriefResult } from "../src/core/brief.ts";
import { escapeMarkdown, plainText, safeSlice } from "../src/discord/escape.ts";
import { EMBED_LIMITS, embedLength, renderBriefEmbeds } from "../src/discord/render-brief.ts";
import { languageForLocale, LANGUAGE_CHOICES, resolveBriefLanguage } from "../src/discord/locale.ts";

const SOURCE_URL = "https://news.example.com/markets/alibaba-q3?id=7";

/** Pieces an article or a model could slip into text to ping, link or reformat. */
const HOSTILE = [
  "@everyone",
  "@here",
  "@EVERYONE",
  "<@123456789012345678>",
  "<@!123456789012345678>",
  "<@&987654321098765432>",
  "<#111111111111111111>",
  "</summarize:1234567890>",
  "[click](https://evil.example/x)",
  "[a](<https://evil.example/y>)",
  "https://evil.example/path?q=1",
  "HTTP://EVIL.EXAMPLE",
  "javascript://alert(1)",
  "discord://-/channels/1",
  "://bare",
  "http://[::1]:80/",
  "# Heading",
  "## big",
  "-# subtext",
  "> quote",
  ">>> block",
  "```code```",
  "`tick`",
  "**bold**",
  "__under__",
  "~~strike~~",
  "||spoiler||",
  "\\",
  "\\\\",
  "\n",
  "\n# ",
  "😀",
  "\u{1F4C8}",
  "\u202eevil",
  "\u0000",
  "Ä",
  "中文",
  " ",
];

const hostileText = (maxPieces: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ maxLength: 20 })), {
      maxLength: maxPieces,
    })
    .map((parts) => parts.join(""));

const longText = fc.oneof(hostileText(12), hostileText(400), fc.string({ unit: "binary", maxLength: 3000 }));

const moveArb = fc.record({
  price: fc.option(fc.double({ noNaN: false }), { nil: null }),
  currency: fc.option(fc.oneof(fc.constantFrom("HKD", "USD", "EUR"), hostileText(3)), { nil: null }),
  changePct: fc.option(fc.double(), { nil: null }),
});

const tickerArb = fc.record({
  symbol: fc.oneof(fc.constantFrom("BABA", "9988.HK", "SAP.DE"), hostileText(4)),
  name: longText,
  sentiment: fc.constantFrom("bullish" as const, "neutral" as const, "bearish" as const),
  moves: fc.array(moveArb, { maxLength: 3 }),
});

const resultArb: fc.Arbitrary<BriefResult> = fc.record({
  source: fc.record(
    {
      url: fc.oneof(fc.constant(SOURCE_URL), fc.constant("javascript:alert(1)"), fc.webUrl()),
      title: longText,
      siteName: longText,
      language: fc.oneof(fc.constantFrom("de", "en", "zh"), hostileText(2)),
      publishedAt: fc.oneof(fc.constant("2025-01-03T08:00:00Z"), hostileText(2)),
    },
    { requiredKeys: ["title", "language"] },
  ),
  brief: fc.record({
    headline: longText,
    keyPoints: fc.array(fc.record({ text: longText, evidence: longText }), { maxLength: 12 }),
    tickers: fc.array(tickerArb, { maxLength: 40 }),
    whyItMatters: longText,
  }),
  language: fc.constantFrom("en", "de", "pt"),
  engine: fc.constantFrom("llm" as const, "extractive" as const),
  model: longText,
  promptVersion: fc.constant("brief@abc"),
  cached: fc.boolean(),
  warnings: fc.array(longText, { maxLength: 4 }),
});

/** Parts Discord renders as markdown (titles, descriptions, fields). */
function markdownTexts(embed: APIEmbed): string[] {
  return [embed.title ?? "", embed.description ?? "", ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])];
}

/** Parts Discord shows as plain text: no markdown, but still no mentions or URLs. */
function plainTexts(embed: APIEmbed): string[] {
  return [embed.footer?.text ?? "", embed.author?.name ?? ""];
}

/** True when `ch` occurs without an odd run of backslashes before it. */
function hasUnescaped(text: string, ch: string): boolean {
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) {
    let slashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === "\\"; j--) slashes++;
    if (slashes % 2 === 0) return true;
  }
  return false;
}

/** The text with each inline code span replaced by "c" (escaped backticks do not open a span). */
function outsideCode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "\\") {
      out += text.slice(i, i + 2);
      i++;
    } else if (ch === "`" && text.indexOf("`", i + 1) !== -1) {
      i = text.indexOf("`", i + 1);
      out += "c";
    } else {
      out += ch;
    }
  }
  return out;
}

function assertPlainSafe(text: string): void {
  expect(text.isWellFormed(), "no lone surrogate").toBe(true);
  expect(text).not.toMatch(/@(everyone|here)/i);
  expect(text).not.toMatch(/<(@[!&]?|#|\/|a?:|t:)/);
  // Discord links "scheme://" only when a character other than whitespace or "<" follows.
  expect(text).not.toMatch(/:\/\/[^\s<]/);
}

function assertSafe(text: string): void {
  assertPlainSafe(text);
  const prose = outsideCode(text);
  expect(hasUnescaped(prose, "["), `masked link opener in ${JSON.stringify(text)}`).toBe(false);
  for (const line of prose.split("\n")) {
    expect(line).not.toMatch(/^\s*(#{1,3}|-#)\s/);
    // The only quotes are the renderer's own evidence lines.
    if (/^\s*>/.test(line)) expect(line).toMatch(/^> _“.*”_$/);
  }
  // A backslash always escapes the next character; never dangles at the end.
  expect(prose).not.toMatch(/(^|[^\\])(\\\\)*\\$/);
}

describe("renderBriefEmbeds over long and hostile input", () => {
  it("meets every Discord limit and leaves nothing live", () => {
    fc.assert(
      fc.property(resultArb, (result) => {
        const embeds = renderBriefEmbeds(result);
        expect(embeds.length).toBeGreaterThanOrEqual(1);
        expect(embeds.length).toBeLessThanOrEqual(EMBED_LIMITS.embedsPerMessage);
        expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(EMBED_LIMITS.totalPerMessage);
        for (const embed of embeds) {
          expect(embed.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
          expect(embed.title?.length ?? 0).toBeGreaterThan(0);
          expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
          expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.fields);
          for (const f of embed.fields ?? []) {
            expect(f.name.length).toBeGreaterThan(0);
            expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
            expect(f.value.trim().length).toBeGreaterThan(0);
            expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
          }
          expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.footerText);
          expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.authorName);
          // Only the checked source URL is ever linked.
          if (embed.url !== undefined) expect(embed.url).toBe(new URL(result.source.url ?? "").href);
          if (result.source.url === "javascript:alert(1)") expect(embed.url).toBeUndefined();
          if (embed.timestamp !== undefined) expect(Number.isFinite(Date.parse(embed.timestamp))).toBe(true);
          for (const text of markdownTexts(embed)) assertSafe(text);
          for (const text of plainTexts(embed)) assertPlainSafe(text);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("renders a normal brief with every part a reader needs", () => {
    const result: BriefResult = {
      source: { url: SOURCE_URL, title: "Alibaba-Aktie springt an", siteName: "Finanzen Beispiel", language: "de", publishedAt: "2025-01-03T08:00:00Z" },
      brief: {
        headline: "Alibaba shares jump 3.5% after cloud growth",
        keyPoints: [
          { text: "Cloud revenue grew 26%.", evidence: "Cloud-Umsatz stieg um 26 Prozent" },
          { text: "Shares rose in Hong Kong.", evidence: "Die Aktie legte in Hongkong zu" },
          { text: "Analysts raised targets.", evidence: "Analysten erhöhten ihre Kursziele" },
        ],
        tickers: [
          { symbol: "9988.HK", name: "Alibaba Group", sentiment: "bullish", moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] },
          { symbol: "BIDU", name: "Baidu", sentiment: "bearish", moves: [] },
        ],
        whyItMatters: "Cloud growth is the main driver of the valuation.",
      },
      language: "en",
      engine: "llm",
      model: "gpt-4o-mini",
      cached: false,
      warnings: [],
    };
    const [embed] = renderBriefEmbeds(result);
    expect(embed?.title).toBe("Alibaba shares jump 3.5% after cloud growth");
    expect(embed?.url).toBe(SOURCE_URL);
    expect(embed?.description).toContain("**1.** Cloud revenue grew 26%.");
    expect(embed?.description).toContain("> _“Cloud-Umsatz stieg um 26 Prozent”_");
    const fields = Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.Tickers).toContain("📈 **9988.HK** Alibaba Group · +3.48 % at 130.70 HKD");
    expect(fields.Tickers).toContain("📉 **BIDU** Baidu");
    expect(fields["Why it matters"]).toBe("Cloud growth is the main driver of the valuation.");
    expect(fields.Source).toContain("Finanzen Beispiel · German article · published 2025-01-03 · brief in English");
    expect(fields.Note).toBeUndefined();
    expect(embed?.footer?.text).toBe("Engine: LLM (gpt-4o-mini) · Not investment advice");
    expect(embed?.timestamp).toBe("2025-01-03T08:00:00.000Z");

    const [extractive] = renderBriefEmbeds({ ...result, engine: "extractive", warnings: ["The model could not produce a brief (timeout).", "Second."] });
    expect(extractive?.footer?.text).toBe("Extractive summary (no LLM) · Not investment advice");
    expect(extractive?.fields?.find((f) => f.name === "Note")?.value).toBe("⚠️ The model could not produce a brief (timeout). (+1 more)");
  });
});

describe("escapeMarkdown", () => {
  it("neutralizes mentions, masked links, headings and URLs", () => {
    expect(escapeMarkdown("Hi @everyone and @here", 100)).toBe("Hi @\u200beveryone and @\u200bhere");
    expect(escapeMarkdown("ping <@&123> <@42> <#7>", 100)).toBe("ping <\u200b@&123\\> <\u200b@42\\> <\u200b#7\\>");
    expect(escapeMarkdown("[click](https://evil.example/x)", 100)).toBe("\\[click\\](`evil.example/x`)");
    expect(escapeMarkdown("see https://evil.example/a_b.", 100)).toBe("see `evil.example/a_b`.");
    expect(escapeMarkdown("# Breaking", 100)).toBe("\\# Breaking");
    expect(escapeMarkdown("-# small", 100)).toBe("\\-\\# small");
    expect(escapeMarkdown("line\n## two\n> three", 100, { multiline: true })).toBe("line\n\\## two\n\\> three");
    expect(escapeMarkdown("**bold** _it_ ~~s~~ ||sp|| `c`", 100)).toBe("\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\| \\`c\\`");
    expect(escapeMarkdown("Umsatz +3,5 % (Q3)", 100)).toBe("Umsatz +3,5 % (Q3)");
    expect(escapeMarkdown("paste a full https:// link", 100)).toBe("paste a full https:// link");
    expect(escapeMarkdown("x https://>y", 100)).toBe("x `>y`");
  });

  it("truncates without splitting a surrogate pair, an escape or a code span", () => {
    expect(escapeMarkdown("abcdef", 4)).toBe("abc…");
    expect(escapeMarkdown("ab😀😀", 4)).toBe("ab…");
    expect(escapeMarkdown("ab**cd", 4)).toBe("ab…");
    expect(escapeMarkdown("ab https://evil.example/x", 10)).toBe("ab…");
    expect(safeSlice("a😀", 2)).toBe("a");
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 500 }), fc.integer({ min: 1, max: 300 }), (text, max) => {
        const out = escapeMarkdown(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        assertSafe(out);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps plain text unchanged when it fits", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 ,.%äöüß]{0,80}$/), (text) => {
        expect(escapeMarkdown(text, 200)).toBe(text.replace(/\s+/g, " ").trim());
      }),
    );
  });

  it("plainText strips schemes and mentions but no markdown", () => {
    expect(plainText("model https://x.example/v1 @everyone <@1> a_b", 100)).toBe("model x.example/v1 @\u200beveryone <\u200b@1> a_b");
    expect(plainText("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("locale", () => {
  it("maps Discord locales to offered brief languages", () => {
    expect(languageForLocale("en-US")).toBe("en");
    expect(languageForLocale("en-GB")).toBe("en");
    expect(languageForLocale("de")).toBe("de");
    expect(languageForLocale("pt-BR")).toBe("pt");
    expect(languageForLocale("zh-CN")).toBe("zh");
    expect(languageForLocale("zh-TW")).toBe("zh");
    expect(languageForLocale("es-ES")).toBe("es");
    expect(languageForLocale("es-419")).toBe("es");
    expect(languageForLocale("sv-SE")).toBe("sv");
    expect(languageForLocale("no")).toBe("no");
    expect(languageForLocale("th")).toBeUndefined();
    expect(LANGUAGE_CHOICES.length).toBeLessThanOrEqual(25);
    expect(new Set(LANGUAGE_CHOICES.map((c) => c.value)).size).toBe(LANGUAGE_CHOICES.length);
  });

  it("prefers the chosen language, then the reader's locale, then English", () => {
    expect(resolveBriefLanguage("fr", "de")).toBe("fr");
    expect(resolveBriefLanguage(null, "de")).toBe("de");
    expect(resolveBriefLanguage(undefined, "th")).toBe("en");
    expect(resolveBriefLanguage("xx", undefined)).toBe("en");
  });
});
