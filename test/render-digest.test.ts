import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { APIEmbed } from "discord-api-types/v10";
import type { Digest, DigestStory, TickerDigest } from "../src/core/digest.ts";
import { HEADLINES_ONLY_WARNING } from "../src/core/digest-builder.ts";
import { HEADLINES_ONLY_MARK, markdownLinkTarget, NOT_ADVICE, renderDigest, type DigestMessage } from "../src/discord/render-digest.ts";
import { embedCharacters, validateMessage } from "./support/discord-emulator/validation.ts";

const story = (n: number, extra: Partial<DigestStory> = {}): DigestStory => ({
  id: `s${n}`,
  title: `Story number ${n} about the company`,
  url: `https://wire.example.com/markets/story-${n}`,
  publishedAt: "2026-03-09T06:00:00Z",
  sources: [{ outlet: "Market Wire", url: `https://wire.example.com/markets/story-${n}` }],
  ...extra,
});

const ticker = (symbol: string, extra: Partial<TickerDigest> = {}): TickerDigest => ({
  symbol,
  name: `${symbol} Holdings Ltd`,
  tone: "bullish",
  bullets: ["Revenue beat estimates.", "Shares rose 4 %."],
  stories: [story(1), story(2)],
  mode: "llm",
  ...extra,
});

const digestOf = (tickers: TickerDigest[], extra: Partial<Digest> = {}): Digest => ({
  generatedAt: "2026-03-09T07:30:00.000Z",
  language: "en",
  since: "2026-03-08T07:30:00.000Z",
  tickers,
  warnings: [],
  ...extra,
});

const headlines = (s: string) => ticker(s, { tone: null, bullets: [], mode: "headlines" });
const long = (n: number) => "Ü".repeat(n);

function allText(message: DigestMessage): string {
  return [message.content ?? "", ...message.embeds.flatMap((e: APIEmbed) => [e.title ?? "", e.description ?? "", e.footer?.text ?? ""])].join("\n");
}

/** Masked-link targets, and the text with them removed (where no live URL may remain). */
function splitLinks(text: string): { targets: string[]; rest: string } {
  const targets: string[] = [];
  const rest = text.replace(/\]\((https?:\/\/[^)\s]+)\)/g, (_m, url: string) => {
    targets.push(url);
    return "]";
  });
  return { targets, rest };
}

function assertFitsDiscord(messages: DigestMessage[]): void {
  for (const message of messages) {
    const body = { ...(message.content !== undefined ? { content: message.content } : {}), embeds: message.embeds };
    expect(validateMessage(body).tree).toEqual({});
    expect(message.embeds.length).toBeLessThanOrEqual(10);
    expect(message.embeds.reduce((n, e) => n + embedCharacters(e), 0)).toBeLessThanOrEqual(6000);
    expect(message.embeds.length > 0 || (message.content ?? "") !== "").toBe(true);
  }
}

