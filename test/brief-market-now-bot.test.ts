/**
 * /summarize and "Summarize link" in Discord show where a ticker is now under its stated move,
 * for an article older than today: the real bot against the Discord emulator, the real app
 * against a local Yahoo-compatible chart server. The commands' clock is injected.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Locale, type APIEmbed } from "discord.js";
import { canonicalizeUrl } from "../src/core/canonical-url.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotStack, type BotStack } from "./support/bot-stack.ts";
import { startChartServer, type ChartListing, type ChartServer } from "./support/chart-server.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { articleHtml } from "./fixtures/alibaba-dated-article.ts";

// Monday 9 March 2026, 12:00 in Hong Kong (04:00 UTC).
const NOW = Date.UTC(2026, 2, 9, 4, 0);
const SESSION = { start: Date.UTC(2026, 2, 9, 1, 30) / 1000, end: Date.UTC(2026, 2, 9, 8, 0) / 1000 };
const HK: ChartListing = { price: 131.2, previousClose: 130.1, session: SESSION, currency: "HKD", exchange: "HKSE", timeZone: "Asia/Hong_Kong" };

const html = (body: string) => ({ headers: { "content-type": "text/html; charset=utf-8" }, body });
const tickersField = (embed: APIEmbed | undefined) => embed?.fields?.find((f) => f.name === "Tickers" || f.name === "Werte")?.value ?? "";

let dir: string;
let web: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mb-market-now-bot-"));
  web = await startTestServer({
    // Friday's article, and two of Monday morning in Hong Kong (one still Sunday in UTC).
    "/old": html(articleHtml("2026-03-06T10:15:00+08:00")),
    "/old-de": html(articleHtml("2026-03-05T16:40:00+08:00")),
    "/old-link": html(articleHtml("2026-03-04T09:00:00+08:00")),
    "/today": html(articleHtml("2026-03-09T09:30:00+08:00")),
    "/today-hk": html(articleHtml("2026-03-08T23:30:00Z")),
  });
});

afterAll(async () => {
  await web?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function withStack(name: string, chart: ChartServer, run: (stack: BotStack) => Promise<void>): Promise<void> {
  const stack = await startBotStack({
    env: { FETCH_ALLOW_PRIVATE: "127.0.0.1", MARKET_DATA_URL: chart.url, DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}` },
    now: () => NOW,
  });
  try {
    await run(stack);
  } finally {
    await stack.close();
  }
}

async function briefOf(stack: BotStack, path: string, locale?: Locale): Promise<APIEmbed | undefined> {
  const h = stack.emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}${path}` }, ...(locale ? { locale } : {}) });
  const reply = await h.waitForReply((m) => m.embeds.length > 0, 20_000);
  expect(reply.allowedMentions).toEqual({ parse: [] });
  return reply.embeds[0];
}

describe("briefs with the price now", () => {
  let chart: ChartServer;
  beforeAll(async () => {
    chart = await startChartServer();
    chart.set("9988.HK", HK);
  });
  afterAll(async () => {
    await chart?.close();
  });

  it("shows the price now and the move since under the stated move of an older article, in the reader's language", async () => {
    await withStack("prices", chart, async (stack) => {
      const en = tickersField(await briefOf(stack, "/old"));
      expect(en).toContain("**9988.HK** Alibaba Group Holding Limited · +3.48 % at 130.70 HKD\n↳ now 131.20 HKD, +0.38 % since");

      const de = tickersField(await briefOf(stack, "/old-de", Locale.German));
      expect(de).toContain("+3,48 % bei 130,70 HKD\n↳ jetzt 131,20 HKD, +0,38 % seitdem");

      const h = stack.emu.dispatchMessageCommand({ name: "Summarize link", targetMessage: { content: `Friday's news: ${web.url}/old-link` } });
      const reply = await h.waitForReply((m) => m.embeds.length > 0, 20_000);
      expect(tickersField(reply.embeds[0])).toContain("↳ now 131.20 HKD, +0.38 % since");
      expect(chart.requests.every((r) => r.symbol === "9988.HK" && r.range === "1d")).toBe(true);

      // The cached brief is the article's brief, without the price looked up for the reply.
      const url = `${web.url}/old`;
      const again = await stack.app.summarizer.summarize({ kind: "url", url, canonicalUrl: canonicalizeUrl(url) ?? url }, { language: "en" });
      expect(again.result.cached).toBe(true);
      expect(again.result.brief.tickers[0]?.moves[0]).toEqual({ price: 130.7, currency: "HKD", changePct: 3.48 });
      expect(JSON.stringify(again.result)).not.toMatch(/131\.2|marketNow/);
    });
  });

  it("shows no price line for an article from today in the exchange's time zone", async () => {
    await withStack("today", chart, async (stack) => {
      expect(tickersField(await briefOf(stack, "/today"))).toMatch(/\*\*9988\.HK\*\* Alibaba Group Holding Limited · \+3\.48 % at 130\.70 HKD$/);
      // Sunday 23:30 in UTC is Monday 07:30 in Hong Kong: today on the exchange.
      expect(tickersField(await briefOf(stack, "/today-hk"))).not.toContain("↳");
    });
  });
});

describe("briefs while prices fail", () => {
  it("posts the brief intact, without the line, when the chart server answers 500", async () => {
    const failing = await startChartServer();
    try {
      failing.set("9988.HK", HK);
      failing.fail(500);
      await withStack("failing", failing, async (stack) => {
        const embed = await briefOf(stack, "/old");
        expect(embed?.title).toBe("Alibaba-Aktie springt nach Cloud-Zahlen an");
        expect(tickersField(embed)).toMatch(/\*\*9988\.HK\*\* Alibaba Group Holding Limited · \+3\.48 % at 130\.70 HKD$/);
        expect(embed?.description?.length).toBeGreaterThan(0);
        expect(failing.requests.map((r) => r.status)).toEqual([500]);
      });
    } finally {
      await failing.close();
    }
  });
});