describe("renderDigest", () => {
  it("renders one embed per ticker with tone, bullets, linked stories, outlets and the advice footer", () => {
    const shared = story(3, {
      title: "Alibaba shares jump after cloud beat",
      url: "https://wire.example.com/a/cloud",
      sources: [
        { outlet: "Market Wire", url: "https://wire.example.com/a/cloud" },
        { outlet: "Finance Daily", url: "https://daily.example.org/b/cloud" },
      ],
    });
    const messages = renderDigest(digestOf([ticker("BABA", { stories: [shared, story(4)] }), ticker("9988.HK", { tone: "bearish" })]));
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.content).toContain("2 tickers");
    expect(message?.embeds).toHaveLength(2);
    const [baba, hk] = message?.embeds ?? [];
    expect(baba?.title).toBe("📈 BABA · BABA Holdings Ltd");
    expect(hk?.title).toBe("📉 9988.HK · 9988.HK Holdings Ltd");
    expect(baba?.description).toContain("**Tone:** Bullish");
    expect(baba?.description).toContain("• Revenue beat estimates.");
    expect(baba?.description).toContain("[Alibaba shares jump after cloud beat](https://wire.example.com/a/cloud)");
    // Both outlets credited; the second links its own page.
    expect(baba?.description).toContain("Market Wire · [Finance Daily](https://daily.example.org/b/cloud)");
    expect(baba?.description?.match(/Alibaba shares jump/g)).toHaveLength(1);
    expect(baba?.footer?.text).toBe(NOT_ADVICE);
    expect(baba?.timestamp).toBe("2026-03-09T07:30:00.000Z");
    expect(splitLinks(baba?.description ?? "").targets).toEqual([
      "https://wire.example.com/a/cloud",
      "https://daily.example.org/b/cloud",
      "https://wire.example.com/markets/story-4",
    ]);
    assertFitsDiscord(messages);
  });

  it("says once that a digest is headlines only: in the header, not on every ticker", () => {
    const messages = renderDigest(digestOf([headlines("AAPL"), headlines("SAP.DE")], { warnings: [HEADLINES_ONLY_WARNING, "Unknown symbol(s) left out: NOPE."] }));
    const everything = JSON.stringify(messages);
    expect(everything.split(HEADLINES_ONLY_MARK)).toHaveLength(2);
    expect(everything).not.toContain(HEADLINES_ONLY_WARNING);
    expect(messages[0]?.content).toContain(`_${HEADLINES_ONLY_MARK}._`);
    expect(messages[0]?.content).toContain("⚠️ Unknown symbol(s) left out: NOPE.");
    for (const embed of messages[0]?.embeds ?? []) {
      expect(embed.footer?.text).toBe(NOT_ADVICE);
      expect(embed.description).toContain("**Headlines**");
      expect(embed.description).not.toContain("Tone");
      expect(embed.title).not.toMatch(/📈|📉|➖/);
    }
  });

  it("renders a German digest with German labels and number formats, and the stated price moves even without a model", () => {
    const brief = {
      headline: "Alibaba",
      keyPoints: [],
      tickers: [{ symbol: "9988.HK", name: "Alibaba", sentiment: "bullish" as const, moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] }],
      whyItMatters: "",
    };
    const german = renderDigest(digestOf([headlines("9988.HK")].map((t) => ({ ...t, stories: [story(1, { brief })] })), { language: "de" }));
    // Intl puts a no-break space before the German percent sign.
    const text = allText(german[0] as DigestMessage).replace(/\u00a0/g, " ");
    expect(text).toContain("9988.HK +3,48 %, 130,70 HKD");
    expect(text).toContain("**Schlagzeilen**");
    expect(text).toContain("Nur Schlagzeilen: kein Modell verfügbar");
    expect(text).toContain("Keine Anlageberatung");
    expect(text).not.toMatch(/3\.48|130\.70|Headlines/);
    const english = allText(renderDigest(digestOf([ticker("9988.HK", { stories: [story(1, { brief })] })]))[0] as DigestMessage);
    expect(english).toContain("9988.HK +3.48 %, 130.70 HKD");
    expect(english).toContain("**Tone:** Bullish");
  });

  it("says when a ticker has no new stories, and renders an empty digest as a header only", () => {
    const quiet = renderDigest(digestOf([ticker("AAPL", { stories: [], bullets: [], tone: null })]));
    expect(quiet[0]?.embeds[0]?.description).toBe(`No new stories since <t:${Date.parse("2026-03-08T07:30:00Z") / 1000}:f>.`);
    const empty = renderDigest(digestOf([], { warnings: ["Unknown symbol(s) left out: NOPE."] }));
    expect(empty).toHaveLength(1);
    expect(empty[0]?.embeds).toEqual([]);
    expect(empty[0]?.content).toContain("0 tickers");
    assertFitsDiscord(empty);
  });

  it("escapes hostile feed and model text: nothing pings, formats or links except the stories' own URLs", () => {
    const hostile = "@everyone <@123456789012345678> [click](https://evil.example/x) # big https://evil.example/y ||s|| `c`";
    const digest = digestOf(
      [
        ticker("EVIL", {
          name: hostile,
          bullets: [hostile, "-# subtext https://evil.example/z"],
          stories: [
            story(1, { title: hostile, sources: [{ outlet: hostile, url: "https://evil.example/outlet" }] }),
            story(2, { url: "javascript:alert(1)", sources: [{ outlet: "X", url: "javascript:alert(1)" }] }),
            story(3, { url: "https://wire.example.com/a/(paren)", sources: [{ outlet: "Y", url: "https://wire.example.com/a/(paren)" }] }),
          ],
        }),
      ],
      { warnings: [hostile] },
    );
    const messages = renderDigest(digest);
    assertFitsDiscord(messages);
    const text = messages.map(allText).join("\n");
    const { targets, rest } = splitLinks(text);
    expect(targets).toEqual(["https://wire.example.com/markets/story-1", "https://evil.example/outlet", "https://wire.example.com/a/%28paren%29"]);
    expect(rest).not.toMatch(/https?:\/\//i);
    expect(rest).not.toMatch(/javascript:/i);
    expect(text).not.toMatch(/@(everyone|here)/);
    expect(text).not.toMatch(/<@!?&?\d+>/);
    expect(text).not.toMatch(/(^|[^\\])\[click\]\(/);
    expect(text).not.toMatch(/^#{1,3} /m);
    expect(text).not.toMatch(/^-# /m);
  });

  it("links only http(s) URLs, percent-encoding what would break a masked link", () => {
    expect(markdownLinkTarget("https://a.example/x(1)")).toBe("https://a.example/x%281%29");
    expect(markdownLinkTarget("https://a.example/<x>")).toBe("https://a.example/%3Cx%3E");
    expect(markdownLinkTarget("javascript:alert(1)")).toBeUndefined();
    expect(markdownLinkTarget("ftp://a.example/")).toBeUndefined();
    expect(markdownLinkTarget("https://user:pw@a.example/")).toBeUndefined();
    expect(markdownLinkTarget("https://a.example/a b")).toBeUndefined();
    expect(markdownLinkTarget(`https://a.example/${"x".repeat(700)}`)).toBeUndefined();
  });

  it("splits across messages within Discord's limits, keeping every ticker in order", () => {
    const tickers = Array.from({ length: 25 }, (_, i) =>
      ticker(`T${i}`, {
        name: long(300),
        bullets: [long(500), long(500), long(500), long(500)],
        stories: Array.from({ length: 8 }, (__, j) =>
          story(j, {
            title: long(400),
            url: `https://wire.example.com/${"p".repeat(400)}/${i}/${j}`,
            sources: [
              { outlet: long(100), url: `https://wire.example.com/${"p".repeat(400)}/${i}/${j}` },
              { outlet: long(100), url: `https://other.example.com/${"q".repeat(400)}/${i}/${j}` },
            ],
          }),
        ),
      }),
    );
    const messages = renderDigest(digestOf(tickers, { warnings: Array.from({ length: 12 }, () => long(1000)) }));
    assertFitsDiscord(messages);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.slice(1).every((m) => m.content === undefined)).toBe(true);
    const titles = messages.flatMap((m) => m.embeds.map((e) => e.title));
    expect(titles.map((t) => t?.split(" · ")[0])).toEqual(tickers.map((t) => `📈 ${t.symbol}`));
    for (const embed of messages.flatMap((m) => m.embeds)) {
      expect(embed.description).toMatch(/…and \d+ more stor(y|ies)$/);
    }
  });

  it("packs ten small tickers into one message and starts a second for the eleventh", () => {
    const messages = renderDigest(digestOf(Array.from({ length: 11 }, (_, i) => ticker(`S${i}`, { stories: [story(i)] }))));
    expect(messages.map((m) => m.embeds.length)).toEqual([10, 1]);
  });

  it("always fits Discord's limits, whatever the text (property)", () => {
    const text = fc.string({ maxLength: 600, unit: "binary" });
    const arbStory = fc.record({
      id: fc.string({ maxLength: 8 }),
      title: text,
      url: fc.oneof(fc.webUrl(), text),
      sources: fc.array(fc.record({ outlet: text, url: fc.oneof(fc.webUrl(), text) }), { maxLength: 4 }),
    });
    const arbTicker = fc.record({
      symbol: fc.string({ maxLength: 40 }),
      name: text,
      tone: fc.constantFrom("bullish" as const, "bearish" as const, "neutral" as const, null),
      bullets: fc.array(text, { maxLength: 6 }),
      stories: fc.array(arbStory, { maxLength: 12 }),
      mode: fc.constantFrom("llm" as const, "headlines" as const),
    });
    fc.assert(
      fc.property(fc.array(arbTicker, { maxLength: 14 }), fc.array(text, { maxLength: 8 }), (tickers, warnings) => {
        const messages = renderDigest(digestOf(tickers, { warnings }));
        assertFitsDiscord(messages);
        expect(messages.reduce((n, m) => n + m.embeds.length, 0)).toBe(tickers.length);
        const { rest } = splitLinks(messages.map(allText).join("\n"));
        expect(rest).not.toMatch(/https?:\/\//i);
      }),
      { numRuns: 150 },
    );
  });
});
